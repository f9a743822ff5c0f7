// CubeHash16/32-512 (SHA-3 round-2 parameters: r = 16 rounds per 32-byte block, h = 512): a state of
// 32 u32 words x[00000]..x[11111], little-endian message words xored into x[0..7], 10r final rounds.

const X: usize = memory.data(128);
const IV: usize = memory.data(128);
const BLOCK: usize = memory.data(32);
let ready = false;

// r rounds of the CubeHash round function (specification steps 1-10), state in X.
function rounds(r: i32): void {
  for (let n = 0; n < r; n++) {
    for (let half = 0; half < 2; half++) {
      const rot: u32 = half == 0 ? 7 : 11;
      // add x[0jklm] into x[1jklm]; rotate x[0jklm] left
      for (let i: usize = 0; i < 16; i++) {
        const p = X + (i << 2), q = X + ((i + 16) << 2);
        store<u32>(q, load<u32>(q) + load<u32>(p));
        store<u32>(p, rotl<u32>(load<u32>(p), rot));
      }
      // swap x[00klm] with x[01klm] (first half) or x[0j0lm] with x[0j1lm] (second half)
      const sw: usize = half == 0 ? 8 : 4;
      for (let i: usize = 0; i < 16; i++) {
        if (i & sw) continue;
        const p = X + (i << 2), q = X + ((i | sw) << 2);
        const t = load<u32>(p);
        store<u32>(p, load<u32>(q));
        store<u32>(q, t);
      }
      // xor x[1jklm] into x[0jklm]
      for (let i: usize = 0; i < 16; i++) {
        const p = X + (i << 2);
        store<u32>(p, load<u32>(p) ^ load<u32>(p + 64));
      }
      // swap x[1jk0m] with x[1jk1m] (first half) or x[1jkl0] with x[1jkl1] (second half)
      const sw2: usize = half == 0 ? 2 : 1;
      for (let i: usize = 16; i < 32; i++) {
        if (i & sw2) continue;
        const p = X + (i << 2), q = X + ((i | sw2) << 2);
        const t = load<u32>(p);
        store<u32>(p, load<u32>(q));
        store<u32>(q, t);
      }
    }
  }
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
