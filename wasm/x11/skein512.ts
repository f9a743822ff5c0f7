// Skein-512-512 (SHA-3 round-3 submission, version 1.3): UBI chaining over Threefish-512 (72 rounds,
// a subkey every 4 rounds, key schedule parity C240 = 0x1BD11BDAA9FC1A22), message and output UBI.
// Words are little-endian u64.

// The chaining value after the configuration UBI for a 512-bit output, as precomputed in the Skein 1.3
// specification (Skein-512-512 IV).
const IV: usize = memory.data<u64>([
  0x4903adff749c51ce, 0x0d95de399746df03, 0x8fd1934127c79bce, 0x9a255629ff352cb1,
  0x5db62599df6ca7b0, 0xeabe394ca9d5c3f4, 0x991112c71a75b523, 0xae18a40b660fcc33,
]);

// Rotation constants R_(d mod 8, j) of Threefish-512.
const ROT: usize = memory.data<u8>([
  46, 36, 19, 37, 33, 27, 14, 42, 17, 49, 36, 39, 44, 9, 54, 56,
  39, 30, 34, 24, 13, 50, 10, 17, 25, 29, 39, 43, 8, 35, 56, 22,
]);

const T_MSG: u64 = 48;
const T_OUT: u64 = 63;
const FIRST: u64 = 1 << 62;
const FINAL: u64 = 1 << 63;

const K: usize = memory.data(144); // key words k0..k8, twice
const TW: usize = memory.data(40); // tweak words t0, t1, t2 = t0 ^ t1, then t0, t1 again
const G: usize = memory.data(64); // chaining value
const BLOCK: usize = memory.data(64);

// Iteration s of the loop below adds subkey s, then runs rounds 4s..4s+3, each four MIXes
// (a += b; b = rotl(b, R_(d mod 8, j)) ^ a): rotations R_0..R_3 for even s, R_4..R_7 for odd s. The word
// permutation pi is folded into the pairing of the four rounds; after four rounds it is the identity.
//
// UBI step: G = Threefish_G,T(M) ^ M for the 64-byte block m with tweak (t0, t1): 72 rounds, the subkey
// s (v_i += k_((s+i) mod 9), v5 += t_(s mod 3), v6 += t_((s+1) mod 3), v7 += s) before every four.
function ubi(m: usize, t0: u64, t1: u64): void {
  let parity: u64 = 0x1bd11bdaa9fc1a22;
  for (let i: usize = 0; i < 64; i += 8) {
    const k = load<u64>(G + i);
    store<u64>(K + i, k);
    store<u64>(K + 72 + i, k); // k_(s+i) for s + i up to 16 without a modulo
    parity ^= k;
  }
  store<u64>(K + 64, parity);
  store<u64>(K + 136, parity);
  store<u64>(TW, t0, 0); store<u64>(TW, t1, 8); store<u64>(TW, t0 ^ t1, 16);
  store<u64>(TW, t0, 24); store<u64>(TW, t1, 32);
  let v0 = load<u64>(m, 0), v1 = load<u64>(m, 8), v2 = load<u64>(m, 16), v3 = load<u64>(m, 24);
  let v4 = load<u64>(m, 32), v5 = load<u64>(m, 40), v6 = load<u64>(m, 48), v7 = load<u64>(m, 56);
  for (let s: usize = 0; s < 18; s++) {
    const k = K + ((s % 9) << 3), t = TW + ((s % 3) << 3);
    v0 += load<u64>(k, 0); v1 += load<u64>(k, 8); v2 += load<u64>(k, 16); v3 += load<u64>(k, 24);
    v4 += load<u64>(k, 32); v5 += load<u64>(k, 40) + load<u64>(t, 0);
    v6 += load<u64>(k, 48) + load<u64>(t, 8); v7 += load<u64>(k, 56) + <u64>s;
    const r = ROT + ((s & 1) << 4);
    v0 += v1; v1 = rotl<u64>(v1, load<u8>(r, 0)) ^ v0; v2 += v3; v3 = rotl<u64>(v3, load<u8>(r, 1)) ^ v2;
    v4 += v5; v5 = rotl<u64>(v5, load<u8>(r, 2)) ^ v4; v6 += v7; v7 = rotl<u64>(v7, load<u8>(r, 3)) ^ v6;
    v2 += v1; v1 = rotl<u64>(v1, load<u8>(r, 4)) ^ v2; v4 += v7; v7 = rotl<u64>(v7, load<u8>(r, 5)) ^ v4;
    v6 += v5; v5 = rotl<u64>(v5, load<u8>(r, 6)) ^ v6; v0 += v3; v3 = rotl<u64>(v3, load<u8>(r, 7)) ^ v0;
    v4 += v1; v1 = rotl<u64>(v1, load<u8>(r, 8)) ^ v4; v6 += v3; v3 = rotl<u64>(v3, load<u8>(r, 9)) ^ v6;
    v0 += v5; v5 = rotl<u64>(v5, load<u8>(r, 10)) ^ v0; v2 += v7; v7 = rotl<u64>(v7, load<u8>(r, 11)) ^ v2;
    v6 += v1; v1 = rotl<u64>(v1, load<u8>(r, 12)) ^ v6; v0 += v7; v7 = rotl<u64>(v7, load<u8>(r, 13)) ^ v0;
    v2 += v5; v5 = rotl<u64>(v5, load<u8>(r, 14)) ^ v2; v4 += v3; v3 = rotl<u64>(v3, load<u8>(r, 15)) ^ v4;
  }
  // subkey 18, then the feed-forward with the message
  const k = K + ((18 % 9) << 3), t = TW + ((18 % 3) << 3);
  store<u64>(G, (v0 + load<u64>(k, 0)) ^ load<u64>(m, 0), 0);
  store<u64>(G, (v1 + load<u64>(k, 8)) ^ load<u64>(m, 8), 8);
  store<u64>(G, (v2 + load<u64>(k, 16)) ^ load<u64>(m, 16), 16);
  store<u64>(G, (v3 + load<u64>(k, 24)) ^ load<u64>(m, 24), 24);
  store<u64>(G, (v4 + load<u64>(k, 32)) ^ load<u64>(m, 32), 32);
  store<u64>(G, (v5 + load<u64>(k, 40) + load<u64>(t, 0)) ^ load<u64>(m, 40), 40);
  store<u64>(G, (v6 + load<u64>(k, 48) + load<u64>(t, 8)) ^ load<u64>(m, 48), 48);
  store<u64>(G, (v7 + load<u64>(k, 56) + 18) ^ load<u64>(m, 56), 56);
}

/** Skein-512-512 of len bytes at src; writes the 64-byte digest to dst. */
export function skein512(src: usize, len: usize, dst: usize): void {
  memory.copy(G, IV, 64);
  let off: usize = 0;
  let flags = FIRST;
  // Message UBI: every block but the last; the last (zero-padded, possibly empty) gets the final flag.
  while (len - off > 64) {
    ubi(src + off, <u64>(off + 64), (T_MSG << 56) | flags);
    flags = 0;
    off += 64;
  }
  memory.fill(BLOCK, 0, 64);
  memory.copy(BLOCK, src + off, len - off);
  ubi(BLOCK, <u64>len, (T_MSG << 56) | flags | FINAL);
  // Output UBI over the 8-byte counter 0.
  memory.fill(BLOCK, 0, 64);
  ubi(BLOCK, 8, (T_OUT << 56) | FIRST | FINAL);
  memory.copy(dst, G, 64);
}
