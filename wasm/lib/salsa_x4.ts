// Salsa20/8 core (RFC 7914 section 3) over four independent blocks at once: word i of the four blocks
// sits in the four i32x4 lanes of one v128, so every step is one SIMD op and no shuffles are needed.

// @ts-ignore: decorator
@inline function R(x: v128, n: i32): v128 {
  return v128.or(i32x4.shl(x, n), i32x4.shr_u(x, 32 - n));
}

/** B := Salsa20/8(B XOR Bx) for four lanes; B and Bx are 16 v128 words each. */
export function xorSalsa8x4(b: usize, bx: usize): void {
  let x0 = v128.xor(v128.load(b, 0), v128.load(bx, 0)), x1 = v128.xor(v128.load(b, 16), v128.load(bx, 16));
  let x2 = v128.xor(v128.load(b, 32), v128.load(bx, 32)), x3 = v128.xor(v128.load(b, 48), v128.load(bx, 48));
  let x4 = v128.xor(v128.load(b, 64), v128.load(bx, 64)), x5 = v128.xor(v128.load(b, 80), v128.load(bx, 80));
  let x6 = v128.xor(v128.load(b, 96), v128.load(bx, 96)), x7 = v128.xor(v128.load(b, 112), v128.load(bx, 112));
  let x8 = v128.xor(v128.load(b, 128), v128.load(bx, 128)), x9 = v128.xor(v128.load(b, 144), v128.load(bx, 144));
  let x10 = v128.xor(v128.load(b, 160), v128.load(bx, 160)), x11 = v128.xor(v128.load(b, 176), v128.load(bx, 176));
  let x12 = v128.xor(v128.load(b, 192), v128.load(bx, 192)), x13 = v128.xor(v128.load(b, 208), v128.load(bx, 208));
  let x14 = v128.xor(v128.load(b, 224), v128.load(bx, 224)), x15 = v128.xor(v128.load(b, 240), v128.load(bx, 240));
  // The mixed input is kept in memory for the final feed-forward, sparing sixteen live registers.
  v128.store(b, x0, 0); v128.store(b, x1, 16); v128.store(b, x2, 32); v128.store(b, x3, 48);
  v128.store(b, x4, 64); v128.store(b, x5, 80); v128.store(b, x6, 96); v128.store(b, x7, 112);
  v128.store(b, x8, 128); v128.store(b, x9, 144); v128.store(b, x10, 160); v128.store(b, x11, 176);
  v128.store(b, x12, 192); v128.store(b, x13, 208); v128.store(b, x14, 224); v128.store(b, x15, 240);
  for (let r = 0; r < 4; r++) {
    // Column round.
    x4 = v128.xor(x4, R(i32x4.add(x0, x12), 7)); x8 = v128.xor(x8, R(i32x4.add(x4, x0), 9));
    x12 = v128.xor(x12, R(i32x4.add(x8, x4), 13)); x0 = v128.xor(x0, R(i32x4.add(x12, x8), 18));
    x9 = v128.xor(x9, R(i32x4.add(x5, x1), 7)); x13 = v128.xor(x13, R(i32x4.add(x9, x5), 9));
    x1 = v128.xor(x1, R(i32x4.add(x13, x9), 13)); x5 = v128.xor(x5, R(i32x4.add(x1, x13), 18));
    x14 = v128.xor(x14, R(i32x4.add(x10, x6), 7)); x2 = v128.xor(x2, R(i32x4.add(x14, x10), 9));
    x6 = v128.xor(x6, R(i32x4.add(x2, x14), 13)); x10 = v128.xor(x10, R(i32x4.add(x6, x2), 18));
    x3 = v128.xor(x3, R(i32x4.add(x15, x11), 7)); x7 = v128.xor(x7, R(i32x4.add(x3, x15), 9));
    x11 = v128.xor(x11, R(i32x4.add(x7, x3), 13)); x15 = v128.xor(x15, R(i32x4.add(x11, x7), 18));
    // Row round.
    x1 = v128.xor(x1, R(i32x4.add(x0, x3), 7)); x2 = v128.xor(x2, R(i32x4.add(x1, x0), 9));
    x3 = v128.xor(x3, R(i32x4.add(x2, x1), 13)); x0 = v128.xor(x0, R(i32x4.add(x3, x2), 18));
    x6 = v128.xor(x6, R(i32x4.add(x5, x4), 7)); x7 = v128.xor(x7, R(i32x4.add(x6, x5), 9));
    x4 = v128.xor(x4, R(i32x4.add(x7, x6), 13)); x5 = v128.xor(x5, R(i32x4.add(x4, x7), 18));
    x11 = v128.xor(x11, R(i32x4.add(x10, x9), 7)); x8 = v128.xor(x8, R(i32x4.add(x11, x10), 9));
    x9 = v128.xor(x9, R(i32x4.add(x8, x11), 13)); x10 = v128.xor(x10, R(i32x4.add(x9, x8), 18));
    x12 = v128.xor(x12, R(i32x4.add(x15, x14), 7)); x13 = v128.xor(x13, R(i32x4.add(x12, x15), 9));
    x14 = v128.xor(x14, R(i32x4.add(x13, x12), 13)); x15 = v128.xor(x15, R(i32x4.add(x14, x13), 18));
  }
  v128.store(b, i32x4.add(x0, v128.load(b, 0)), 0); v128.store(b, i32x4.add(x1, v128.load(b, 16)), 16);
  v128.store(b, i32x4.add(x2, v128.load(b, 32)), 32); v128.store(b, i32x4.add(x3, v128.load(b, 48)), 48);
  v128.store(b, i32x4.add(x4, v128.load(b, 64)), 64); v128.store(b, i32x4.add(x5, v128.load(b, 80)), 80);
  v128.store(b, i32x4.add(x6, v128.load(b, 96)), 96); v128.store(b, i32x4.add(x7, v128.load(b, 112)), 112);
  v128.store(b, i32x4.add(x8, v128.load(b, 128)), 128); v128.store(b, i32x4.add(x9, v128.load(b, 144)), 144);
  v128.store(b, i32x4.add(x10, v128.load(b, 160)), 160); v128.store(b, i32x4.add(x11, v128.load(b, 176)), 176);
  v128.store(b, i32x4.add(x12, v128.load(b, 192)), 192); v128.store(b, i32x4.add(x13, v128.load(b, 208)), 208);
  v128.store(b, i32x4.add(x14, v128.load(b, 224)), 224); v128.store(b, i32x4.add(x15, v128.load(b, 240)), 240);
}
