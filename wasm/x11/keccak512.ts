// Keccak-512 as submitted to round 3 of the SHA-3 competition (the sph/X11 variant): Keccak-f[1600],
// capacity 1024 bits, rate 72 bytes, padding pad10*1 with the first pad byte 0x01 (not FIPS 202's 0x06).
// The 25 lanes are little-endian u64 words; lane (x, y) is A[x + 5y].

// Round constants RC[i] of the iota step, i = 0..23 (Keccak reference, section 1.2).
const RC: usize = memory.data<u64>([
  0x0000000000000001, 0x0000000000008082, 0x800000000000808a, 0x8000000080008000,
  0x000000000000808b, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
  0x000000000000008a, 0x0000000000000088, 0x0000000080008009, 0x000000008000000a,
  0x000000008000808b, 0x800000000000008b, 0x8000000000008089, 0x8000000000008003,
  0x8000000000008002, 0x8000000000000080, 0x000000000000800a, 0x800000008000000a,
  0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
]);

const RATE: usize = 72;
const A: usize = memory.data(200);
const BLOCK: usize = memory.data(RATE);

// Keccak-f[1600]: 24 rounds of theta, rho, pi, chi, iota, on the lanes held in locals.
function keccakF(): void {
  let a00 = load<u64>(A, 0), a01 = load<u64>(A, 8), a02 = load<u64>(A, 16), a03 = load<u64>(A, 24), a04 = load<u64>(A, 32);
  let a05 = load<u64>(A, 40), a06 = load<u64>(A, 48), a07 = load<u64>(A, 56), a08 = load<u64>(A, 64), a09 = load<u64>(A, 72);
  let a10 = load<u64>(A, 80), a11 = load<u64>(A, 88), a12 = load<u64>(A, 96), a13 = load<u64>(A, 104), a14 = load<u64>(A, 112);
  let a15 = load<u64>(A, 120), a16 = load<u64>(A, 128), a17 = load<u64>(A, 136), a18 = load<u64>(A, 144), a19 = load<u64>(A, 152);
  let a20 = load<u64>(A, 160), a21 = load<u64>(A, 168), a22 = load<u64>(A, 176), a23 = load<u64>(A, 184), a24 = load<u64>(A, 192);
  for (let r: usize = 0; r < 24; r++) {
    // theta: C[x] = xor of column x; D[x] = C[x-1] ^ rot(C[x+1], 1)
    const c0 = a00 ^ a05 ^ a10 ^ a15 ^ a20;
    const c1 = a01 ^ a06 ^ a11 ^ a16 ^ a21;
    const c2 = a02 ^ a07 ^ a12 ^ a17 ^ a22;
    const c3 = a03 ^ a08 ^ a13 ^ a18 ^ a23;
    const c4 = a04 ^ a09 ^ a14 ^ a19 ^ a24;
    const d0 = c4 ^ rotl<u64>(c1, 1);
    const d1 = c0 ^ rotl<u64>(c2, 1);
    const d2 = c1 ^ rotl<u64>(c3, 1);
    const d3 = c2 ^ rotl<u64>(c4, 1);
    const d4 = c3 ^ rotl<u64>(c0, 1);
    // rho and pi: B[y, 2x + 3y] = rot(A[x, y] ^ D[x], r[x, y])
    const b00 = a00 ^ d0;
    const b10 = rotl<u64>(a01 ^ d1, 1);
    const b20 = rotl<u64>(a02 ^ d2, 62);
    const b05 = rotl<u64>(a03 ^ d3, 28);
    const b15 = rotl<u64>(a04 ^ d4, 27);
    const b16 = rotl<u64>(a05 ^ d0, 36);
    const b01 = rotl<u64>(a06 ^ d1, 44);
    const b11 = rotl<u64>(a07 ^ d2, 6);
    const b21 = rotl<u64>(a08 ^ d3, 55);
    const b06 = rotl<u64>(a09 ^ d4, 20);
    const b07 = rotl<u64>(a10 ^ d0, 3);
    const b17 = rotl<u64>(a11 ^ d1, 10);
    const b02 = rotl<u64>(a12 ^ d2, 43);
    const b12 = rotl<u64>(a13 ^ d3, 25);
    const b22 = rotl<u64>(a14 ^ d4, 39);
    const b23 = rotl<u64>(a15 ^ d0, 41);
    const b08 = rotl<u64>(a16 ^ d1, 45);
    const b18 = rotl<u64>(a17 ^ d2, 15);
    const b03 = rotl<u64>(a18 ^ d3, 21);
    const b13 = rotl<u64>(a19 ^ d4, 8);
    const b14 = rotl<u64>(a20 ^ d0, 18);
    const b24 = rotl<u64>(a21 ^ d1, 2);
    const b09 = rotl<u64>(a22 ^ d2, 61);
    const b19 = rotl<u64>(a23 ^ d3, 56);
    const b04 = rotl<u64>(a24 ^ d4, 14);
    // chi: A[x, y] = B[x, y] ^ (~B[x+1, y] & B[x+2, y]); iota on lane (0, 0)
    a00 = b00 ^ (~b01 & b02) ^ load<u64>(RC + (r << 3));
    a01 = b01 ^ (~b02 & b03);
    a02 = b02 ^ (~b03 & b04);
    a03 = b03 ^ (~b04 & b00);
    a04 = b04 ^ (~b00 & b01);
    a05 = b05 ^ (~b06 & b07);
    a06 = b06 ^ (~b07 & b08);
    a07 = b07 ^ (~b08 & b09);
    a08 = b08 ^ (~b09 & b05);
    a09 = b09 ^ (~b05 & b06);
    a10 = b10 ^ (~b11 & b12);
    a11 = b11 ^ (~b12 & b13);
    a12 = b12 ^ (~b13 & b14);
    a13 = b13 ^ (~b14 & b10);
    a14 = b14 ^ (~b10 & b11);
    a15 = b15 ^ (~b16 & b17);
    a16 = b16 ^ (~b17 & b18);
    a17 = b17 ^ (~b18 & b19);
    a18 = b18 ^ (~b19 & b15);
    a19 = b19 ^ (~b15 & b16);
    a20 = b20 ^ (~b21 & b22);
    a21 = b21 ^ (~b22 & b23);
    a22 = b22 ^ (~b23 & b24);
    a23 = b23 ^ (~b24 & b20);
    a24 = b24 ^ (~b20 & b21);
  }
  store<u64>(A, a00, 0); store<u64>(A, a01, 8); store<u64>(A, a02, 16); store<u64>(A, a03, 24); store<u64>(A, a04, 32);
  store<u64>(A, a05, 40); store<u64>(A, a06, 48); store<u64>(A, a07, 56); store<u64>(A, a08, 64); store<u64>(A, a09, 72);
  store<u64>(A, a10, 80); store<u64>(A, a11, 88); store<u64>(A, a12, 96); store<u64>(A, a13, 104); store<u64>(A, a14, 112);
  store<u64>(A, a15, 120); store<u64>(A, a16, 128); store<u64>(A, a17, 136); store<u64>(A, a18, 144); store<u64>(A, a19, 152);
  store<u64>(A, a20, 160); store<u64>(A, a21, 168); store<u64>(A, a22, 176); store<u64>(A, a23, 184); store<u64>(A, a24, 192);
}

// Absorbs one 72-byte block: the first 9 lanes are xored with the block, then Keccak-f.
function absorb(block: usize): void {
  for (let i: usize = 0; i < RATE; i += 8) store<u64>(A + i, load<u64>(A + i) ^ load<u64>(block + i));
  keccakF();
}

/** Keccak-512 of len bytes at src; writes the 64-byte digest to dst. */
export function keccak512(src: usize, len: usize, dst: usize): void {
  memory.fill(A, 0, 200);
  let off: usize = 0;
  while (len - off >= RATE) {
    absorb(src + off);
    off += RATE;
  }
  // pad10*1: 0x01 after the message, 0x80 in the last byte of the block (both in one byte if they meet).
  const rest = len - off;
  memory.fill(BLOCK, 0, RATE);
  memory.copy(BLOCK, src + off, rest);
  store<u8>(BLOCK + rest, 0x01);
  store<u8>(BLOCK + RATE - 1, load<u8>(BLOCK + RATE - 1) | 0x80);
  absorb(BLOCK);
  memory.copy(dst, A, 64);
}
