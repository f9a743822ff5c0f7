// scrypt mining kernel (N=1024, r=1, p=1, dkLen=32, password = salt = header, as Litecoin), four
// hashes at once: hash k lives in lane k of every v128, each lane fetching its own scratchpad row.
// PBKDF2-HMAC-SHA256 runs in scalar per lane. ABI: src/core/pow/kernel.ts.
import { HEADER, TARGET, OUT, setScanResult } from '../lib/abi';
import { headerMidstate, pbkdf2Expand, pbkdf2Finish, KEYS_SIZE } from '../lib/scrypt_pbkdf2';
import { xorSalsa8x4 } from '../lib/salsa_x4.generated';
import { xorSalsa8 } from '../lib/salsa_x1.generated';
import { hashMeetsTarget } from '../lib/target';

export { headerPtr, targetPtr, outPtr, foundNonce, hashesDone } from '../lib/abi';

const N: u32 = 1024;
const LANES: u32 = 4;
const JOB_MID: usize = memory.data(32, 16);
const MID: usize = memory.data(32, 16);
const KEYS: usize = memory.data(<i32>(KEYS_SIZE * 4), 16);
const XS: usize = memory.data(128, 16); // one lane's X as 32 LE words
const XV: usize = memory.data(512, 16); // four lanes' X: word w of lane k at XV + 16w + 4k
const WORK: usize = memory.data(80, 16);
const HASHES: usize = memory.data(128, 16);

// The scratchpad, allocated once per instance: V[i] holds the four lanes' X (512 bytes), 512 KiB in all.
const V: usize = (__heap_base + 63) & ~(<usize>63);
const needPages = <i32>((V + (<usize>N << 9) + 0xffff) >> 16);
if (memory.size() < needPages) memory.grow(needPages - memory.size());

/** ROMix (RFC 7914 section 5) with r = 1 on four lanes. */
function romix4(): void {
  for (let i: u32 = 0; i < N; i++) {
    // V[i] := X, as 32 vector copies (memory.copy is a call out of the engine's compiled code).
    const row = V + (<usize>i << 9);
    for (let w: usize = 0; w < 512; w += 64) {
      v128.store(row + w, v128.load(XV + w), 0);
      v128.store(row + w, v128.load(XV + w, 16), 16);
      v128.store(row + w, v128.load(XV + w, 32), 32);
      v128.store(row + w, v128.load(XV + w, 48), 48);
    }
    xorSalsa8x4(XV, XV + 256);
    xorSalsa8x4(XV + 256, XV);
  }
  for (let i: u32 = 0; i < N; i++) {
    // Integerify per lane: X[16] mod N picks that lane's row; XOR the lane's words of that row in.
    const x16 = v128.load(XV, 256);
    const r0 = V + (<usize>(i32x4.extract_lane(x16, 0) & (N - 1)) << 9);
    const r1 = V + (<usize>(i32x4.extract_lane(x16, 1) & (N - 1)) << 9) + 4;
    const r2 = V + (<usize>(i32x4.extract_lane(x16, 2) & (N - 1)) << 9) + 8;
    const r3 = V + (<usize>(i32x4.extract_lane(x16, 3) & (N - 1)) << 9) + 12;
    for (let w: usize = 0; w < 512; w += 16) {
      let v = v128.load32_zero(r0 + w);
      v = v128.load32_lane(r1 + w, v, 1);
      v = v128.load32_lane(r2 + w, v, 2);
      v = v128.load32_lane(r3 + w, v, 3);
      v128.store(XV + w, v128.xor(v128.load(XV + w), v));
    }
    xorSalsa8x4(XV, XV + 256);
    xorSalsa8x4(XV + 256, XV);
  }
}

/** Hashes the job header with nonces start..start+3 into HASHES (32 bytes per lane). */
function scrypt4(start: u32): void {
  for (let k: u32 = 0; k < LANES; k++) {
    store<u32>(WORK, start + k, 76);
    pbkdf2Expand(JOB_MID, WORK, XS, KEYS + k * KEYS_SIZE);
    for (let w: usize = 0; w < 32; w++) store<u32>(XV + (w << 4) + (k << 2), load<u32>(XS + (w << 2)));
  }
  romix4();
  for (let k: u32 = 0; k < LANES; k++) {
    for (let w: usize = 0; w < 32; w++) store<u32>(XS + (w << 2), load<u32>(XV + (w << 4) + (k << 2)));
    pbkdf2Finish(KEYS + k * KEYS_SIZE, XS, HASHES + (k << 5));
  }
}

export function setJob(): void {
  headerMidstate(JOB_MID, HEADER);
  memory.copy(WORK, HEADER, 76);
}

export function scan(start: u32, count: u32): i32 {
  for (let i: u32 = 0; i < count; i += LANES) {
    scrypt4(start + i);
    for (let k: u32 = 0; k < LANES && i + k < count; k++) {
      if (hashMeetsTarget(HASHES + (k << 5), TARGET)) {
        setScanResult(start + i + k, i + k + 1);
        return 1;
      }
    }
    if (count - i <= LANES) break; // so that i += LANES cannot wrap past 2^32
  }
  setScanResult(0, count);
  return 0;
}

/** One scrypt hash of the full header (verification path), scalar, using lane 0's scratchpad rows. */
export function hash(): void {
  headerMidstate(MID, HEADER);
  pbkdf2Expand(MID, HEADER, XS, KEYS);
  for (let i: u32 = 0; i < N; i++) {
    memory.copy(V + (<usize>i << 7), XS, 128);
    xorSalsa8(XS, XS + 64);
    xorSalsa8(XS + 64, XS);
  }
  for (let i: u32 = 0; i < N; i++) {
    const v = V + (<usize>(load<u32>(XS, 64) & (N - 1)) << 7);
    for (let k: usize = 0; k < 128; k += 8) store<u64>(XS + k, load<u64>(XS + k) ^ load<u64>(v + k));
    xorSalsa8(XS, XS + 64);
    xorSalsa8(XS + 64, XS);
  }
  pbkdf2Finish(KEYS, XS, OUT);
}
