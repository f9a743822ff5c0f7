// Salsa20/8 core (RFC 7914 section 3) in scalar u32 arithmetic, as scrypt's BlockMix uses it.

/** B := Salsa20/8(B XOR Bx), 16 little-endian words each (scrypt's xor-then-mix step). */
export function xorSalsa8(b: usize, bx: usize): void {
  let x0 = load<u32>(b, 0) ^ load<u32>(bx, 0), x1 = load<u32>(b, 4) ^ load<u32>(bx, 4);
  let x2 = load<u32>(b, 8) ^ load<u32>(bx, 8), x3 = load<u32>(b, 12) ^ load<u32>(bx, 12);
  let x4 = load<u32>(b, 16) ^ load<u32>(bx, 16), x5 = load<u32>(b, 20) ^ load<u32>(bx, 20);
  let x6 = load<u32>(b, 24) ^ load<u32>(bx, 24), x7 = load<u32>(b, 28) ^ load<u32>(bx, 28);
  let x8 = load<u32>(b, 32) ^ load<u32>(bx, 32), x9 = load<u32>(b, 36) ^ load<u32>(bx, 36);
  let x10 = load<u32>(b, 40) ^ load<u32>(bx, 40), x11 = load<u32>(b, 44) ^ load<u32>(bx, 44);
  let x12 = load<u32>(b, 48) ^ load<u32>(bx, 48), x13 = load<u32>(b, 52) ^ load<u32>(bx, 52);
  let x14 = load<u32>(b, 56) ^ load<u32>(bx, 56), x15 = load<u32>(b, 60) ^ load<u32>(bx, 60);
  const i0 = x0, i1 = x1, i2 = x2, i3 = x3, i4 = x4, i5 = x5, i6 = x6, i7 = x7;
  const i8 = x8, i9 = x9, i10 = x10, i11 = x11, i12 = x12, i13 = x13, i14 = x14, i15 = x15;
  for (let r = 0; r < 4; r++) {
    // Column round.
    x4 ^= rotl<u32>(x0 + x12, 7); x8 ^= rotl<u32>(x4 + x0, 9); x12 ^= rotl<u32>(x8 + x4, 13); x0 ^= rotl<u32>(x12 + x8, 18);
    x9 ^= rotl<u32>(x5 + x1, 7); x13 ^= rotl<u32>(x9 + x5, 9); x1 ^= rotl<u32>(x13 + x9, 13); x5 ^= rotl<u32>(x1 + x13, 18);
    x14 ^= rotl<u32>(x10 + x6, 7); x2 ^= rotl<u32>(x14 + x10, 9); x6 ^= rotl<u32>(x2 + x14, 13); x10 ^= rotl<u32>(x6 + x2, 18);
    x3 ^= rotl<u32>(x15 + x11, 7); x7 ^= rotl<u32>(x3 + x15, 9); x11 ^= rotl<u32>(x7 + x3, 13); x15 ^= rotl<u32>(x11 + x7, 18);
    // Row round.
    x1 ^= rotl<u32>(x0 + x3, 7); x2 ^= rotl<u32>(x1 + x0, 9); x3 ^= rotl<u32>(x2 + x1, 13); x0 ^= rotl<u32>(x3 + x2, 18);
    x6 ^= rotl<u32>(x5 + x4, 7); x7 ^= rotl<u32>(x6 + x5, 9); x4 ^= rotl<u32>(x7 + x6, 13); x5 ^= rotl<u32>(x4 + x7, 18);
    x11 ^= rotl<u32>(x10 + x9, 7); x8 ^= rotl<u32>(x11 + x10, 9); x9 ^= rotl<u32>(x8 + x11, 13); x10 ^= rotl<u32>(x9 + x8, 18);
    x12 ^= rotl<u32>(x15 + x14, 7); x13 ^= rotl<u32>(x12 + x15, 9); x14 ^= rotl<u32>(x13 + x12, 13); x15 ^= rotl<u32>(x14 + x13, 18);
  }
  store<u32>(b, x0 + i0, 0); store<u32>(b, x1 + i1, 4); store<u32>(b, x2 + i2, 8); store<u32>(b, x3 + i3, 12);
  store<u32>(b, x4 + i4, 16); store<u32>(b, x5 + i5, 20); store<u32>(b, x6 + i6, 24); store<u32>(b, x7 + i7, 28);
  store<u32>(b, x8 + i8, 32); store<u32>(b, x9 + i9, 36); store<u32>(b, x10 + i10, 40); store<u32>(b, x11 + i11, 44);
  store<u32>(b, x12 + i12, 48); store<u32>(b, x13 + i13, 52); store<u32>(b, x14 + i14, 56); store<u32>(b, x15 + i15, 60);
}
