// BLAKE-512 (SHA-3 round-3 submission, version 1.3): 16 rounds of the G function on a 4x4 matrix of
// u64 words, null salt, big-endian message words, 128-byte blocks, 128-bit bit counter.

// IV (the SHA-512 initial value).
const IV: usize = memory.data<u64>([
  0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
  0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
]);

// Constants c0..c15: the first digits of pi.
const C: usize = memory.data<u64>([
  0x243f6a8885a308d3, 0x13198a2e03707344, 0xa4093822299f31d0, 0x082efa98ec4e6c89,
  0x452821e638d01377, 0xbe5466cf34e90c6c, 0xc0ac29b7c97c50dd, 0x3f84d5b5b5470917,
  0x9216d5d98979fb1b, 0xd1310ba698dfb5ac, 0x2ffd72dbd01adfb7, 0xb8e1afed6a267e96,
  0xba7c9045f12c7f99, 0x24a19947b3916cf7, 0x0801f2e2858efc16, 0x636920d871574e69,
]);

// The ten permutations sigma_0..sigma_9 of {0..15}; round r uses sigma_(r mod 10).
const SIGMA: usize = memory.data<u8>([
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
  14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3,
  11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4,
  7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8,
  9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13,
  2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9,
  12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11,
  13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10,
  6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5,
  10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0,
]);

const H: usize = memory.data(64);
const V: usize = memory.data(128);
const M: usize = memory.data(128);
const BLOCK: usize = memory.data(128);

// G_i(a, b, c, d) with message/constant pair (sigma_r(2i), sigma_r(2i+1)); a..d are byte offsets in V.
@inline
function g(s: usize, i: usize, a: usize, b: usize, c: usize, d: usize): void {
  const j = <usize>load<u8>(s + 2 * i) << 3;
  const k = <usize>load<u8>(s + 2 * i + 1) << 3;
  let va = load<u64>(V + a), vb = load<u64>(V + b), vc = load<u64>(V + c), vd = load<u64>(V + d);
  va += vb + (load<u64>(M + j) ^ load<u64>(C + k));
  vd = rotr<u64>(vd ^ va, 32);
  vc += vd;
  vb = rotr<u64>(vb ^ vc, 25);
  va += vb + (load<u64>(M + k) ^ load<u64>(C + j));
  vd = rotr<u64>(vd ^ va, 16);
  vc += vd;
  vb = rotr<u64>(vb ^ vc, 11);
  store<u64>(V + a, va); store<u64>(V + b, vb); store<u64>(V + c, vc); store<u64>(V + d, vd);
}

// The compression function: chain value H, block at p, counter t = (t0, t1 = 0 for inputs < 2^64 bits).
function compress(p: usize, t0: u64): void {
  for (let i: usize = 0; i < 128; i += 8) store<u64>(M + i, bswap<u64>(load<u64>(p + i)));
  memory.copy(V, H, 64);
  // v8..v11 = s ^ c0..c3 with s = 0; v12, v13 = t0 ^ c4, c5; v14, v15 = t1 ^ c6, c7.
  memory.copy(V + 64, C, 32);
  store<u64>(V + 96, t0 ^ load<u64>(C, 32));
  store<u64>(V + 104, t0 ^ load<u64>(C, 40));
  store<u64>(V + 112, load<u64>(C, 48));
  store<u64>(V + 120, load<u64>(C, 56));
  for (let r: usize = 0; r < 16; r++) {
    const s = SIGMA + (r % 10) * 16;
    g(s, 0, 0, 32, 64, 96);
    g(s, 1, 8, 40, 72, 104);
    g(s, 2, 16, 48, 80, 112);
    g(s, 3, 24, 56, 88, 120);
    g(s, 4, 0, 40, 80, 120);
    g(s, 5, 8, 48, 88, 96);
    g(s, 6, 16, 56, 64, 104);
    g(s, 7, 24, 32, 72, 112);
  }
  // h_i = h_i ^ s ^ v_i ^ v_(i+8)
  for (let i: usize = 0; i < 64; i += 8) {
    store<u64>(H + i, load<u64>(H + i) ^ load<u64>(V + i) ^ load<u64>(V + 64 + i));
  }
}

/** BLAKE-512 of len bytes at src; writes the 64-byte digest to dst. */
export function blake512(src: usize, len: usize, dst: usize): void {
  memory.copy(H, IV, 64);
  let off: usize = 0;
  // Every full block except the final one (the final block always carries the padding).
  while (len - off > 128) {
    compress(src + off, <u64>(off + 128) << 3);
    off += 128;
  }
  const rest = len - off;
  const bits = <u64>len << 3;
  memory.fill(BLOCK, 0, 128);
  memory.copy(BLOCK, src + off, rest);
  if (rest == 128) {
    compress(BLOCK, bits);
    memory.fill(BLOCK, 0, 128);
    store<u8>(BLOCK, 0x80);
    store<u8>(BLOCK + 111, 0x01);
    store<u64>(BLOCK + 120, bswap<u64>(bits));
    compress(BLOCK, 0);
  } else if (rest < 112) {
    // 0x80 ... 0x01 then the 128-bit length; the counter counts message bits only.
    store<u8>(BLOCK + rest, load<u8>(BLOCK + rest) | 0x80);
    store<u8>(BLOCK + 111, load<u8>(BLOCK + 111) | 0x01);
    store<u64>(BLOCK + 120, bswap<u64>(bits));
    compress(BLOCK, bits);
  } else {
    // The padding does not fit: this block carries 0x80, a block without message bits (counter 0) the rest.
    store<u8>(BLOCK + rest, 0x80);
    compress(BLOCK, bits);
    memory.fill(BLOCK, 0, 128);
    store<u8>(BLOCK + 111, 0x01);
    store<u64>(BLOCK + 120, bswap<u64>(bits));
    compress(BLOCK, 0);
  }
  for (let i: usize = 0; i < 64; i += 8) store<u64>(dst + i, bswap<u64>(load<u64>(H + i)));
}
