// SHA-256d mining kernel, four nonces per step in the i32x4 lanes of SIMD128. ABI: src/core/pow/kernel.ts.
// The scan loop is generated (wasm/lib/sha256d_scan.gen.mjs): midstate and nonce-independent work
// hoisted, constants folded, early reject on the hash's most significant word.
import { setScanResult } from '../lib/abi';
import { scanX4, scanHits } from '../lib/sha256d_scan_x4.generated';

export { headerPtr, targetPtr, outPtr, foundNonce, hashesDone } from '../lib/abi';
export { setJob, hash } from '../lib/sha256d_job';

export function scan(start: u32, count: u32): i32 {
  const found = scanX4(start, count);
  const n = scanHits();
  setScanResult(start + n, found ? n + 1 : count);
  return found;
}
