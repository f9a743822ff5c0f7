// X11 mining kernel (Dash's PoW). ABI: src/core/pow/kernel.ts. The stages live in wasm/x11/.
import { HEADER, TARGET, OUT, setScanResult } from '../lib/abi';
import { hashMeetsTarget } from '../lib/target';
import { x11 } from '../x11/chain';

export { headerPtr, targetPtr, outPtr, foundNonce, hashesDone } from '../lib/abi';

// The job's header with the nonce varied by scan (HEADER itself stays free for hash()).
const WORK: usize = memory.data(80, 16);
const DIGEST: usize = memory.data(32, 16);

/** Per job: keeps header[0..76); BLAKE-512 takes the 80 bytes as one block, so no midstate exists. */
export function setJob(): void {
  memory.copy(WORK, HEADER, 76);
}

export function scan(start: u32, count: u32): i32 {
  for (let i: u32 = 0; i < count; i++) {
    const nonce = start + i;
    store<u32>(WORK, nonce, 76); // little-endian, as in the header
    x11(WORK, 80, DIGEST);
    if (hashMeetsTarget(DIGEST, TARGET)) {
      setScanResult(nonce, i + 1);
      return 1;
    }
  }
  setScanResult(0, count);
  return 0;
}

export function hash(): void {
  x11(HEADER, 80, OUT);
}
