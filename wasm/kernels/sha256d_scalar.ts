// Scalar SHA-256d mining kernel: the fallback where SIMD128 is missing. ABI: src/core/pow/kernel.ts.
// Same generated scan as the SIMD kernel (wasm/lib/sha256d_scan.gen.mjs), one nonce per step.
import { setScanResult } from '../lib/abi';
import { scanX1, scanHits } from '../lib/sha256d_scan_x1.generated';

export { headerPtr, targetPtr, outPtr, foundNonce, hashesDone } from '../lib/abi';
export { setJob, hash } from '../lib/sha256d_job';

export function scan(start: u32, count: u32): i32 {
  const found = scanX1(start, count);
  const n = scanHits();
  setScanResult(start + n, found ? n + 1 : count);
  return found;
}
