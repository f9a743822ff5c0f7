// CubeHash16/32-512 (SHA-3 round-2 parameters: r = 16 rounds per 32-byte block, h = 512): a state of
// 32 u32 words x[00000]..x[11111], little-endian message words xored into x[0..7], 10r final rounds.

const X: usize = memory.data(128, 16);
const IV: usize = memory.data(128);
const BLOCK: usize = memory.data(32);
let ready = false;

@inline function rotl4(x: v128, r: i32): v128 { return v128.or(i32x4.shl(x, r), i32x4.shr_u(x, 32 - r)); }

// r rounds of the CubeHash round function on the state in X, held as eight i32x4 vectors
// a0..a3 = x[0..15], b0..b3 = x[16..31]. Each round: add x[0jklm] into x[1jklm]; rotate x[0jklm] left
// by 7; swap x[00klm] with x[01klm] (a0 <-> a2, a1 <-> a3); xor x[1jklm] into x[0jklm]; swap x[1jk0m]
// with x[1jk1m] (lanes 0,1 <-> 2,3 of each b); add; rotate by 11; swap x[0j0lm] with x[0j1lm]
// (a0 <-> a1, a2 <-> a3); xor; swap x[1jkl0] with x[1jkl1] (lanes 0 <-> 1, 2 <-> 3 of each b).
function rounds(r: i32): void {
  let a0 = v128.load(X, 0), a1 = v128.load(X, 16), a2 = v128.load(X, 32), a3 = v128.load(X, 48);
  let b0 = v128.load(X, 64), b1 = v128.load(X, 80), b2 = v128.load(X, 96), b3 = v128.load(X, 112);
  for (let n = 0; n < r; n++) {
    b0 = i32x4.add(b0, a0); b1 = i32x4.add(b1, a1); b2 = i32x4.add(b2, a2); b3 = i32x4.add(b3, a3);
    let t0 = rotl4(a2, 7), t1 = rotl4(a3, 7), t2 = rotl4(a0, 7), t3 = rotl4(a1, 7);
    a0 = v128.xor(t0, b0); a1 = v128.xor(t1, b1); a2 = v128.xor(t2, b2); a3 = v128.xor(t3, b3);
    b0 = i32x4.shuffle(b0, b0, 2, 3, 0, 1); b1 = i32x4.shuffle(b1, b1, 2, 3, 0, 1);
    b2 = i32x4.shuffle(b2, b2, 2, 3, 0, 1); b3 = i32x4.shuffle(b3, b3, 2, 3, 0, 1);
    b0 = i32x4.add(b0, a0); b1 = i32x4.add(b1, a1); b2 = i32x4.add(b2, a2); b3 = i32x4.add(b3, a3);
    t0 = rotl4(a1, 11); t1 = rotl4(a0, 11); t2 = rotl4(a3, 11); t3 = rotl4(a2, 11);
    a0 = v128.xor(t0, b0); a1 = v128.xor(t1, b1); a2 = v128.xor(t2, b2); a3 = v128.xor(t3, b3);
    b0 = i32x4.shuffle(b0, b0, 1, 0, 3, 2); b1 = i32x4.shuffle(b1, b1, 1, 0, 3, 2);
    b2 = i32x4.shuffle(b2, b2, 1, 0, 3, 2); b3 = i32x4.shuffle(b3, b3, 1, 0, 3, 2);
  }
  v128.store(X, a0, 0); v128.store(X, a1, 16); v128.store(X, a2, 32); v128.store(X, a3, 48);
  v128.store(X, b0, 64); v128.store(X, b1, 80); v128.store(X, b2, 96); v128.store(X, b3, 112);
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
