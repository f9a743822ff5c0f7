// Scalar scrypt mining kernel (N=1024, r=1, p=1, dkLen=32, password = salt = header, as Litecoin),
// the fallback where SIMD128 is missing. ABI: src/core/pow/kernel.ts.
import { HEADER, TARGET, OUT, setScanResult } from '../lib/abi';
import { headerMidstate, pbkdf2Expand, pbkdf2Finish, KEYS_SIZE } from '../lib/scrypt_pbkdf2';
import { xorSalsa8 } from '../lib/salsa_x1.generated';
import { hashMeetsTarget } from '../lib/target';

export { headerPtr, targetPtr, outPtr, foundNonce, hashesDone } from '../lib/abi';

const N: u32 = 1024;
const JOB_MID: usize = memory.data(32, 16);
const MID: usize = memory.data(32, 16);
const KEYS: usize = memory.data(<i32>KEYS_SIZE, 16);
const X: usize = memory.data(128, 16);
const WORK: usize = memory.data(80, 16);

// The 128 KiB scratchpad V (N blocks of 128 bytes), allocated once per instance above the data.
const V: usize = (__heap_base + 63) & ~(<usize>63);
const needPages = <i32>((V + (<usize>N << 7) + 0xffff) >> 16);
if (memory.size() < needPages) memory.grow(needPages - memory.size());

/** ROMix (RFC 7914 section 5) with r = 1: BlockMix is two xor-Salsa20/8 steps on the halves of X. */
function romix(x: usize): void {
  for (let i: u32 = 0; i < N; i++) {
    memory.copy(V + (<usize>i << 7), x, 128);
    xorSalsa8(x, x + 64);
    xorSalsa8(x + 64, x);
  }
  for (let i: u32 = 0; i < N; i++) {
    const v = V + (<usize>(load<u32>(x, 64) & (N - 1)) << 7); // Integerify: X[16] mod N
    for (let k: usize = 0; k < 128; k += 8) store<u64>(x + k, load<u64>(x + k) ^ load<u64>(v + k));
    xorSalsa8(x, x + 64);
    xorSalsa8(x + 64, x);
  }
}

function scryptHash(out: usize, mid: usize, header: usize): void {
  pbkdf2Expand(mid, header, X, KEYS);
  romix(X);
  pbkdf2Finish(KEYS, X, out);
}

export function setJob(): void {
  headerMidstate(JOB_MID, HEADER);
  memory.copy(WORK, HEADER, 76);
}

export function scan(start: u32, count: u32): i32 {
  for (let i: u32 = 0; i < count; i++) {
    const nonce = start + i;
    store<u32>(WORK, nonce, 76);
    scryptHash(OUT, JOB_MID, WORK);
    if (hashMeetsTarget(OUT, TARGET)) {
      setScanResult(nonce, i + 1);
      return 1;
    }
  }
  setScanResult(0, count);
  return 0;
}

export function hash(): void {
  headerMidstate(MID, HEADER);
  scryptHash(OUT, MID, HEADER);
}
