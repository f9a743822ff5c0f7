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

// The step permutations p^(k): step j of round r uses PERM[(j + r) mod 7]; word i adds tA[p(i)].
const PERM: usize = memory.data<u8>([
  1, 0, 3, 2, 5, 4, 7, 6,
  6, 7, 4, 5, 2, 3, 0, 1,
  2, 3, 0, 1, 6, 7, 4, 5,
  3, 2, 1, 0, 7, 6, 5, 4,
  5, 4, 7, 6, 1, 0, 3, 2,
  7, 6, 5, 4, 3, 2, 1, 0,
  4, 5, 6, 7, 0, 1, 2, 3,
]);

// Rotations (p0, p1, p2, p3) of each round; step j uses (r, s) = (p_(j mod 4), p_((j+1) mod 4)).
const ROT: usize = memory.data<u8>([3, 23, 17, 27, 28, 19, 22, 7, 29, 9, 15, 5, 4, 13, 10, 25]);

// Which 16-value group of the expanded message feeds each of the 32 steps.
const GROUP: usize = memory.data<u8>([
  4, 6, 0, 2, 7, 5, 3, 1,
  15, 11, 12, 8, 9, 13, 10, 14,
  1, 2, 7, 4, 6, 5, 0, 3,
  6, 0, 1, 7, 3, 5, 4, 2,
]);

const ALPHA: usize = memory.data(256 * 4); // 41^k mod 257
const BITREV: usize = memory.data(256);
const Y: usize = memory.data(256 * 4); // i32 values
const S: usize = memory.data(128); // A (0..31), B, C, D as u32
const OLD: usize = memory.data(128);
const TA: usize = memory.data(32);
const WORDS: usize = memory.data(32);
const BLOCK: usize = memory.data(128);
let ready = false;

function init(): void {
  if (ready) return;
  let a: u32 = 1;
  for (let k: usize = 0; k < 256; k++) {
    store<u32>(ALPHA + (k << 2), a);
    a = (a * 41) % 257;
    let r: u32 = 0;
    for (let b: u32 = 0; b < 8; b++) r |= ((<u32>k >> b) & 1) << (7 - b);
    store<u8>(BITREV + k, <u8>r);
  }
  ready = true;
}

@inline function alpha(k: usize): i32 { return load<i32>(ALPHA + ((k & 255) << 2)); }
@inline function y(i: usize): i32 { return load<i32>(Y + (i << 2)); }

// y_i = sum_j x_j alpha^(ij) mod 257 (i = 0..255, x_j = 0 for j >= 128): radix-2 decimation in time.
function ntt(m: usize): void {
  memory.fill(Y, 0, 1024);
  for (let j: usize = 0; j < 128; j++) store<i32>(Y + (<usize>load<u8>(BITREV + j) << 2), load<u8>(m + j));
  for (let half: usize = 1; half < 256; half <<= 1) {
    const step = 128 / half; // twiddle alpha^(k * 256 / (2 * half))
    for (let i: usize = 0; i < 256; i += half << 1) {
      for (let k: usize = 0; k < half; k++) {
        const p = Y + ((i + k) << 2), q = p + (half << 2);
        const u = load<i32>(p);
        const v = (load<i32>(q) * alpha(k * step)) % 257;
        store<i32>(p, (u + v) % 257);
        store<i32>(q, (u - v + 257) % 257);
      }
    }
  }
}

// The tweak and the centred lift: y_i += alpha^(255 i) (+ alpha^(253 i) if final), in (-128, 128].
function tweak(final: bool): void {
  for (let i: usize = 0; i < 256; i++) {
    let t = y(i) + alpha(255 * i);
    if (final) t += alpha(253 * i);
    t %= 257;
    store<i32>(Y + (i << 2), t <= 128 ? t : t - 257);
  }
}

// The eight message words of step n (0..31): W_i = low16(l * c) | (h * c) << 16 with c = 185 for rounds
// 0-1 (l, h = y[16g + 2i], y[16g + 2i + 1]) and c = 233 for rounds 2-3 (l, h = y[16g + 2i + o],
// y[16g + 2i + o + 128] with o = 0 in round 2 and 1 in round 3).
function messageWords(n: usize): void {
  const g = <usize>load<u8>(GROUP + n);
  const round = n >> 3;
  const c: i32 = round < 2 ? 185 : 233;
  const base = 16 * g + (round == 3 ? 1 : 0);
  const d: usize = round < 2 ? 1 : 128;
  for (let i: usize = 0; i < 8; i++) {
    const l = y(base + 2 * i), h = y(base + 2 * i + d);
    store<u32>(WORDS + (i << 2), (<u32>(l * c) & 0xffff) + (<u32>(h * c) << 16));
  }
}

@inline function reg(r: usize, i: usize): usize { return S + (r << 5) + (i << 2); }

// One step: tA = A <<< r; A_i = (D_i + W_i + f(A_i, B_i, C_i)) <<< s + tA_p(i); D, C, B = C, B, tA.
function step(w: usize, maj: bool, r: u32, s: u32, perm: usize): void {
  for (let i: usize = 0; i < 8; i++) store<u32>(TA + (i << 2), rotl<u32>(load<u32>(reg(0, i)), r));
  for (let i: usize = 0; i < 8; i++) {
    const a = load<u32>(reg(0, i)), b = load<u32>(reg(1, i)), c = load<u32>(reg(2, i)), d = load<u32>(reg(3, i));
    const f = maj ? (a & b) | ((a | b) & c) : ((b ^ c) & a) ^ c;
    const t = d + load<u32>(w + (i << 2)) + f;
    store<u32>(reg(0, i), rotl<u32>(t, s) + load<u32>(TA + (<usize>load<u8>(perm + i) << 2)));
    store<u32>(reg(3, i), c);
    store<u32>(reg(2, i), b);
    store<u32>(reg(1, i), load<u32>(TA + (i << 2)));
  }
}

function compress(m: usize, final: bool): void {
  ntt(m);
  tweak(final);
  memory.copy(OLD, S, 128);
  for (let i: usize = 0; i < 128; i += 4) store<u32>(S + i, load<u32>(S + i) ^ load<u32>(m + i));
  for (let round: usize = 0; round < 4; round++) {
    for (let j: usize = 0; j < 8; j++) {
      messageWords(round * 8 + j);
      const r = load<u8>(ROT + round * 4 + (j & 3)), s = load<u8>(ROT + round * 4 + ((j + 1) & 3));
      step(WORDS, j >= 4, r, s, PERM + ((j + round) % 7) * 8);
    }
  }
  // Feed-forward: four IF steps with the old chaining value as words, rotations of round 3.
  for (let j: usize = 0; j < 4; j++) {
    const r = load<u8>(ROT + 12 + j), s = load<u8>(ROT + 12 + ((j + 1) & 3));
    step(OLD + (j << 5), false, r, s, PERM + ((j + 4) % 7) * 8);
  }
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
