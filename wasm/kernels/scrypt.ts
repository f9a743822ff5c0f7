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

// The scratchpad, allocated once per instance: 128 KiB per lane, V_k[i] = lane k's X (128 bytes,
// words in order), so a lane's row lookup in the second loop reads two contiguous cache lines.
const V: usize = (__heap_base + 63) & ~(<usize>63);
const LANE_BYTES: usize = <usize>N << 7;
const needPages = <i32>((V + LANE_BYTES * LANES + 0xffff) >> 16);
if (memory.size() < needPages) memory.grow(needPages - memory.size());

// 4x4 transposes of 32-bit words turn four lane-format vectors (word w of lanes 0..3) into four
// lane rows (words w..w+3 of lane k) and back: interleave pairs of 32-bit lanes, then 64-bit halves.
// @ts-ignore: decorator
@inline function lo32(a: v128, b: v128): v128 { return i32x4.shuffle(a, b, 0, 4, 1, 5); }
// @ts-ignore: decorator
@inline function hi32(a: v128, b: v128): v128 { return i32x4.shuffle(a, b, 2, 6, 3, 7); }
// @ts-ignore: decorator
@inline function lo64(a: v128, b: v128): v128 { return i64x2.shuffle(a, b, 0, 2); }
// @ts-ignore: decorator
@inline function hi64(a: v128, b: v128): v128 { return i64x2.shuffle(a, b, 1, 3); }

/** ROMix (RFC 7914 section 5) with r = 1 on four lanes. */
function romix4(): void {
  for (let i: u32 = 0; i < N; i++) {
    // V_k[i] := lane k of X, four words at a time.
    const row = V + (<usize>i << 7);
    for (let g: usize = 0; g < 512; g += 64) {
      const a = v128.load(XV + g), b = v128.load(XV + g, 16), c = v128.load(XV + g, 32), d = v128.load(XV + g, 48);
      const ab01 = lo32(a, b), ab23 = hi32(a, b), cd01 = lo32(c, d), cd23 = hi32(c, d);
      const o = row + (g >> 2);
      v128.store(o, lo64(ab01, cd01));
      v128.store(o + LANE_BYTES, hi64(ab01, cd01));
      v128.store(o + 2 * LANE_BYTES, lo64(ab23, cd23));
      v128.store(o + 3 * LANE_BYTES, hi64(ab23, cd23));
    }
    xorSalsa8x4(XV, XV + 256);
    xorSalsa8x4(XV + 256, XV);
  }
  for (let i: u32 = 0; i < N; i++) {
    // Integerify per lane: X[16] mod N picks that lane's row; XOR the lane's row into its lane of X.
    const x16 = v128.load(XV, 256);
    const r0 = V + (<usize>(i32x4.extract_lane(x16, 0) & (N - 1)) << 7);
    const r1 = V + LANE_BYTES + (<usize>(i32x4.extract_lane(x16, 1) & (N - 1)) << 7);
    const r2 = V + 2 * LANE_BYTES + (<usize>(i32x4.extract_lane(x16, 2) & (N - 1)) << 7);
    const r3 = V + 3 * LANE_BYTES + (<usize>(i32x4.extract_lane(x16, 3) & (N - 1)) << 7);
    for (let g: usize = 0; g < 512; g += 64) {
      const o = g >> 2;
      const a = v128.load(r0 + o), b = v128.load(r1 + o), c = v128.load(r2 + o), d = v128.load(r3 + o);
      const ab01 = lo32(a, b), ab23 = hi32(a, b), cd01 = lo32(c, d), cd23 = hi32(c, d);
      v128.store(XV + g, v128.xor(v128.load(XV + g), lo64(ab01, cd01)));
      v128.store(XV + g, v128.xor(v128.load(XV + g, 16), hi64(ab01, cd01)), 16);
      v128.store(XV + g, v128.xor(v128.load(XV + g, 32), lo64(ab23, cd23)), 32);
      v128.store(XV + g, v128.xor(v128.load(XV + g, 48), hi64(ab23, cd23)), 48);
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
