// SIMD-512 (SHA-3 round-2 tweaked version): message expansion by a number-theoretic transform over
// Z_257 (alpha = 41, of order 256) of the 128-byte block, plus the tweak X^255 (and X^253 in the final
// block), then the inner codes (multiply by 185 or 233, pack two lifted values per word) into 32 x 8
// words; a 1024-bit state of four 8-word registers A, B, C, D, 4 rounds of 8 Feistel-like steps (IF
// then MAJ, rotations (r, s) per step, a word permutation per step) and 4 feed-forward steps.
// The last block is zero-padded and a final block carries the 64-bit bit length. Little-endian words.

const IV: usize = memory.data<u32>([
  0x0ba16b95, 0x72f999ad, 0x9fecc2ae, 0xba3264fc, 0x5e894929, 0x8e9f30e5, 0x2f1daa37, 0xf0f2c558,
  0xac506643, 0xa90635a5, 0xe25b878b, 0xaab7878f, 0x88817f7a, 0x0a02892b, 0x559a7550, 0x598f657e,
  0x7eef60a1, 0x6b70e3e8, 0x9c1714d1, 0xb958e2a8, 0xab02675e, 0xed1c014f, 0xcd8d65bb, 0xfdb7a257,
  0x09254899, 0xd699c7bc, 0x9019b6dc, 0x2b9022e4, 0x8fa14956, 0x21bf9bd3, 0xb94d0943, 0x6ffddc22,
]);

// The step permutations p^(k) are xor maps, p(i) = i ^ PERM_XOR[k]; step j of round r uses k = (j + r) mod 7.
const PERM_XOR: usize = memory.data<u8>([1, 6, 2, 3, 5, 7, 4]);

// Rotations (p0, p1, p2, p3) of each round; step j uses (r, s) = (p_(j mod 4), p_((j+1) mod 4)).
const ROT: usize = memory.data<u8>([3, 23, 17, 27, 28, 19, 22, 7, 29, 9, 15, 5, 4, 13, 10, 25]);

// Which 16-value group of the expanded message feeds each of the 32 steps.
const GROUP: usize = memory.data<u8>([
  4, 6, 0, 2, 7, 5, 3, 1,
  15, 11, 12, 8, 9, 13, 10, 14,
  1, 2, 7, 4, 6, 5, 0, 3,
  6, 0, 1, 7, 3, 5, 4, 2,
]);

// i8x16.swizzle masks moving i32 lane l to lane l ^ k, k = 0..3.
const LANE_XOR: usize = memory.data<u8>([
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
  4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11,
  8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7,
  12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3,
], 16);

const ALPHA: usize = memory.data(256 * 4); // 41^k mod 257
const TWIDDLE: usize = memory.data(256 * 4, 16); // stage with half h: TWIDDLE[h + k] = 41^(k * 128 / h)
const BITREV: usize = memory.data(128);
// The tweak per position: alpha^(255 i) for ordinary blocks, alpha^(255 i) + alpha^(253 i) for the final one.
const YOFF: usize = memory.data(256 * 4, 16);
const YOFF_FINAL: usize = memory.data(256 * 4, 16);
const Y: usize = memory.data(256 * 4, 16); // i32 values
const WTAB: usize = memory.data(32 * 8 * 4, 16); // the message words of the 32 steps
const S: usize = memory.data(128, 16); // A, B, C, D: 8 u32 each
const OLD: usize = memory.data(128, 16); // the chaining value before the block, for the feed-forward
const BLOCK: usize = memory.data(128, 16);
let ready = false;

function init(): void {
  if (ready) return;
  let a: u32 = 1;
  for (let k: usize = 0; k < 256; k++) {
    store<u32>(ALPHA + (k << 2), a);
    a = (a * 41) % 257;
  }
  for (let h: usize = 4; h < 256; h <<= 1) {
    for (let k: usize = 0; k < h; k++) store<i32>(TWIDDLE + ((h + k) << 2), alpha(k * (128 / h)));
  }
  for (let i: usize = 0; i < 256; i++) {
    store<i32>(YOFF + (i << 2), alpha(255 * i));
    store<i32>(YOFF_FINAL + (i << 2), alpha(255 * i) + alpha(253 * i));
  }
  for (let k: u32 = 0; k < 128; k++) {
    let r: u32 = 0;
    for (let b: u32 = 0; b < 8; b++) r |= ((k >> b) & 1) << (7 - b);
    store<u8>(BITREV + k, <u8>r);
  }
  ready = true;
}

@inline function alpha(k: usize): i32 { return load<i32>(ALPHA + ((k & 255) << 2)); }

// x mod 257 up to sign, without division: 256 = -1 (mod 257). Keeps the butterflies' values small.
@inline function red(x: v128): v128 { return i32x4.sub(v128.and(x, i32x4.splat(255)), i32x4.shr_s(x, 8)); }

// y_i = sum_j x_j alpha^(ij) mod 257 (i = 0..255, x_j = 0 for j >= 128): radix-2 decimation in time
// on bit-reversed input. Values are only congruent mod 257: after the second stage they lie in
// [-16, 271]; each later stage adds a product reduced twice to [-8, 263], so they stay within +-1849
// and every product within +-473344, far from i32 overflow. tweak() reduces them.
function ntt(m: usize): void {
  // x_j (j < 128) lands on the even position bitrev(j); its odd neighbour is 0, so the first stage
  // (half = 1, twiddle 1) makes both equal x_j.
  for (let j: usize = 0; j < 128; j++) {
    const p = Y + (<usize>load<u8>(BITREV + j) << 2);
    const x = <i32>load<u8>(m + j);
    store<i32>(p, x, 0);
    store<i32>(p, x, 4);
  }
  // half = 2: (a0, a1, a2, a3) -> (a0 + a2, a1 + 16 a3, a0 - a2, a1 - 16 a3), alpha^64 = 16.
  const tw2 = i32x4(1, 16, -1, -16);
  for (let p = Y; p < Y + 1024; p += 16) {
    const v = v128.load(p);
    const u = i32x4.shuffle(v, v, 0, 1, 0, 1);
    const w = i32x4.shuffle(v, v, 2, 3, 2, 3);
    v128.store(p, red(i32x4.add(u, i32x4.mul(w, tw2))));
  }
  // half = 4 .. 128, four butterflies per vector.
  for (let h: usize = 4; h < 256; h <<= 1) {
    const tw = TWIDDLE + (h << 2);
    for (let i: usize = 0; i < 256; i += h << 1) {
      for (let k: usize = 0; k < h; k += 4) {
        const p = Y + ((i + k) << 2), q = p + (h << 2);
        const u = v128.load(p);
        const t = red(red(i32x4.mul(v128.load(q), v128.load(tw + (k << 2)))));
        v128.store(p, i32x4.add(u, t));
        v128.store(q, i32x4.sub(u, t));
      }
    }
  }
}

// The tweak and the centred lift: y_i += alpha^(255 i) (+ alpha^(253 i) if final), reduced to the
// representative in (-128, 128].
function tweak(final: bool): void {
  const off = final ? YOFF_FINAL : YOFF;
  const p257 = i32x4.splat(257), half = i32x4.splat(128);
  for (let i: usize = 0; i < 1024; i += 16) {
    let t = red(red(i32x4.add(v128.load(Y + i), v128.load(off + i)))); // congruent, in [-1, 256]
    t = i32x4.add(t, v128.and(i32x4.shr_s(t, 31), p257)); // [0, 256]
    t = i32x4.sub(t, v128.and(i32x4.gt_s(t, half), p257)); // (-128, 128]
    v128.store(Y + i, t);
  }
}

// Two words of the inner code from four lanes of l and h: low16(l * c) + (h * c) << 16.
@inline
function inner(l: v128, h: v128, c: v128): v128 {
  return i32x4.add(v128.and(i32x4.mul(l, c), i32x4.splat(0xffff)), i32x4.shl(i32x4.mul(h, c), 16));
}

// The even (odd = false) or odd lanes of the eight i32 at p.
@inline
function pick(p: usize, odd: bool): v128 {
  const a = v128.load(p, 0), b = v128.load(p, 16);
  return odd ? i32x4.shuffle(a, b, 1, 3, 5, 7) : i32x4.shuffle(a, b, 0, 2, 4, 6);
}

// The message words of all 32 steps: W_i = low16(l * c) + (h * c) << 16 with c = 185 for rounds 0-1
// (l, h = y[16g + 2i], y[16g + 2i + 1]) and c = 233 for rounds 2-3 (l, h = y[16g + 2i + o],
// y[16g + 2i + o + 128] with o = 0 in round 2 and 1 in round 3), g = GROUP[step].
function messageWords(): void {
  const c185 = i32x4.splat(185), c233 = i32x4.splat(233);
  for (let n: usize = 0; n < 32; n++) {
    const p = Y + (<usize>load<u8>(GROUP + n) << 6);
    const w = WTAB + (n << 5);
    if (n < 16) {
      v128.store(w, inner(pick(p, false), pick(p, true), c185), 0);
      v128.store(w, inner(pick(p + 32, false), pick(p + 32, true), c185), 16);
    } else {
      const odd = n >= 24;
      v128.store(w, inner(pick(p, odd), pick(p + 512, odd), c233), 0);
      v128.store(w, inner(pick(p + 32, odd), pick(p + 544, odd), c233), 16);
    }
  }
}

@inline function rotl4(x: v128, r: i32): v128 { return v128.or(i32x4.shl(x, r), i32x4.shr_u(x, 32 - r)); }

// The 36 steps (32 message steps, then 4 feed-forward steps whose words are the old chaining value),
// on the registers as 2 x i32x4 each. A step: tA = A <<< r; A_i = (D_i + W_i + f(A_i, B_i, C_i)) <<< s
// + tA_(i ^ c); (B, C, D) = (tA, B, C); f = IF(x, y, z) = x ? y : z for steps 0-3 of a round and the
// feed-forward, MAJ otherwise.
function steps(old: usize): void {
  let a0 = v128.load(S, 0), a1 = v128.load(S, 16), b0 = v128.load(S, 32), b1 = v128.load(S, 48);
  let c0 = v128.load(S, 64), c1 = v128.load(S, 80), d0 = v128.load(S, 96), d1 = v128.load(S, 112);
  for (let n: usize = 0; n < 36; n++) {
    const round = n >> 3, j = n & 7;
    const rot = ROT + (n < 32 ? round : 3) * 4; // the feed-forward reuses round 3's rotations
    const r = <i32>load<u8>(rot + (j & 3)), s = <i32>load<u8>(rot + ((j + 1) & 3));
    const c = <usize>load<u8>(PERM_XOR + (j + round) % 7);
    const w = n < 32 ? WTAB + (n << 5) : old + ((n - 32) << 5);
    let f0: v128, f1: v128;
    if (j < 4) {
      f0 = v128.bitselect(b0, c0, a0);
      f1 = v128.bitselect(b1, c1, a1);
    } else {
      f0 = v128.bitselect(c0, a0, v128.xor(a0, b0));
      f1 = v128.bitselect(c1, a1, v128.xor(a1, b1));
    }
    const t0 = rotl4(a0, r), t1 = rotl4(a1, r);
    const mask = v128.load(LANE_XOR + ((c & 3) << 4));
    let p0 = i8x16.swizzle(t0, mask), p1 = i8x16.swizzle(t1, mask);
    if (c & 4) {
      const x = p0;
      p0 = p1;
      p1 = x;
    }
    const n0 = i32x4.add(rotl4(i32x4.add(i32x4.add(d0, v128.load(w, 0)), f0), s), p0);
    const n1 = i32x4.add(rotl4(i32x4.add(i32x4.add(d1, v128.load(w, 16)), f1), s), p1);
    d0 = c0; d1 = c1;
    c0 = b0; c1 = b1;
    b0 = t0; b1 = t1;
    a0 = n0; a1 = n1;
  }
  v128.store(S, a0, 0); v128.store(S, a1, 16); v128.store(S, b0, 32); v128.store(S, b1, 48);
  v128.store(S, c0, 64); v128.store(S, c1, 80); v128.store(S, d0, 96); v128.store(S, d1, 112);
}

function compress(m: usize, final: bool): void {
  ntt(m);
  tweak(final);
  messageWords();
  memory.copy(OLD, S, 128);
  for (let i: usize = 0; i < 128; i += 16) v128.store(S + i, v128.xor(v128.load(S + i), v128.load(m + i)));
  steps(OLD);
}

/** SIMD-512 of len bytes at src; writes the 64-byte digest to dst. */
export function simd512(src: usize, len: usize, dst: usize): void {
  init();
  memory.copy(S, IV, 128);
  let off: usize = 0;
  while (len - off >= 128) {
    compress(src + off, false);
    off += 128;
  }
  const rest = len - off;
  if (rest > 0) {
    memory.fill(BLOCK, 0, 128);
    memory.copy(BLOCK, src + off, rest);
    compress(BLOCK, false);
  }
  memory.fill(BLOCK, 0, 128);
  store<u64>(BLOCK, <u64>len << 3);
  compress(BLOCK, true);
  memory.copy(dst, S, 64);
}
