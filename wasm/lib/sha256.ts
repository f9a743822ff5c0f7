// SHA-256 (FIPS 180-4) compression in scalar u32 arithmetic, shared by the kernels.

/** FIPS 180-4 section 4.2.2: the 64 round constants K. */
export const K: usize = memory.data<u32>([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** FIPS 180-4 section 5.3.3: the initial hash value H(0). */
export const IV: usize = memory.data<u32>([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

// @ts-ignore: decorator
@inline function S0(x: u32): u32 { return rotr<u32>(x, 2) ^ rotr<u32>(x, 13) ^ rotr<u32>(x, 22); }
// @ts-ignore: decorator
@inline function S1(x: u32): u32 { return rotr<u32>(x, 6) ^ rotr<u32>(x, 11) ^ rotr<u32>(x, 25); }
// @ts-ignore: decorator
@inline function s0(x: u32): u32 { return rotr<u32>(x, 7) ^ rotr<u32>(x, 18) ^ (x >>> 3); }
// @ts-ignore: decorator
@inline function s1(x: u32): u32 { return rotr<u32>(x, 17) ^ rotr<u32>(x, 19) ^ (x >>> 10); }
// @ts-ignore: decorator
@inline function ch(x: u32, y: u32, z: u32): u32 { return z ^ (x & (y ^ z)); }
// @ts-ignore: decorator
@inline function maj(x: u32, y: u32, z: u32): u32 { return (x & y) | (z & (x | y)); }

/**
 * One compression: state (8 words at `st`) absorbs the message block whose 16 words are at `w`.
 * `w` must have room for 64 words: the schedule W16..W63 is expanded in place.
 */
export function compress(st: usize, w: usize): void {
  for (let i: usize = 16; i < 64; i++) {
    const p = w + ((i - 16) << 2); // W[i] = s1(W[i-2]) + W[i-7] + s0(W[i-15]) + W[i-16]
    store<u32>(p, s1(load<u32>(p, 56)) + load<u32>(p, 36) + s0(load<u32>(p, 4)) + load<u32>(p, 0), 64);
  }
  let a = load<u32>(st, 0), b = load<u32>(st, 4), c = load<u32>(st, 8), d = load<u32>(st, 12);
  let e = load<u32>(st, 16), f = load<u32>(st, 20), g = load<u32>(st, 24), h = load<u32>(st, 28);
  let t: u32;
  // Eight rounds per iteration; the variables rotate instead of being shifted (FIPS 180-4 6.2.2 step 3).
  for (let i: usize = 0; i < 256; i += 32) {
    const k = K + i, x = w + i;
    t = h + S1(e) + ch(e, f, g) + load<u32>(k, 0) + load<u32>(x, 0); d += t; h = t + S0(a) + maj(a, b, c);
    t = g + S1(d) + ch(d, e, f) + load<u32>(k, 4) + load<u32>(x, 4); c += t; g = t + S0(h) + maj(h, a, b);
    t = f + S1(c) + ch(c, d, e) + load<u32>(k, 8) + load<u32>(x, 8); b += t; f = t + S0(g) + maj(g, h, a);
    t = e + S1(b) + ch(b, c, d) + load<u32>(k, 12) + load<u32>(x, 12); a += t; e = t + S0(f) + maj(f, g, h);
    t = d + S1(a) + ch(a, b, c) + load<u32>(k, 16) + load<u32>(x, 16); h += t; d = t + S0(e) + maj(e, f, g);
    t = c + S1(h) + ch(h, a, b) + load<u32>(k, 20) + load<u32>(x, 20); g += t; c = t + S0(d) + maj(d, e, f);
    t = b + S1(g) + ch(g, h, a) + load<u32>(k, 24) + load<u32>(x, 24); f += t; b = t + S0(c) + maj(c, d, e);
    t = a + S1(f) + ch(f, g, h) + load<u32>(k, 28) + load<u32>(x, 28); e += t; a = t + S0(b) + maj(b, c, d);
  }
  store<u32>(st, load<u32>(st, 0) + a, 0); store<u32>(st, load<u32>(st, 4) + b, 4);
  store<u32>(st, load<u32>(st, 8) + c, 8); store<u32>(st, load<u32>(st, 12) + d, 12);
  store<u32>(st, load<u32>(st, 16) + e, 16); store<u32>(st, load<u32>(st, 20) + f, 20);
  store<u32>(st, load<u32>(st, 24) + g, 24); store<u32>(st, load<u32>(st, 28) + h, 28);
}

/** Copies 8 state words. */
export function copyState(dst: usize, src: usize): void {
  memory.copy(dst, src, 32);
}

/** Loads `n` big-endian words from bytes at `src` into words at `dst` (SHA-256 reads words big-endian). */
export function loadBE(dst: usize, src: usize, n: usize): void {
  for (let i: usize = 0; i < n; i++) store<u32>(dst + (i << 2), bswap<u32>(load<u32>(src + (i << 2))));
}

/** Stores the 8 state words big-endian as the 32-byte digest at `dst`. */
export function storeDigest(dst: usize, st: usize): void {
  for (let i: usize = 0; i < 8; i++) store<u32>(dst + (i << 2), bswap<u32>(load<u32>(st + (i << 2))));
}

/** True when the digest words in `st` (big-endian words), read as a LE 256-bit integer, are <= target. */
export function digestMeetsTarget(st: usize, target: usize): bool {
  for (let j: isize = 7; j >= 0; j--) {
    const hw = bswap<u32>(load<u32>(st + (j << 2)));
    const tw = load<u32>(target + (j << 2));
    if (hw != tw) return hw < tw;
  }
  return true;
}
