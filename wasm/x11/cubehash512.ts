// CubeHash16/32-512 (SHA-3 round-2 parameters: r = 16 rounds per 32-byte block, h = 512): a state of
// 32 u32 words x[00000]..x[11111], little-endian message words xored into x[0..7], 10r final rounds.

const X: usize = memory.data(128);
const IV: usize = memory.data(128);
const BLOCK: usize = memory.data(32);
let ready = false;

// r rounds (r even) of the CubeHash round function on the state in X, held in 32 locals. Each round:
// add x[0jklm] into x[1jklm], rotate x[0jklm] left by 7, swap x[00klm] with x[01klm], xor x[1jklm] into
// x[0jklm], swap x[1jk0m] with x[1jk1m], add, rotate by 11, swap x[0j0lm] with x[0j1lm], xor, swap
// x[1jkl0] with x[1jkl1]. The swaps are renamings of the locals; two rounds restore the naming.
function rounds(r: i32): void {
  let x0 = load<u32>(X, 0), x1 = load<u32>(X, 4), x2 = load<u32>(X, 8), x3 = load<u32>(X, 12);
  let x4 = load<u32>(X, 16), x5 = load<u32>(X, 20), x6 = load<u32>(X, 24), x7 = load<u32>(X, 28);
  let x8 = load<u32>(X, 32), x9 = load<u32>(X, 36), x10 = load<u32>(X, 40), x11 = load<u32>(X, 44);
  let x12 = load<u32>(X, 48), x13 = load<u32>(X, 52), x14 = load<u32>(X, 56), x15 = load<u32>(X, 60);
  let x16 = load<u32>(X, 64), x17 = load<u32>(X, 68), x18 = load<u32>(X, 72), x19 = load<u32>(X, 76);
  let x20 = load<u32>(X, 80), x21 = load<u32>(X, 84), x22 = load<u32>(X, 88), x23 = load<u32>(X, 92);
  let x24 = load<u32>(X, 96), x25 = load<u32>(X, 100), x26 = load<u32>(X, 104), x27 = load<u32>(X, 108);
  let x28 = load<u32>(X, 112), x29 = load<u32>(X, 116), x30 = load<u32>(X, 120), x31 = load<u32>(X, 124);
  for (let n = 0; n < r; n += 2) {
    x16 += x0; x17 += x1; x18 += x2; x19 += x3;
    x20 += x4; x21 += x5; x22 += x6; x23 += x7;
    x24 += x8; x25 += x9; x26 += x10; x27 += x11;
    x28 += x12; x29 += x13; x30 += x14; x31 += x15;
    x0 = rotl<u32>(x0, 7); x1 = rotl<u32>(x1, 7); x2 = rotl<u32>(x2, 7); x3 = rotl<u32>(x3, 7);
    x4 = rotl<u32>(x4, 7); x5 = rotl<u32>(x5, 7); x6 = rotl<u32>(x6, 7); x7 = rotl<u32>(x7, 7);
    x8 = rotl<u32>(x8, 7); x9 = rotl<u32>(x9, 7); x10 = rotl<u32>(x10, 7); x11 = rotl<u32>(x11, 7);
    x12 = rotl<u32>(x12, 7); x13 = rotl<u32>(x13, 7); x14 = rotl<u32>(x14, 7); x15 = rotl<u32>(x15, 7);
    x8 ^= x16; x9 ^= x17; x10 ^= x18; x11 ^= x19;
    x12 ^= x20; x13 ^= x21; x14 ^= x22; x15 ^= x23;
    x0 ^= x24; x1 ^= x25; x2 ^= x26; x3 ^= x27;
    x4 ^= x28; x5 ^= x29; x6 ^= x30; x7 ^= x31;
    x18 += x8; x19 += x9; x16 += x10; x17 += x11;
    x22 += x12; x23 += x13; x20 += x14; x21 += x15;
    x26 += x0; x27 += x1; x24 += x2; x25 += x3;
    x30 += x4; x31 += x5; x28 += x6; x29 += x7;
    x8 = rotl<u32>(x8, 11); x9 = rotl<u32>(x9, 11); x10 = rotl<u32>(x10, 11); x11 = rotl<u32>(x11, 11);
    x12 = rotl<u32>(x12, 11); x13 = rotl<u32>(x13, 11); x14 = rotl<u32>(x14, 11); x15 = rotl<u32>(x15, 11);
    x0 = rotl<u32>(x0, 11); x1 = rotl<u32>(x1, 11); x2 = rotl<u32>(x2, 11); x3 = rotl<u32>(x3, 11);
    x4 = rotl<u32>(x4, 11); x5 = rotl<u32>(x5, 11); x6 = rotl<u32>(x6, 11); x7 = rotl<u32>(x7, 11);
    x12 ^= x18; x13 ^= x19; x14 ^= x16; x15 ^= x17;
    x8 ^= x22; x9 ^= x23; x10 ^= x20; x11 ^= x21;
    x4 ^= x26; x5 ^= x27; x6 ^= x24; x7 ^= x25;
    x0 ^= x30; x1 ^= x31; x2 ^= x28; x3 ^= x29;
    x19 += x12; x18 += x13; x17 += x14; x16 += x15;
    x23 += x8; x22 += x9; x21 += x10; x20 += x11;
    x27 += x4; x26 += x5; x25 += x6; x24 += x7;
    x31 += x0; x30 += x1; x29 += x2; x28 += x3;
    x12 = rotl<u32>(x12, 7); x13 = rotl<u32>(x13, 7); x14 = rotl<u32>(x14, 7); x15 = rotl<u32>(x15, 7);
    x8 = rotl<u32>(x8, 7); x9 = rotl<u32>(x9, 7); x10 = rotl<u32>(x10, 7); x11 = rotl<u32>(x11, 7);
    x4 = rotl<u32>(x4, 7); x5 = rotl<u32>(x5, 7); x6 = rotl<u32>(x6, 7); x7 = rotl<u32>(x7, 7);
    x0 = rotl<u32>(x0, 7); x1 = rotl<u32>(x1, 7); x2 = rotl<u32>(x2, 7); x3 = rotl<u32>(x3, 7);
    x4 ^= x19; x5 ^= x18; x6 ^= x17; x7 ^= x16;
    x0 ^= x23; x1 ^= x22; x2 ^= x21; x3 ^= x20;
    x12 ^= x27; x13 ^= x26; x14 ^= x25; x15 ^= x24;
    x8 ^= x31; x9 ^= x30; x10 ^= x29; x11 ^= x28;
    x17 += x4; x16 += x5; x19 += x6; x18 += x7;
    x21 += x0; x20 += x1; x23 += x2; x22 += x3;
    x25 += x12; x24 += x13; x27 += x14; x26 += x15;
    x29 += x8; x28 += x9; x31 += x10; x30 += x11;
    x4 = rotl<u32>(x4, 11); x5 = rotl<u32>(x5, 11); x6 = rotl<u32>(x6, 11); x7 = rotl<u32>(x7, 11);
    x0 = rotl<u32>(x0, 11); x1 = rotl<u32>(x1, 11); x2 = rotl<u32>(x2, 11); x3 = rotl<u32>(x3, 11);
    x12 = rotl<u32>(x12, 11); x13 = rotl<u32>(x13, 11); x14 = rotl<u32>(x14, 11); x15 = rotl<u32>(x15, 11);
    x8 = rotl<u32>(x8, 11); x9 = rotl<u32>(x9, 11); x10 = rotl<u32>(x10, 11); x11 = rotl<u32>(x11, 11);
    x0 ^= x17; x1 ^= x16; x2 ^= x19; x3 ^= x18;
    x4 ^= x21; x5 ^= x20; x6 ^= x23; x7 ^= x22;
    x8 ^= x25; x9 ^= x24; x10 ^= x27; x11 ^= x26;
    x12 ^= x29; x13 ^= x28; x14 ^= x31; x15 ^= x30;
  }
  store<u32>(X, x0, 0); store<u32>(X, x1, 4); store<u32>(X, x2, 8); store<u32>(X, x3, 12);
  store<u32>(X, x4, 16); store<u32>(X, x5, 20); store<u32>(X, x6, 24); store<u32>(X, x7, 28);
  store<u32>(X, x8, 32); store<u32>(X, x9, 36); store<u32>(X, x10, 40); store<u32>(X, x11, 44);
  store<u32>(X, x12, 48); store<u32>(X, x13, 52); store<u32>(X, x14, 56); store<u32>(X, x15, 60);
  store<u32>(X, x16, 64); store<u32>(X, x17, 68); store<u32>(X, x18, 72); store<u32>(X, x19, 76);
  store<u32>(X, x20, 80); store<u32>(X, x21, 84); store<u32>(X, x22, 88); store<u32>(X, x23, 92);
  store<u32>(X, x24, 96); store<u32>(X, x25, 100); store<u32>(X, x26, 104); store<u32>(X, x27, 108);
  store<u32>(X, x28, 112); store<u32>(X, x29, 116); store<u32>(X, x30, 120); store<u32>(X, x31, 124);
}

// The initial state: x0 = h/8, x1 = b, x2 = r, the rest 0, then 10r rounds.
function init(): void {
  if (ready) return;
  memory.fill(X, 0, 128);
  store<u32>(X, 64, 0);
  store<u32>(X, 32, 4);
  store<u32>(X, 16, 8);
  rounds(160);
  memory.copy(IV, X, 128);
  ready = true;
}

function absorb(b: usize): void {
  for (let i: usize = 0; i < 32; i += 4) store<u32>(X + i, load<u32>(X + i) ^ load<u32>(b + i));
  rounds(16);
}

/** CubeHash16/32-512 of len bytes at src; writes the 64-byte digest to dst. */
export function cubehash512(src: usize, len: usize, dst: usize): void {
  init();
  memory.copy(X, IV, 128);
  let off: usize = 0;
  while (len - off >= 32) {
    absorb(src + off);
    off += 32;
  }
  // Padding: a 1 bit (0x80) then zeros to the block end; finalization: x[31] ^= 1, then 10r rounds.
  const rest = len - off;
  memory.fill(BLOCK, 0, 32);
  memory.copy(BLOCK, src + off, rest);
  store<u8>(BLOCK + rest, 0x80);
  absorb(BLOCK);
  store<u32>(X + 124, load<u32>(X + 124) ^ 1);
  rounds(160);
  memory.copy(dst, X, 64);
}
