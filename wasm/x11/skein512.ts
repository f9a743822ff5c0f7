// Skein-512-512 (SHA-3 round-3 submission, version 1.3): UBI chaining over Threefish-512 (72 rounds,
// a subkey every 4 rounds, key schedule parity C240 = 0x1BD11BDAA9FC1A22), message and output UBI.
// Words are little-endian u64.

// The chaining value after the configuration UBI for a 512-bit output (Skein 1.3, Appendix B.5).
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

const K: usize = memory.data(72); // key words k0..k8
const G: usize = memory.data(64); // chaining value
const BLOCK: usize = memory.data(64);
const V: usize = memory.data(64);

// Adds subkey s: v_i += k_((s+i) mod 9), v5 += t_(s mod 3), v6 += t_((s+1) mod 3), v7 += s.
@inline
function addSubkey(s: usize, t0: u64, t1: u64, t2: u64): void {
  for (let i: usize = 0; i < 8; i++) {
    store<u64>(V + (i << 3), load<u64>(V + (i << 3)) + load<u64>(K + (((s + i) % 9) << 3)));
  }
  const ts = s % 3;
  const a = ts == 0 ? t0 : ts == 1 ? t1 : t2;
  const b = ts == 0 ? t1 : ts == 1 ? t2 : t0;
  store<u64>(V + 40, load<u64>(V, 40) + a);
  store<u64>(V + 48, load<u64>(V, 48) + b);
  store<u64>(V + 56, load<u64>(V, 56) + <u64>s);
}

// MIX(a, b): a += b; b = rotl(b, r) ^ a, on words a and b of V.
@inline
function mix(a: usize, b: usize, r: u64): void {
  const x = load<u64>(V + (a << 3)) + load<u64>(V + (b << 3));
  store<u64>(V + (a << 3), x);
  store<u64>(V + (b << 3), rotl<u64>(load<u64>(V + (b << 3)), r) ^ x);
}

// UBI step: G = Threefish_G,T(M) ^ M for the 64-byte block m with tweak (t0, t1).
function ubi(m: usize, t0: u64, t1: u64): void {
  let parity: u64 = 0x1bd11bdaa9fc1a22;
  for (let i: usize = 0; i < 64; i += 8) {
    const k = load<u64>(G + i);
    store<u64>(K + i, k);
    parity ^= k;
  }
  store<u64>(K + 64, parity);
  const t2 = t0 ^ t1;
  memory.copy(V, m, 64);
  for (let d: usize = 0; d < 72; d += 8) {
    // Two groups of four rounds; the word permutation pi is folded into the pairing of each round.
    addSubkey(d >> 2, t0, t1, t2);
    for (let h: usize = 0; h < 2; h++) {
      const r = ROT + (h << 4);
      if (h == 1) addSubkey((d >> 2) + 1, t0, t1, t2);
      mix(0, 1, load<u8>(r, 0)); mix(2, 3, load<u8>(r, 1)); mix(4, 5, load<u8>(r, 2)); mix(6, 7, load<u8>(r, 3));
      mix(2, 1, load<u8>(r, 4)); mix(4, 7, load<u8>(r, 5)); mix(6, 5, load<u8>(r, 6)); mix(0, 3, load<u8>(r, 7));
      mix(4, 1, load<u8>(r, 8)); mix(6, 3, load<u8>(r, 9)); mix(0, 5, load<u8>(r, 10)); mix(2, 7, load<u8>(r, 11));
      mix(6, 1, load<u8>(r, 12)); mix(0, 7, load<u8>(r, 13)); mix(2, 5, load<u8>(r, 14)); mix(4, 3, load<u8>(r, 15));
    }
  }
  addSubkey(18, t0, t1, t2);
  for (let i: usize = 0; i < 64; i += 8) store<u64>(G + i, load<u64>(V + i) ^ load<u64>(m + i));
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
