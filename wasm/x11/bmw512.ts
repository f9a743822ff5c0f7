// Blue Midnight Wish BMW-512 (SHA-3 round-2 tweaked version): double-pipe 1024-bit chaining value of
// 16 little-endian u64 words, 128-byte blocks, functions f0 (bijective transform), f1 (expansion, two
// expand1 and fourteen expand2 rounds) and f2 (folding), and the final compression with CONST_final.

const IV: usize = memory.data<u64>([
  0x8081828384858687, 0x88898a8b8c8d8e8f, 0x9091929394959697, 0x98999a9b9c9d9e9f,
  0xa0a1a2a3a4a5a6a7, 0xa8a9aaabacadaeaf, 0xb0b1b2b3b4b5b6b7, 0xb8b9babbbcbdbebf,
  0xc0c1c2c3c4c5c6c7, 0xc8c9cacbcccdcecf, 0xd0d1d2d3d4d5d6d7, 0xd8d9dadbdcdddedf,
  0xe0e1e2e3e4e5e6e7, 0xe8e9eaebecedeeef, 0xf0f1f2f3f4f5f6f7, 0xf8f9fafbfcfdfeff,
]);

// f0: W_i = sum of five (M ^ H)_j with signs; row i lists j0..j4 and the signs of terms 1..4 (1 = minus).
const W_IDX: usize = memory.data<u8>([
  5, 7, 10, 13, 14, 6, 8, 11, 14, 15, 0, 7, 9, 12, 15, 0, 1, 8, 10, 13,
  1, 2, 9, 11, 14, 3, 2, 10, 12, 15, 4, 0, 3, 11, 13, 1, 4, 5, 12, 14,
  2, 5, 6, 13, 15, 0, 3, 6, 7, 14, 8, 1, 4, 7, 15, 8, 0, 2, 5, 9,
  1, 3, 6, 9, 10, 2, 4, 7, 10, 11, 3, 5, 8, 11, 12, 12, 4, 6, 9, 13,
]);
const W_NEG: usize = memory.data<u8>([
  1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 1, 1, 1, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1,
  1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 1, 1, 1, 1, 1, 0,
]);

const H: usize = memory.data(128);
const MSG: usize = memory.data(128);
const X: usize = memory.data(128);
const Q: usize = memory.data(256);
const OUT: usize = memory.data(128);
const BLOCK: usize = memory.data(128);
const FINAL: usize = memory.data(128);

@inline function s0(x: u64): u64 { return (x >> 1) ^ (x << 3) ^ rotl<u64>(x, 4) ^ rotl<u64>(x, 37); }
@inline function s1(x: u64): u64 { return (x >> 1) ^ (x << 2) ^ rotl<u64>(x, 13) ^ rotl<u64>(x, 43); }
@inline function s2(x: u64): u64 { return (x >> 2) ^ (x << 1) ^ rotl<u64>(x, 19) ^ rotl<u64>(x, 53); }
@inline function s3(x: u64): u64 { return (x >> 2) ^ (x << 2) ^ rotl<u64>(x, 28) ^ rotl<u64>(x, 59); }
@inline function s4(x: u64): u64 { return (x >> 1) ^ x; }
@inline function s5(x: u64): u64 { return (x >> 2) ^ x; }

@inline function q(j: usize): u64 { return load<u64>(Q + (j << 3)); }
@inline function m(j: usize): u64 { return load<u64>(MSG + (j << 3)); }
@inline function h(j: usize): u64 { return load<u64>(H + (j << 3)); }

// AddElement(j) = (rotl(M_(j-16), (j-16)+1) + rotl(M_(j-13), ...) - rotl(M_(j-6), ...) + K_j) ^ H_(j-16+7),
// indices mod 16, K_j = j * 0x0555555555555555.
@inline
function addElement(j: usize): u64 {
  const a = (j - 16) & 15, b = (j - 13) & 15, c = (j - 6) & 15;
  return (rotl<u64>(m(a), a + 1) + rotl<u64>(m(b), b + 1) - rotl<u64>(m(c), c + 1) + <u64>j * 0x0555555555555555)
    ^ h((j - 9) & 15);
}

// One compression: H = f2(M, f1(M, H, f0(M, H)), H), with M at MSG and H at H.
function compress(): void {
  for (let i: usize = 0; i < 128; i += 8) store<u64>(X + i, load<u64>(MSG + i) ^ load<u64>(H + i));
  // f0: Q_i = s_(i mod 5)(W_i) + H_(i+1)
  for (let i: usize = 0; i < 16; i++) {
    let w = load<u64>(X + (<usize>load<u8>(W_IDX + 5 * i) << 3));
    for (let k: usize = 1; k < 5; k++) {
      const t = load<u64>(X + (<usize>load<u8>(W_IDX + 5 * i + k) << 3));
      w = load<u8>(W_NEG + 4 * i + k - 1) ? w - t : w + t;
    }
    let s: u64;
    switch (<i32>(i % 5)) {
      case 0: s = s0(w); break;
      case 1: s = s1(w); break;
      case 2: s = s2(w); break;
      case 3: s = s3(w); break;
      default: s = s4(w);
    }
    store<u64>(Q + (i << 3), s + h((i + 1) & 15));
  }
  // f1: expand1 for Q16, Q17; expand2 for Q18..Q31.
  for (let j: usize = 16; j < 18; j++) {
    let e: u64 = addElement(j);
    for (let k: usize = 0; k < 16; k += 4) {
      e += s1(q(j - 16 + k)) + s2(q(j - 15 + k)) + s3(q(j - 14 + k)) + s0(q(j - 13 + k));
    }
    store<u64>(Q + (j << 3), e);
  }
  for (let j: usize = 18; j < 32; j++) {
    const e = q(j - 16) + rotl<u64>(q(j - 15), 5) + q(j - 14) + rotl<u64>(q(j - 13), 11)
      + q(j - 12) + rotl<u64>(q(j - 11), 27) + q(j - 10) + rotl<u64>(q(j - 9), 32)
      + q(j - 8) + rotl<u64>(q(j - 7), 37) + q(j - 6) + rotl<u64>(q(j - 5), 43)
      + q(j - 4) + rotl<u64>(q(j - 3), 53) + s4(q(j - 2)) + s5(q(j - 1)) + addElement(j);
    store<u64>(Q + (j << 3), e);
  }
  // f2: fold the 32 Q words and the message into the new chaining value.
  const xl = q(16) ^ q(17) ^ q(18) ^ q(19) ^ q(20) ^ q(21) ^ q(22) ^ q(23);
  const xh = xl ^ q(24) ^ q(25) ^ q(26) ^ q(27) ^ q(28) ^ q(29) ^ q(30) ^ q(31);
  const h0 = ((xh << 5) ^ (q(16) >> 5) ^ m(0)) + (xl ^ q(24) ^ q(0));
  const h1 = ((xh >> 7) ^ (q(17) << 8) ^ m(1)) + (xl ^ q(25) ^ q(1));
  const h2 = ((xh >> 5) ^ (q(18) << 5) ^ m(2)) + (xl ^ q(26) ^ q(2));
  const h3 = ((xh >> 1) ^ (q(19) << 5) ^ m(3)) + (xl ^ q(27) ^ q(3));
  const h4 = ((xh >> 3) ^ q(20) ^ m(4)) + (xl ^ q(28) ^ q(4));
  const h5 = ((xh << 6) ^ (q(21) >> 6) ^ m(5)) + (xl ^ q(29) ^ q(5));
  const h6 = ((xh >> 4) ^ (q(22) << 6) ^ m(6)) + (xl ^ q(30) ^ q(6));
  const h7 = ((xh >> 11) ^ (q(23) << 2) ^ m(7)) + (xl ^ q(31) ^ q(7));
  store<u64>(OUT, h0, 0); store<u64>(OUT, h1, 8); store<u64>(OUT, h2, 16); store<u64>(OUT, h3, 24);
  store<u64>(OUT, h4, 32); store<u64>(OUT, h5, 40); store<u64>(OUT, h6, 48); store<u64>(OUT, h7, 56);
  store<u64>(OUT, rotl<u64>(h4, 9) + (xh ^ q(24) ^ m(8)) + ((xl << 8) ^ q(23) ^ q(8)), 64);
  store<u64>(OUT, rotl<u64>(h5, 10) + (xh ^ q(25) ^ m(9)) + ((xl >> 6) ^ q(16) ^ q(9)), 72);
  store<u64>(OUT, rotl<u64>(h6, 11) + (xh ^ q(26) ^ m(10)) + ((xl << 6) ^ q(17) ^ q(10)), 80);
  store<u64>(OUT, rotl<u64>(h7, 12) + (xh ^ q(27) ^ m(11)) + ((xl << 4) ^ q(18) ^ q(11)), 88);
  store<u64>(OUT, rotl<u64>(h0, 13) + (xh ^ q(28) ^ m(12)) + ((xl >> 3) ^ q(19) ^ q(12)), 96);
  store<u64>(OUT, rotl<u64>(h1, 14) + (xh ^ q(29) ^ m(13)) + ((xl >> 4) ^ q(20) ^ q(13)), 104);
  store<u64>(OUT, rotl<u64>(h2, 15) + (xh ^ q(30) ^ m(14)) + ((xl >> 7) ^ q(21) ^ q(14)), 112);
  store<u64>(OUT, rotl<u64>(h3, 16) + (xh ^ q(31) ^ m(15)) + ((xl >> 2) ^ q(22) ^ q(15)), 120);
  memory.copy(H, OUT, 128);
}

/** BMW-512 of len bytes at src; writes the 64-byte digest to dst. */
export function bmw512(src: usize, len: usize, dst: usize): void {
  memory.copy(H, IV, 128);
  let off: usize = 0;
  while (len - off >= 128) {
    memory.copy(MSG, src + off, 128);
    compress();
    off += 128;
  }
  // Padding: 0x80, zeros, the 64-bit little-endian bit length in the last word of a block.
  const rest = len - off;
  memory.fill(BLOCK, 0, 128);
  memory.copy(BLOCK, src + off, rest);
  store<u8>(BLOCK + rest, 0x80);
  if (rest + 1 > 120) {
    memory.copy(MSG, BLOCK, 128);
    compress();
    memory.fill(BLOCK, 0, 128);
  }
  store<u64>(BLOCK + 120, <u64>len << 3);
  memory.copy(MSG, BLOCK, 128);
  compress();
  // Final: compress the chaining value as a message under CONST_final_i = 0xaaaaaaaaaaaaaaa0 + i.
  memory.copy(MSG, H, 128);
  for (let i: usize = 0; i < 16; i++) store<u64>(FINAL + (i << 3), 0xaaaaaaaaaaaaaaa0 + <u64>i);
  memory.copy(H, FINAL, 128);
  compress();
  memory.copy(dst, H + 64, 64);
}
