// Groestl-512 (SHA-3 round-3 submission, "tweaked" Groestl): the 1024-bit permutations P1024 and Q1024,
// 14 rounds each, compression f(h, m) = P(h ^ m) ^ Q(m) ^ h, output trunc_512(P(x) ^ x).
// State: 16 columns of 8 bytes; column j is bytes 8j..8j+7 (row k = byte 8j+k), held as a little-endian
// u64 so that row k is bits 8k..8k+7.
import { aesInit, gmul, SBOX } from './aes';

// T_r[x]: the column contributed by S(x) in row r after MixBytes, B = circ(02,02,03,04,05,03,05,07):
// byte k of T_r[x] is B[k][r] * S(x) = first[(r - k) mod 8] * S(x).
const T: usize = memory.data(8 * 256 * 8);
const MIX: usize = memory.data<u8>([2, 2, 3, 4, 5, 3, 5, 7]);
// ShiftBytes moves row r left by (0, 1, 2, 3, 4, 5, 6, 11) columns in P1024 and by
// (1, 3, 5, 11, 0, 2, 4, 6) in Q1024; colP and colQ below spell these shifts out.

const H: usize = memory.data(128);
const X: usize = memory.data(128);
const Y: usize = memory.data(128);
const Z: usize = memory.data(128);
const BLOCK: usize = memory.data(128);
let ready = false;

function init(): void {
  if (ready) return;
  aesInit();
  for (let r: usize = 0; r < 8; r++) {
    for (let x: usize = 0; x < 256; x++) {
      const s = <u32>load<u8>(SBOX + x);
      let t: u64 = 0;
      for (let k: usize = 0; k < 8; k++) {
        t |= <u64>gmul(load<u8>(MIX + ((r - k) & 7)), s) << (8 * k);
      }
      store<u64>(T + ((r * 256 + x) << 3), t);
    }
  }
  ready = true;
}

// Byte (row r, column c) of the state at s.
@inline function at(s: usize, c: usize, r: usize): usize { return <usize>load<u8>(s + ((c & 15) << 3) + r); }
// The table entry of byte b in row r.
@inline function t(r: usize, b: usize): u64 { return load<u64>(T + (r << 11) + ((b & 0xff) << 3)); }

// One column j of a P1024 round: AddRoundConstant (row 0 of column c gets (c << 4) ^ round), then
// SubBytes, ShiftBytes (row r from column j + its P shift) and MixBytes through the tables.
@inline
function colP(s: usize, j: usize, k: usize): u64 {
  return t(0, at(s, j, 0) ^ ((j << 4) ^ k)) ^ t(1, at(s, j + 1, 1)) ^ t(2, at(s, j + 2, 2)) ^ t(3, at(s, j + 3, 3))
    ^ t(4, at(s, j + 4, 4)) ^ t(5, at(s, j + 5, 5)) ^ t(6, at(s, j + 6, 6)) ^ t(7, at(s, j + 11, 7));
}

// One column j of a Q1024 round: every byte ^ 0xff, row 7 of column c also ^ (c << 4) ^ round;
// ShiftBytes by the Q shifts.
@inline
function colQ(s: usize, j: usize, k: usize): u64 {
  return t(0, ~at(s, j + 1, 0)) ^ t(1, ~at(s, j + 3, 1)) ^ t(2, ~at(s, j + 5, 2)) ^ t(3, ~at(s, j + 11, 3))
    ^ t(4, ~at(s, j, 4)) ^ t(5, ~at(s, j + 2, 5)) ^ t(6, ~at(s, j + 4, 6))
    ^ t(7, ~at(s, j + 6, 7) ^ ((((j + 6) & 15) << 4) ^ k));
}

function roundP(s: usize, d: usize, k: usize): void {
  store<u64>(d, colP(s, 0, k), 0); store<u64>(d, colP(s, 1, k), 8);
  store<u64>(d, colP(s, 2, k), 16); store<u64>(d, colP(s, 3, k), 24);
  store<u64>(d, colP(s, 4, k), 32); store<u64>(d, colP(s, 5, k), 40);
  store<u64>(d, colP(s, 6, k), 48); store<u64>(d, colP(s, 7, k), 56);
  store<u64>(d, colP(s, 8, k), 64); store<u64>(d, colP(s, 9, k), 72);
  store<u64>(d, colP(s, 10, k), 80); store<u64>(d, colP(s, 11, k), 88);
  store<u64>(d, colP(s, 12, k), 96); store<u64>(d, colP(s, 13, k), 104);
  store<u64>(d, colP(s, 14, k), 112); store<u64>(d, colP(s, 15, k), 120);
}

function roundQ(s: usize, d: usize, k: usize): void {
  store<u64>(d, colQ(s, 0, k), 0); store<u64>(d, colQ(s, 1, k), 8);
  store<u64>(d, colQ(s, 2, k), 16); store<u64>(d, colQ(s, 3, k), 24);
  store<u64>(d, colQ(s, 4, k), 32); store<u64>(d, colQ(s, 5, k), 40);
  store<u64>(d, colQ(s, 6, k), 48); store<u64>(d, colQ(s, 7, k), 56);
  store<u64>(d, colQ(s, 8, k), 64); store<u64>(d, colQ(s, 9, k), 72);
  store<u64>(d, colQ(s, 10, k), 80); store<u64>(d, colQ(s, 11, k), 88);
  store<u64>(d, colQ(s, 12, k), 96); store<u64>(d, colQ(s, 13, k), 104);
  store<u64>(d, colQ(s, 14, k), 112); store<u64>(d, colQ(s, 15, k), 120);
}

// P1024 in place on s: 14 rounds, alternating between s and Z.
function permP(s: usize): void {
  for (let k: usize = 0; k < 14; k += 2) {
    roundP(s, Z, k);
    roundP(Z, s, k + 1);
  }
}

function permQ(s: usize): void {
  for (let k: usize = 0; k < 14; k += 2) {
    roundQ(s, Z, k);
    roundQ(Z, s, k + 1);
  }
}

function compress(m: usize): void {
  for (let i: usize = 0; i < 128; i += 8) {
    store<u64>(X + i, load<u64>(H + i) ^ load<u64>(m + i));
    store<u64>(Y + i, load<u64>(m + i));
  }
  permP(X);
  permQ(Y);
  for (let i: usize = 0; i < 128; i += 8) {
    store<u64>(H + i, load<u64>(H + i) ^ load<u64>(X + i) ^ load<u64>(Y + i));
  }
}

/** Groestl-512 of len bytes at src; writes the 64-byte digest to dst. */
export function groestl512(src: usize, len: usize, dst: usize): void {
  init();
  memory.fill(H, 0, 128);
  store<u8>(H + 126, 0x02); // IV: the output length 512 as a big-endian integer
  let off: usize = 0;
  let blocks: u64 = 0;
  while (len - off >= 128) {
    compress(src + off);
    off += 128;
    blocks++;
  }
  // Padding: 0x80, zeros, the 64-bit big-endian count of blocks (padding blocks included).
  const rest = len - off;
  memory.fill(BLOCK, 0, 128);
  memory.copy(BLOCK, src + off, rest);
  store<u8>(BLOCK + rest, 0x80);
  if (rest + 1 > 120) {
    compress(BLOCK);
    blocks++;
    memory.fill(BLOCK, 0, 128);
  }
  store<u64>(BLOCK + 120, bswap<u64>(blocks + 1));
  compress(BLOCK);
  // Omega: trunc_512(P(h) ^ h), the last eight columns.
  memory.copy(X, H, 128);
  permP(X);
  for (let i: usize = 64; i < 128; i += 8) store<u64>(dst + i - 64, load<u64>(X + i) ^ load<u64>(H + i));
}
