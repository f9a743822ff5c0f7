// ECHO-512 (SHA-3 round-2 submission, the BIG variant): a state of 16 128-bit words (a 4x4 matrix,
// word n = 4 * column + row), 10 rounds of BIG.SubWords (two AES rounds per word, the first keyed by
// the 128-bit counter, incremented after every word, the second by the null salt), BIG.ShiftRows and
// BIG.MixColumns (AES MixColumns across the four words of a column). 1024-bit chaining value in words
// 0..7, 1024-bit message in words 8..15; final: V_i ^= M_i ^ W_i ^ W_(i+8). Little-endian u32 words.
import { aesInit, T0, T1, T2, T3 } from './aes';

const V: usize = memory.data(128);
const W: usize = memory.data(256, 16);
const W2: usize = memory.data(256, 16);
const BLOCK: usize = memory.data(128);

@inline function tb(t: usize, x: u32): u32 { return load<u32>(t + ((<usize>x & 0xff) << 2)); }

// The 128-bit counter (bits so far), the key of the first AES round of each word.
let ctrLo: u64 = 0;
let ctrHi: u64 = 0;

// BIG.SubWords on one word at w: an AES round keyed by the counter, then one keyed by the null salt
// (SubBytes, ShiftRows, MixColumns through the tables, then AddRoundKey); the counter then counts on.
@inline
function subWord(w: usize): void {
  const a = load<u32>(w, 0), b = load<u32>(w, 4), c = load<u32>(w, 8), d = load<u32>(w, 12);
  const y0 = tb(T0, a) ^ tb(T1, b >> 8) ^ tb(T2, c >> 16) ^ tb(T3, d >> 24) ^ <u32>ctrLo;
  const y1 = tb(T0, b) ^ tb(T1, c >> 8) ^ tb(T2, d >> 16) ^ tb(T3, a >> 24) ^ <u32>(ctrLo >> 32);
  const y2 = tb(T0, c) ^ tb(T1, d >> 8) ^ tb(T2, a >> 16) ^ tb(T3, b >> 24) ^ <u32>ctrHi;
  const y3 = tb(T0, d) ^ tb(T1, a >> 8) ^ tb(T2, b >> 16) ^ tb(T3, c >> 24) ^ <u32>(ctrHi >> 32);
  store<u32>(w, tb(T0, y0) ^ tb(T1, y1 >> 8) ^ tb(T2, y2 >> 16) ^ tb(T3, y3 >> 24), 0);
  store<u32>(w, tb(T0, y1) ^ tb(T1, y2 >> 8) ^ tb(T2, y3 >> 16) ^ tb(T3, y0 >> 24), 4);
  store<u32>(w, tb(T0, y2) ^ tb(T1, y3 >> 8) ^ tb(T2, y0 >> 16) ^ tb(T3, y1 >> 24), 8);
  store<u32>(w, tb(T0, y3) ^ tb(T1, y0 >> 8) ^ tb(T2, y1 >> 16) ^ tb(T3, y2 >> 24), 12);
  ctrLo++;
  if (ctrLo == 0) ctrHi++;
}

// Byte-wise multiplication by 2 in GF(2^8) of all 16 bytes.
@inline
function xtime16(x: v128): v128 {
  return v128.xor(i8x16.shl(x, 1), v128.and(i8x16.shr_s(x, 7), i8x16.splat(0x1b)));
}

// One BIG round from the words at src (destroyed) into dst.
function bigRound(src: usize, dst: usize): void {
  for (let n: usize = 0; n < 16; n++) subWord(src + (n << 4));
  // BIG.ShiftRows (row r of the word matrix turns left by r columns: column c takes row r from column
  // c + r) fused with BIG.MixColumns (AES MixColumns circ(2, 3, 1, 1) across the column's four words).
  for (let c: usize = 0; c < 4; c++) {
    const a = v128.load(src + ((c << 2) << 4));
    const b = v128.load(src + (((((c + 1) & 3) << 2) + 1) << 4));
    const cc = v128.load(src + (((((c + 2) & 3) << 2) + 2) << 4));
    const d = v128.load(src + (((((c + 3) & 3) << 2) + 3) << 4));
    const ab = v128.xor(a, b), bc = v128.xor(b, cc), cd = v128.xor(cc, d);
    const abx = xtime16(ab), bcx = xtime16(bc), cdx = xtime16(cd);
    const out = dst + ((c << 2) << 4);
    v128.store(out, v128.xor(v128.xor(abx, bc), d), 0);
    v128.store(out, v128.xor(v128.xor(bcx, a), cd), 16);
    v128.store(out, v128.xor(v128.xor(cdx, ab), d), 32);
    v128.store(out, v128.xor(v128.xor(v128.xor(abx, bcx), v128.xor(cdx, ab)), cc), 48);
  }
}

// Compression of the 128-byte block m with counter value c (bits including this block's message).
function compress(m: usize, c: u64): void {
  memory.copy(W, V, 128);
  memory.copy(W + 128, m, 128);
  ctrLo = c;
  ctrHi = 0;
  for (let r = 0; r < 10; r += 2) {
    bigRound(W, W2);
    bigRound(W2, W);
  }
  for (let i: usize = 0; i < 128; i += 8) {
    store<u64>(V + i, load<u64>(V + i) ^ load<u64>(m + i) ^ load<u64>(W + i) ^ load<u64>(W + 128 + i));
  }
}

/** ECHO-512 of len bytes at src; writes the 64-byte digest to dst. */
export function echo512(src: usize, len: usize, dst: usize): void {
  aesInit();
  // IV: every chaining word is the output length 512 as a 128-bit integer.
  memory.fill(V, 0, 128);
  for (let i: usize = 0; i < 128; i += 16) store<u32>(V + i, 512);
  let off: usize = 0;
  while (len - off >= 128) {
    compress(src + off, <u64>(off + 128) << 3);
    off += 128;
  }
  // Padding: 0x80, zeros, the 16-bit output length at bytes 110..111 and the 128-bit bit count at
  // 112..127 (little-endian). A block holding no message bits is compressed with the counter 0.
  const rest = len - off;
  const bits = <u64>len << 3;
  memory.fill(BLOCK, 0, 128);
  memory.copy(BLOCK, src + off, rest);
  store<u8>(BLOCK + rest, 0x80);
  let counter: u64 = rest == 0 ? 0 : bits;
  if (rest + 1 > 110) {
    compress(BLOCK, counter);
    memory.fill(BLOCK, 0, 128);
    counter = 0;
  }
  store<u16>(BLOCK + 110, 512);
  store<u64>(BLOCK + 112, bits);
  compress(BLOCK, counter);
  memory.copy(dst, V, 64);
}
