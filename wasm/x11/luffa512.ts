// Luffa-512 (SHA-3 round-2 submission, version 2): five 256-bit lanes of eight u32 words, message
// injection MI5 (its multiplication by x works in GF(2)[x]/(x^8+x^4+x^3+x+1) with the eight words of a
// lane as the coefficients, bit-parallel across the 32 bit positions), then the permutations Q_0..Q_4
// (tweak, 8 steps of SubCrumb, MixWord, AddConstant). 32-byte big-endian blocks; 10* padding; two
// blank rounds each output the xor of the lanes (256 bits) -> 512-bit digest.

// Initial lanes V_0..V_4.
const IV: usize = memory.data<u32>([
  0x6d251e69, 0x44b051e0, 0x4eaa6fb4, 0xdbf78465, 0x6e292011, 0x90152df4, 0xee058139, 0xdef610bb,
  0xc3b44b95, 0xd9d2f256, 0x70eee9a0, 0xde099fa3, 0x5d9b0557, 0x8fc944b3, 0xcf1ccf0e, 0x746cd581,
  0xf7efc89d, 0x5dba5781, 0x04016ce5, 0xad659c05, 0x0306194f, 0x666d1836, 0x24aa230a, 0x8b264ae7,
  0x858075d5, 0x36d79cce, 0xe571f7d7, 0x204b1f67, 0x35870c6a, 0x57e9e923, 0x14bcb808, 0x7cde72ce,
  0x6c68e9be, 0x5ec41e22, 0xc825b7c7, 0xaffb4363, 0xf5df3999, 0x0fc688f1, 0xb07224cc, 0x03e86cea,
]);

// Step constants: for lane j, eight (c0, c4) pairs, c0 for word 0 and c4 for word 4 (RCj0, RCj4).
const RC: usize = memory.data<u32>([
  0x303994a6, 0xc0e65299, 0x6cc33a12, 0xdc56983e, 0x1e00108f, 0x7800423d, 0x8f5b7882, 0x96e1db12,
  0xe0337818, 0x441ba90d, 0x7f34d442, 0x9389217f, 0xe5a8bce6, 0x5274baf4, 0x26889ba7, 0x9a226e9d,
  0xb6de10ed, 0x70f47aae, 0x0707a3d4, 0x1c1e8f51, 0x707a3d45, 0xaeb28562, 0xbaca1589, 0x40a46f3e,
  0x01685f3d, 0x05a17cf4, 0xbd09caca, 0xf4272b28, 0x144ae5cc, 0xfaa7ae2b, 0x2e48f1c1, 0xb923c704,
  0xfc20d9d2, 0x34552e25, 0x7ad8818f, 0x8438764a, 0xbb6de032, 0xedb780c8, 0xd9847356, 0xa2c78434,
  0xe25e72c1, 0xe623bb72, 0x5c58a4a4, 0x1e38e2e7, 0x78e38b9d, 0x27586719, 0x36eda57f, 0x703aace7,
  0xb213afa5, 0xc84ebe95, 0x4e608a22, 0x56d858fe, 0x343b138f, 0xd0ec4e3d, 0x2ceb4882, 0xb3ad2208,
  0xe028c9bf, 0x44756f91, 0x7e8fce32, 0x956548be, 0xfe191be2, 0x3cb226e5, 0x5944a28e, 0xa1c4c355,
  0xf0d2e9e3, 0xac11d7fa, 0x1bcb66f2, 0x6f2d9bc9, 0x78602649, 0x8edae952, 0x3b6ba548, 0xedae9520,
  0x5090d577, 0x2d1925ab, 0xb46496ac, 0xd1925ab0, 0x29131ab6, 0x0fc053c3, 0x3f014f0c, 0xfc053c31,
]);

const V: usize = memory.data(160, 16);
const COLS: usize = memory.data(128, 16);
// The step constants of lanes 0..3 by step: RCj0[r] for j = 0..3, then RCj4[r] for j = 0..3.
const RC4: usize = memory.data(8 * 32, 16);
let ready = false;
const M: usize = memory.data(32);
const T: usize = memory.data(32);
const U: usize = memory.data(32);
const BLOCK: usize = memory.data(32);

@inline function lane(j: usize): usize { return V + (j << 5); }

// Regroups the step constants of lanes 0..3 by step for permute4 (once).
function init(): void {
  if (ready) return;
  for (let r: usize = 0; r < 8; r++) {
    for (let j: usize = 0; j < 4; j++) {
      store<u32>(RC4 + (r << 5) + (j << 2), load<u32>(RC + (j << 6) + (r << 2)));
      store<u32>(RC4 + (r << 5) + 16 + (j << 2), load<u32>(RC + (j << 6) + 32 + (r << 2)));
    }
  }
  ready = true;
}

// Multiplication by x of the 8-word element at s into d (d may equal s): the words are the
// coefficients a_0..a_7 with the reduction x^8 = x^4 + x^3 + x + 1.
@inline
function mul2(d: usize, s: usize): void {
  const t = load<u32>(s, 28);
  store<u32>(d, load<u32>(s, 24), 28);
  store<u32>(d, load<u32>(s, 20), 24);
  store<u32>(d, load<u32>(s, 16), 20);
  store<u32>(d, load<u32>(s, 12) ^ t, 16);
  store<u32>(d, load<u32>(s, 8) ^ t, 12);
  store<u32>(d, load<u32>(s, 4), 8);
  store<u32>(d, load<u32>(s, 0) ^ t, 4);
  store<u32>(d, t, 0);
}

@inline
function xorInto(d: usize, s: usize): void {
  for (let i: usize = 0; i < 32; i += 4) store<u32>(d + i, load<u32>(d + i) ^ load<u32>(s + i));
}

// MI5: the message injection function of w = 5 lanes, on the block at M (destroyed).
function inject(): void {
  // a = 2 * (V0 ^ V1 ^ V2 ^ V3 ^ V4); Vj ^= a
  memory.copy(T, lane(0), 32);
  for (let j: usize = 1; j < 5; j++) xorInto(T, lane(j));
  mul2(T, T);
  for (let j: usize = 0; j < 5; j++) xorInto(lane(j), T);
  // b = 2*V0 ^ V1, V1 = 2*V1 ^ V2, V2 = 2*V2 ^ V3, V3 = 2*V3 ^ V4, V4 = 2*V4 ^ V0
  mul2(U, lane(0)); xorInto(U, lane(1));
  mul2(lane(1), lane(1)); xorInto(lane(1), lane(2));
  mul2(lane(2), lane(2)); xorInto(lane(2), lane(3));
  mul2(lane(3), lane(3)); xorInto(lane(3), lane(4));
  mul2(lane(4), lane(4)); xorInto(lane(4), lane(0));
  // V0 = 2*b ^ V4, V4 = 2*V4 ^ V3, V3 = 2*V3 ^ V2, V2 = 2*V2 ^ V1, V1 = 2*V1 ^ b
  mul2(lane(0), U); xorInto(lane(0), lane(4));
  mul2(lane(4), lane(4)); xorInto(lane(4), lane(3));
  mul2(lane(3), lane(3)); xorInto(lane(3), lane(2));
  mul2(lane(2), lane(2)); xorInto(lane(2), lane(1));
  mul2(lane(1), lane(1)); xorInto(lane(1), U);
  // Vj ^= 2^j * M
  for (let j: usize = 0; j < 5; j++) {
    if (j > 0) mul2(M, M);
    xorInto(lane(j), M);
  }
}

// Q_j: tweak (words 4..7 rotated left by j), then eight steps; used for lane 4.
function permute(j: usize): void {
  const p = lane(j);
  let a0 = load<u32>(p, 0), a1 = load<u32>(p, 4), a2 = load<u32>(p, 8), a3 = load<u32>(p, 12);
  let a4 = rotl<u32>(load<u32>(p, 16), <u32>j), a5 = rotl<u32>(load<u32>(p, 20), <u32>j);
  let a6 = rotl<u32>(load<u32>(p, 24), <u32>j), a7 = rotl<u32>(load<u32>(p, 28), <u32>j);
  const rc = RC + (j << 6);
  for (let r: usize = 0; r < 8; r++) {
    // SubCrumb on (a0, a1, a2, a3) and on (a5, a6, a7, a4)
    let t = a0;
    a0 |= a1; a2 ^= a3; a1 = ~a1; a0 ^= a3; a3 &= t; a1 ^= a3; a3 ^= a2; a2 &= a0; a0 = ~a0;
    a2 ^= a1; a1 |= a3; t ^= a1; a3 ^= a2; a2 &= a1; a1 ^= a0; a0 = t;
    t = a5;
    a5 |= a6; a7 ^= a4; a6 = ~a6; a5 ^= a4; a4 &= t; a6 ^= a4; a4 ^= a7; a7 &= a5; a5 = ~a5;
    a7 ^= a6; a6 |= a4; t ^= a6; a4 ^= a7; a7 &= a6; a6 ^= a5; a5 = t;
    // MixWord on (a0, a4), (a1, a5), (a2, a6), (a3, a7)
    a4 ^= a0; a0 = rotl<u32>(a0, 2) ^ a4; a4 = rotl<u32>(a4, 14) ^ a0; a0 = rotl<u32>(a0, 10) ^ a4; a4 = rotl<u32>(a4, 1);
    a5 ^= a1; a1 = rotl<u32>(a1, 2) ^ a5; a5 = rotl<u32>(a5, 14) ^ a1; a1 = rotl<u32>(a1, 10) ^ a5; a5 = rotl<u32>(a5, 1);
    a6 ^= a2; a2 = rotl<u32>(a2, 2) ^ a6; a6 = rotl<u32>(a6, 14) ^ a2; a2 = rotl<u32>(a2, 10) ^ a6; a6 = rotl<u32>(a6, 1);
    a7 ^= a3; a3 = rotl<u32>(a3, 2) ^ a7; a7 = rotl<u32>(a7, 14) ^ a3; a3 = rotl<u32>(a3, 10) ^ a7; a7 = rotl<u32>(a7, 1);
    // AddConstant
    a0 ^= load<u32>(rc + (r << 2));
    a4 ^= load<u32>(rc + 32 + (r << 2));
  }
  store<u32>(p, a0, 0); store<u32>(p, a1, 4); store<u32>(p, a2, 8); store<u32>(p, a3, 12);
  store<u32>(p, a4, 16); store<u32>(p, a5, 20); store<u32>(p, a6, 24); store<u32>(p, a7, 28);
}

@inline function rotl4(x: v128, r: i32): v128 { return v128.or(i32x4.shl(x, r), i32x4.shr_u(x, 32 - r)); }

// 4x4 transpose of i32 lanes: rows r0..r3 become columns, written to dst (four vectors).
@inline
function transpose(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize): void {
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t2 = i32x4.shuffle(r2, r3, 0, 4, 1, 5), t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, i64x2.shuffle(t0, t2, 0, 2), 0);
  v128.store(dst, i64x2.shuffle(t0, t2, 1, 3), 16);
  v128.store(dst, i64x2.shuffle(t1, t3, 0, 2), 32);
  v128.store(dst, i64x2.shuffle(t1, t3, 1, 3), 48);
}

// Q_0..Q_3 at once: word w of the four lanes in one i32x4 (lane j of the vector = Luffa lane j).
// The tweak (words 4..7 of lane j rotated left by j) is applied to the rows before transposing.
function permute4(): void {
  transpose(v128.load(lane(0)), v128.load(lane(1)), v128.load(lane(2)), v128.load(lane(3)), COLS);
  transpose(v128.load(lane(0), 16), rotl4(v128.load(lane(1), 16), 1), rotl4(v128.load(lane(2), 16), 2),
    rotl4(v128.load(lane(3), 16), 3), COLS + 64);
  let a0 = v128.load(COLS, 0), a1 = v128.load(COLS, 16), a2 = v128.load(COLS, 32), a3 = v128.load(COLS, 48);
  let a4 = v128.load(COLS, 64), a5 = v128.load(COLS, 80), a6 = v128.load(COLS, 96), a7 = v128.load(COLS, 112);
  for (let r: usize = 0; r < 8; r++) {
    // SubCrumb on (a0, a1, a2, a3) and on (a5, a6, a7, a4)
    let t = a0;
    a0 = v128.or(a0, a1); a2 = v128.xor(a2, a3); a1 = v128.not(a1); a0 = v128.xor(a0, a3);
    a3 = v128.and(a3, t); a1 = v128.xor(a1, a3); a3 = v128.xor(a3, a2); a2 = v128.and(a2, a0);
    a0 = v128.not(a0); a2 = v128.xor(a2, a1); a1 = v128.or(a1, a3); t = v128.xor(t, a1);
    a3 = v128.xor(a3, a2); a2 = v128.and(a2, a1); a1 = v128.xor(a1, a0); a0 = t;
    t = a5;
    a5 = v128.or(a5, a6); a7 = v128.xor(a7, a4); a6 = v128.not(a6); a5 = v128.xor(a5, a4);
    a4 = v128.and(a4, t); a6 = v128.xor(a6, a4); a4 = v128.xor(a4, a7); a7 = v128.and(a7, a5);
    a5 = v128.not(a5); a7 = v128.xor(a7, a6); a6 = v128.or(a6, a4); t = v128.xor(t, a6);
    a4 = v128.xor(a4, a7); a7 = v128.and(a7, a6); a6 = v128.xor(a6, a5); a5 = t;
    // MixWord on (a0, a4), (a1, a5), (a2, a6), (a3, a7)
    a4 = v128.xor(a4, a0); a0 = v128.xor(rotl4(a0, 2), a4); a4 = v128.xor(rotl4(a4, 14), a0);
    a0 = v128.xor(rotl4(a0, 10), a4); a4 = rotl4(a4, 1);
    a5 = v128.xor(a5, a1); a1 = v128.xor(rotl4(a1, 2), a5); a5 = v128.xor(rotl4(a5, 14), a1);
    a1 = v128.xor(rotl4(a1, 10), a5); a5 = rotl4(a5, 1);
    a6 = v128.xor(a6, a2); a2 = v128.xor(rotl4(a2, 2), a6); a6 = v128.xor(rotl4(a6, 14), a2);
    a2 = v128.xor(rotl4(a2, 10), a6); a6 = rotl4(a6, 1);
    a7 = v128.xor(a7, a3); a3 = v128.xor(rotl4(a3, 2), a7); a7 = v128.xor(rotl4(a7, 14), a3);
    a3 = v128.xor(rotl4(a3, 10), a7); a7 = rotl4(a7, 1);
    // AddConstant: lane j of word 0 gets RCj0[r], of word 4 RCj4[r]
    a0 = v128.xor(a0, v128.load(RC4 + (r << 5)));
    a4 = v128.xor(a4, v128.load(RC4 + (r << 5) + 16));
  }
  transpose(a0, a1, a2, a3, COLS);
  transpose(a4, a5, a6, a7, COLS + 64);
  for (let j: usize = 0; j < 4; j++) {
    v128.store(lane(j), v128.load(COLS + (j << 4)), 0);
    v128.store(lane(j), v128.load(COLS + 64 + (j << 4)), 16);
  }
}

// One round: MI5 with the 32-byte block at b, then Q_0..Q_4.
function round(b: usize): void {
  for (let i: usize = 0; i < 32; i += 4) store<u32>(M + i, bswap<u32>(load<u32>(b + i)));
  inject();
  permute4();
  permute(4);
}

// Output of a blank round: xor of the five lanes, as big-endian words.
function output(dst: usize): void {
  for (let i: usize = 0; i < 32; i += 4) {
    let z: u32 = 0;
    for (let j: usize = 0; j < 5; j++) z ^= load<u32>(lane(j) + i);
    store<u32>(dst + i, bswap<u32>(z));
  }
}

/** Luffa-512 of len bytes at src; writes the 64-byte digest to dst. */
export function luffa512(src: usize, len: usize, dst: usize): void {
  init();
  memory.copy(V, IV, 160);
  let off: usize = 0;
  while (len - off >= 32) {
    round(src + off);
    off += 32;
  }
  // Padding: 0x80 then zeros to the end of the block (a whole block if the message fills its last one).
  const rest = len - off;
  memory.fill(BLOCK, 0, 32);
  memory.copy(BLOCK, src + off, rest);
  store<u8>(BLOCK + rest, 0x80);
  round(BLOCK);
  memory.fill(BLOCK, 0, 32);
  round(BLOCK);
  output(dst);
  round(BLOCK);
  output(dst + 32);
}
