// The two PBKDF2-HMAC-SHA256 steps of scrypt (RFC 7914 section 6) as Litecoin uses them:
// password = salt = the 80-byte header, c = 1; step 1 makes B (128 bytes), step 2 the 32-byte hash.
// Scalar; per-lane state lives in caller-owned buffers so SIMD kernels can run it lane by lane.
import { IV, compress, copyState, loadBE } from './sha256';

const W: usize = memory.data(256, 16);
const KEY: usize = memory.data(32, 16);
const INNER: usize = memory.data(32, 16);
const S: usize = memory.data(32, 16);

/** `keys` layout: ipad state (8 words) then opad state (8 words) then inner midstate (8 words). */
export const KEYS_SIZE: usize = 96;

/** The job's constant part: the SHA-256 state after header[0..64) (the nonce is in bytes 76..80). */
export function headerMidstate(mid: usize, header: usize): void {
  copyState(mid, IV);
  loadBE(W, header, 16);
  compress(mid, W);
}

/** Words 0..15 of `w` := digest words at `st`, then padding for a message of `bits` bits. */
function padDigest(w: usize, st: usize, bits: u32): void {
  memory.copy(w, st, 32);
  store<u32>(w, 0x80000000, 32);
  for (let i: usize = 9; i < 15; i++) store<u32>(w + (i << 2), 0);
  store<u32>(w, bits, 60);
}

/** Words 0..15 := header[64..80), then `word4`, then zeros and the bit length `bits`. */
function headerTail(w: usize, header: usize, word4: u32, bits: u32): void {
  loadBE(w, header + 64, 4);
  store<u32>(w, word4, 16);
  for (let i: usize = 5; i < 15; i++) store<u32>(w + (i << 2), 0);
  store<u32>(w, bits, 60);
}

/** State at `st` := SHA-256 IV absorbing one block of key words XOR `pad` (HMAC, RFC 2104). */
function padState(st: usize, pad: u32): void {
  for (let i: usize = 0; i < 8; i++) store<u32>(W + (i << 2), load<u32>(KEY + (i << 2)) ^ pad);
  for (let i: usize = 8; i < 16; i++) store<u32>(W + (i << 2), pad);
  copyState(st, IV);
  compress(st, W);
}

/**
 * Step 1: B = PBKDF2(header, header, 1, 128), written to `x` as 32 little-endian words (scrypt
 * reads B as LE words). `mid` is headerMidstate(header); the HMAC states are kept in `keys`.
 */
export function pbkdf2Expand(mid: usize, header: usize, x: usize, keys: usize): void {
  // The HMAC key is SHA-256(header), since the 80-byte password is longer than a block.
  copyState(KEY, mid);
  headerTail(W, header, 0x80000000, 640);
  compress(KEY, W);
  padState(keys, 0x36363636);
  padState(keys + 32, 0x5c5c5c5c);
  // Inner hash over ipad ‖ salt ‖ INT(i): the first salt block is the same for every i.
  copyState(keys + 64, keys);
  loadBE(W, header, 16);
  compress(keys + 64, W);
  for (let i: u32 = 1; i <= 4; i++) {
    copyState(INNER, keys + 64);
    headerTail(W, header, i, (64 + 84) * 8);
    store<u32>(W, 0x80000000, 20);
    compress(INNER, W);
    copyState(S, keys + 32);
    padDigest(W, INNER, (64 + 32) * 8);
    compress(S, W);
    for (let j: usize = 0; j < 8; j++) {
      store<u32>(x + (((i - 1) << 5) as usize) + (j << 2), bswap<u32>(load<u32>(S + (j << 2))));
    }
  }
}

/** Step 2: hash = PBKDF2(header, B', 1, 32) with B' = the 32 LE words at `x`; digest bytes to `out`. */
export function pbkdf2Finish(keys: usize, x: usize, out: usize): void {
  copyState(INNER, keys);
  for (let blk: usize = 0; blk < 2; blk++) {
    for (let j: usize = 0; j < 16; j++) {
      store<u32>(W + (j << 2), bswap<u32>(load<u32>(x + (blk << 6) + (j << 2))));
    }
    compress(INNER, W);
  }
  store<u32>(W, 1, 0); // INT(1)
  store<u32>(W, 0x80000000, 4);
  for (let i: usize = 2; i < 15; i++) store<u32>(W + (i << 2), 0);
  store<u32>(W, (64 + 128 + 4) * 8, 60);
  compress(INNER, W);
  copyState(S, keys + 32);
  padDigest(W, INNER, (64 + 32) * 8);
  compress(S, W);
  for (let j: usize = 0; j < 8; j++) store<u32>(out + (j << 2), bswap<u32>(load<u32>(S + (j << 2))));
}
