// Scalar SHA-256d mining kernel (the fallback where SIMD128 is missing). ABI: src/core/pow/kernel.ts.
import { HEADER, TARGET, OUT, setScanResult } from '../lib/abi';
import { IV, compress, copyState } from '../lib/sha256';
import { midstate, secondBlock, digestBlock, sha256d } from '../lib/sha256d';
import { digestMeetsTarget } from '../lib/sha256';

export { headerPtr, targetPtr, outPtr, foundNonce, hashesDone } from '../lib/abi';

const MID: usize = memory.data(32, 16);
const BLOCK2: usize = memory.data(64, 16);
const W: usize = memory.data(256, 16);
const ST: usize = memory.data(32, 16);
const ST2: usize = memory.data(32, 16);

/** Per job: the midstate of header[0..64) and the second block's template (nonce word 3 varies). */
export function setJob(): void {
  midstate(MID, HEADER);
  secondBlock(BLOCK2, HEADER);
}

export function scan(start: u32, count: u32): i32 {
  for (let i: u32 = 0; i < count; i++) {
    const nonce = start + i;
    memory.copy(W, BLOCK2, 64);
    store<u32>(W, bswap<u32>(nonce), 12); // the header stores the nonce LE; SHA-256 reads words BE
    copyState(ST, MID);
    compress(ST, W);
    digestBlock(W, ST);
    copyState(ST2, IV);
    compress(ST2, W);
    if (digestMeetsTarget(ST2, TARGET)) {
      setScanResult(nonce, i + 1);
      return 1;
    }
  }
  setScanResult(0, count);
  return 0;
}

export function hash(): void {
  sha256d(OUT, HEADER);
}
