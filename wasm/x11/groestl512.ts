// Groestl-512 (SHA-3 round-3 submission, "tweaked" Groestl): the 1024-bit permutations P1024 and Q1024,
// 14 rounds each, compression f(h, m) = P(h ^ m) ^ Q(m) ^ h, output trunc_512(P(x) ^ x).
// State: 16 columns of 8 bytes; column j is bytes 8j..8j+7 (row k = byte 8j+k), held as a little-endian
// u64 so that row k is bits 8k..8k+7.
import { aesInit, gmul, SBOX } from './aes';

// T_r[x]: the column contributed by S(x) in row r after MixBytes, B = circ(02,02,03,04,05,03,05,07):
// byte k of T_r[x] is B[k][r] * S(x) = first[(r - k) mod 8] * S(x).
const T: usize = memory.data(8 * 256 * 8);
const MIX: usize = memory.data<u8>([2, 2, 3, 4, 5, 3, 5, 7]);
// ShiftBytes: row r moves left by SHIFT[r] columns (P1024, then Q1024).
const SHIFT_P: usize = memory.data<u8>([0, 1, 2, 3, 4, 5, 6, 11]);
const SHIFT_Q: usize = memory.data<u8>([1, 3, 5, 11, 0, 2, 4, 6]);

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

// One round on 16 columns at src into dst: SubBytes, ShiftBytes and MixBytes through the tables.
@inline
function round(src: usize, dst: usize, shift: usize): void {
  for (let j: usize = 0; j < 16; j++) {
    let v: u64 = 0;
    for (let r: usize = 0; r < 8; r++) {
      const col = (j + <usize>load<u8>(shift + r)) & 15;
      const b = <usize>(load<u64>(src + (col << 3)) >> (8 * r)) & 0xff;
      v ^= load<u64>(T + ((r * 256 + b) << 3));
    }
    store<u64>(dst + (j << 3), v);
  }
}

// P1024 in place on s (AddRoundConstant: row 0, column j gets (j << 4) ^ round).
function permP(s: usize): void {
  for (let i: u64 = 0; i < 14; i++) {
    for (let j: u64 = 0; j < 16; j++) {
      const p = s + <usize>(j << 3);
      store<u64>(p, load<u64>(p) ^ ((j << 4) ^ i));
    }
    round(s, Z, SHIFT_P);
    memory.copy(s, Z, 128);
  }
}

// Q1024 in place on s (AddRoundConstant: every byte ^ 0xff, row 7, column j also ^ (j << 4) ^ round).
function permQ(s: usize): void {
  for (let i: u64 = 0; i < 14; i++) {
    for (let j: u64 = 0; j < 16; j++) {
      const p = s + <usize>(j << 3);
      store<u64>(p, load<u64>(p) ^ ~(((j << 4) ^ i) << 56));
    }
    round(s, Z, SHIFT_Q);
    memory.copy(s, Z, 128);
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
