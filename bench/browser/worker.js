// Bench worker: instantiates one kernel build with the project's loader and scans nonces for the
// requested time (target zero, so every nonce is hashed). Posts { hashes, seconds }.
import { instantiateKernel } from '/dist/src/core/pow/kernels/loader.js';

const CHUNK = { sha256d: 1 << 16, scrypt: 32, x11: 256 };

self.onmessage = async ({ data: { build, algorithm, seconds } }) => {
  try {
    const { wasmBase64 } = await import(`/dist/src/core/pow/kernels/${build}.wasm.generated.js`);
    const kernel = await instantiateKernel(algorithm, wasmBase64);
    const header = new Uint8Array(76);
    for (let i = 0; i < header.length; i++) header[i] = (i * 89 + 7) & 0xff;
    kernel.setJob(header, new Uint8Array(32));
    const chunk = CHUNK[algorithm];
    let nonce = 0;
    // Warm-up so the engine's optimizing tier has compiled the kernel.
    const warmEnd = performance.now() + Math.min(1000, seconds * 250);
    while (performance.now() < warmEnd) nonce = (nonce + kernel.scan(nonce, chunk).hashes) >>> 0;
    let hashes = 0;
    const start = performance.now();
    const end = start + seconds * 1000;
    let now = start;
    while (now < end) {
      const r = kernel.scan(nonce, chunk);
      nonce = (nonce + r.hashes) >>> 0;
      hashes += r.hashes;
      now = performance.now();
    }
    self.postMessage({ hashes, seconds: (now - start) / 1000 });
  } catch (e) {
    self.postMessage({ error: String(e && e.stack || e) });
  }
};
