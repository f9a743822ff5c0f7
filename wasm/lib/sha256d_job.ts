// Per-job state shared by the SHA-256d kernels, and the exact (scalar) check of one nonce.
import { HEADER, TARGET, OUT } from './abi';
import { midstate, sha256dWords, sha256d } from './sha256d';
import { digestMeetsTarget, loadBE } from './sha256';

/** SHA-256 state after the first 64 header bytes (nonce-independent, computed once per job). */
export const MID: usize = memory.data(32, 16);
/** Words 0..2 of the second block: header bytes 64..76 read big-endian. */
export const BLOCK2: usize = memory.data(16, 16);
const WORK: usize = memory.data(80, 16);
const ST: usize = memory.data(32, 16);

export function setJob(): void {
  memory.copy(WORK, HEADER, 76);
  midstate(MID, WORK);
  loadBE(BLOCK2, WORK + 64, 3);
}

/** Full sha256d of the job header with `nonce`, compared with the whole 256-bit target. */
export function nonceMeetsTarget(nonce: u32): bool {
  store<u32>(WORK, nonce, 76);
  sha256dWords(ST, WORK);
  return digestMeetsTarget(ST, TARGET);
}

export function hash(): void {
  sha256d(OUT, HEADER);
}
