// SHA-256d of an 80-byte header (Bitcoin's PoW), scalar, for the kernels' hash() and job set-up.
import { IV, compress, copyState, loadBE, storeDigest } from './sha256';

const W: usize = memory.data(256, 16);
const ST: usize = memory.data(32, 16);

/** Midstate: the state after the first 64 header bytes, written to `dst`. */
export function midstate(dst: usize, header: usize): void {
  copyState(dst, IV);
  loadBE(W, header, 16);
  compress(dst, W);
}

/** Fills words 0..15 of the second block of an 80-byte message: header[64..80) then padding. */
export function secondBlock(w: usize, header: usize): void {
  loadBE(w, header + 64, 4);
  store<u32>(w, 0x80000000, 16);
  for (let i: usize = 5; i < 15; i++) store<u32>(w + (i << 2), 0);
  store<u32>(w, 640, 60); // message length in bits
}

/** Fills the 16 words of the block hashing a 32-byte digest (state words at `st`) with padding. */
export function digestBlock(w: usize, st: usize): void {
  memory.copy(w, st, 32);
  store<u32>(w, 0x80000000, 32);
  for (let i: usize = 9; i < 15; i++) store<u32>(w + (i << 2), 0);
  store<u32>(w, 256, 60);
}

/** sha256d of the 80 bytes at `header`; the final state words go to `st` (big-endian words). */
export function sha256dWords(st: usize, header: usize): void {
  midstate(ST, header);
  secondBlock(W, header);
  compress(ST, W);
  digestBlock(W, ST);
  copyState(st, IV);
  compress(st, W);
}

/** sha256d of the 80 bytes at `header` as the 32-byte digest at `out`. */
export function sha256d(out: usize, header: usize): void {
  sha256dWords(ST, header);
  storeDigest(out, ST);
}
