// The AES S-box and round tables, derived at first use from their definition (FIPS-197, 5.1.1): the
// S-box is the multiplicative inverse in GF(2^8) mod x^8 + x^4 + x^3 + x + 1 followed by the affine map.
// Shared by Groestl (its own 64-bit tables), SHAvite-3 and ECHO (the AES round).

export const SBOX: usize = memory.data(256);
// AES round tables in little-endian column form: T0[x] = (2s, s, s, 3s) with byte 0 lowest, s = S(x);
// T1, T2, T3 are T0 rotated left by 8, 16, 24 bits.
export const T0: usize = memory.data(1024);
export const T1: usize = memory.data(1024);
export const T2: usize = memory.data(1024);
export const T3: usize = memory.data(1024);
let ready = false;

/** Multiplication in GF(2^8) with the AES polynomial 0x11b. */
export function gmul(a: u32, b: u32): u32 {
  let p: u32 = 0;
  for (let i = 0; i < 8; i++) {
    if (b & 1) p ^= a;
    a = (a << 1) ^ (a & 0x80 ? 0x11b : 0);
    b >>= 1;
  }
  return p & 0xff;
}

/** Fills SBOX and T0..T3 once. */
export function aesInit(): void {
  if (ready) return;
  for (let x: u32 = 0; x < 256; x++) {
    // inverse: x^254 (0 maps to 0)
    let inv: u32 = 1;
    for (let i = 0; i < 254; i++) inv = gmul(inv, x);
    if (x == 0) inv = 0;
    // affine: b ^ rotl(b,1) ^ rotl(b,2) ^ rotl(b,3) ^ rotl(b,4) ^ 0x63 (in 8 bits)
    let s = inv;
    for (let k: u32 = 1; k < 5; k++) s ^= ((inv << k) | (inv >> (8 - k))) & 0xff;
    s ^= 0x63;
    store<u8>(SBOX + x, <u8>s);
  }
  for (let x: usize = 0; x < 256; x++) {
    const s = <u32>load<u8>(SBOX + x);
    const t = gmul(s, 2) | (s << 8) | (s << 16) | (gmul(s, 3) << 24);
    store<u32>(T0 + (x << 2), t);
    store<u32>(T1 + (x << 2), rotl<u32>(t, 8));
    store<u32>(T2 + (x << 2), rotl<u32>(t, 16));
    store<u32>(T3 + (x << 2), rotl<u32>(t, 24));
  }
  ready = true;
}
