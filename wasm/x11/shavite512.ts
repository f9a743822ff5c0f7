// SHAvite-3-512 (SHA-3 round-2 tweaked version, as in X11): the 512-bit state of four 128-bit chunks
// P0..P3, 14 rounds of a generalized Feistel network whose round function F is four keyless AES
// rounds, each preceded by a 128-bit round-key xor; the message expansion of a 1024-bit block into
// 14 x 32 words of round keys, with the 128-bit bit counter injected in rounds 1, 5, 9 and 13.
// Words are little-endian u32; AES columns use the little-endian table form of ./aes.
import { aesInit, T0, T1, T2, T3 } from './aes';

const IV: usize = memory.data<u32>([
  0x72fccdd8, 0x79ca4727, 0x128a077b, 0x40d55aec, 0xd1901a06, 0x430ae307, 0xb29f5cd1, 0xdf07fbfc,
  0x8e45d73d, 0x681ab538, 0xbde86578, 0xdd577e47, 0xe275eade, 0x502d9fcd, 0xb9357178, 0x022a4b9a,
]);

const H: usize = memory.data(64);
const P: usize = memory.data(64);
const RK: usize = memory.data(128);
const CNT: usize = memory.data(16);
const BLOCK: usize = memory.data(128);

@inline function tb(t: usize, x: u32): u32 { return load<u32>(t + ((<usize>x & 0xff) << 2)); }

@inline function chunk(base: usize, i: usize): usize { return base + ((i & 3) << 4); }

// dst ^= F(src, k): four times (x ^= next 128-bit key; keyless AES round: SubBytes, ShiftRows,
// MixColumns through the tables), on locals.
function feistel(dst: usize, src: usize, k: usize): void {
  let x0 = load<u32>(src, 0), x1 = load<u32>(src, 4), x2 = load<u32>(src, 8), x3 = load<u32>(src, 12);
  for (let r: usize = 0; r < 64; r += 16) {
    const a = x0 ^ load<u32>(k + r, 0), b = x1 ^ load<u32>(k + r, 4);
    const c = x2 ^ load<u32>(k + r, 8), d = x3 ^ load<u32>(k + r, 12);
    x0 = tb(T0, a) ^ tb(T1, b >> 8) ^ tb(T2, c >> 16) ^ tb(T3, d >> 24);
    x1 = tb(T0, b) ^ tb(T1, c >> 8) ^ tb(T2, d >> 16) ^ tb(T3, a >> 24);
    x2 = tb(T0, c) ^ tb(T1, d >> 8) ^ tb(T2, a >> 16) ^ tb(T3, b >> 24);
    x3 = tb(T0, d) ^ tb(T1, a >> 8) ^ tb(T2, b >> 16) ^ tb(T3, c >> 24);
  }
  store<u32>(dst, load<u32>(dst, 0) ^ x0, 0);
  store<u32>(dst, load<u32>(dst, 4) ^ x1, 4);
  store<u32>(dst, load<u32>(dst, 8) ^ x2, 8);
  store<u32>(dst, load<u32>(dst, 12) ^ x3, 12);
}

// Counter words (c_a, c_b, c_c, ~c_d) xored into the 128-bit key chunk at k.
@inline
function injectCounter(k: usize, a: usize, b: usize, c: usize, d: usize): void {
  store<u32>(k, load<u32>(k, 0) ^ load<u32>(CNT + (a << 2)), 0);
  store<u32>(k, load<u32>(k, 4) ^ load<u32>(CNT + (b << 2)), 4);
  store<u32>(k, load<u32>(k, 8) ^ load<u32>(CNT + (c << 2)), 8);
  store<u32>(k, load<u32>(k, 12) ^ ~load<u32>(CNT + (d << 2)), 12);
}

// Nonlinear expansion step: chunk c = AES(words 1,2,3,0 of chunk c) ^ chunk c-1 (the last chunk before
// this step for c = 0), in order c = 0..7. In rounds 1, 5, 9, 13 the counter goes into one chunk as soon
// as it is computed, before the next chunk uses it.
function expandNonlinear(r: usize): void {
  for (let c: usize = 0; c < 8; c++) {
    const k = RK + (c << 4);
    const a = load<u32>(k, 4), b = load<u32>(k, 8), cc = load<u32>(k, 12), d = load<u32>(k, 0);
    const prev = RK + (((c + 7) & 7) << 4);
    store<u32>(k, tb(T0, a) ^ tb(T1, b >> 8) ^ tb(T2, cc >> 16) ^ tb(T3, d >> 24) ^ load<u32>(prev, 0), 0);
    store<u32>(k, tb(T0, b) ^ tb(T1, cc >> 8) ^ tb(T2, d >> 16) ^ tb(T3, a >> 24) ^ load<u32>(prev, 4), 4);
    store<u32>(k, tb(T0, cc) ^ tb(T1, d >> 8) ^ tb(T2, a >> 16) ^ tb(T3, b >> 24) ^ load<u32>(prev, 8), 8);
    store<u32>(k, tb(T0, d) ^ tb(T1, a >> 8) ^ tb(T2, b >> 16) ^ tb(T3, cc >> 24) ^ load<u32>(prev, 12), 12);
    if (r == 1 && c == 0) injectCounter(k, 0, 1, 2, 3);
    else if (r == 5 && c == 1) injectCounter(k, 3, 2, 1, 0);
    else if (r == 9 && c == 7) injectCounter(k, 2, 3, 0, 1);
    else if (r == 13 && c == 6) injectCounter(k, 1, 0, 3, 2);
  }
}

// Linear expansion step: rk[i] ^= rk[(i + 25) mod 32], in order i = 0..31.
function expandLinear(): void {
  for (let i: usize = 0; i < 32; i++) {
    const p = RK + (i << 2);
    store<u32>(p, load<u32>(p) ^ load<u32>(RK + (((i + 25) & 31) << 2)));
  }
}

// C512: the compression function on the 128-byte block m with the counter at CNT.
function compress(m: usize): void {
  memory.copy(P, H, 64);
  memory.copy(RK, m, 128);
  for (let r: usize = 0; r < 14; r++) {
    if (r > 0) {
      if (r & 1) {
        expandNonlinear(r);
      } else {
        expandLinear();
      }
    }
    // Round r: A ^= F(B, rk[0..15]), C ^= F(D, rk[16..31]) with (A, B, C, D) = P_(-r), P_(1-r), ... mod 4.
    const a = chunk(P, 4 - (r & 3)), b = chunk(P, 5 - (r & 3));
    const c = chunk(P, 6 - (r & 3)), d = chunk(P, 7 - (r & 3));
    feistel(a, b, RK);
    feistel(c, d, RK + 64);
  }
  // Feed-forward; after 14 rounds the chunk roles have turned by two.
  for (let j: usize = 0; j < 4; j++) {
    const h = H + (j << 4), p = chunk(P, j + 2);
    for (let i: usize = 0; i < 16; i += 4) store<u32>(h + i, load<u32>(h + i) ^ load<u32>(p + i));
  }
}

function setCounter(bits: u64): void {
  store<u64>(CNT, bits, 0);
  store<u64>(CNT, 0, 8);
}

/** SHAvite-3-512 of len bytes at src; writes the 64-byte digest to dst. */
export function shavite512(src: usize, len: usize, dst: usize): void {
  aesInit();
  memory.copy(H, IV, 64);
  let off: usize = 0;
  while (len - off >= 128) {
    setCounter(<u64>(off + 128) << 3);
    compress(src + off);
    off += 128;
  }
  // Padding: 0x80, zeros to byte 110, the 128-bit bit count and the digest size 512 (16 bits), all
  // little-endian. A block that holds no message bits is compressed with the counter 0.
  const rest = len - off;
  const bits = <u64>len << 3;
  memory.fill(BLOCK, 0, 128);
  memory.copy(BLOCK, src + off, rest);
  store<u8>(BLOCK + rest, 0x80);
  if (rest >= 110) {
    setCounter(bits);
    compress(BLOCK);
    memory.fill(BLOCK, 0, 128);
    setCounter(0);
  } else {
    setCounter(rest == 0 ? 0 : bits);
  }
  store<u64>(BLOCK + 110, bits);
  store<u16>(BLOCK + 126, 512);
  compress(BLOCK);
  memory.copy(dst, H, 64);
}
