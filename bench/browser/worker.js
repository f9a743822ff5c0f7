// Bench worker: instantiates one kernel build with the project's loader and scans nonces for the
// requested time (target zero, so every nonce is hashed). Posts 'start' when the timed part begins,
// then { hashes, seconds }.
import { instantiateKernel } from '/dist/src/core/pow/kernels/loader.js';

const CHUNK = { sha256d: 1 << 16, scrypt: 32, x11: 256 };
const WARMUP_MS = 2000; // lets the engine's optimizing tier finish compiling the (large) kernels

self.onmessage = async ({ data: { build, algorithm, seconds } }) => {
  try {
    const { wasmBase64 } = await import(`/dist/src/core/pow/kernels/${build}.wasm.generated.js`);
    const kernel = await instantiateKernel(algorithm, wasmBase64);
    const header = new Uint8Array(76);
    for (let i = 0; i < header.length; i++) header[i] = (i * 89 + 7) & 0xff;
    kernel.setJob(header, new Uint8Array(32));
    const chunk = CHUNK[algorithm];
    let nonce = 0;
    const warmEnd = performance.now() + WARMUP_MS;
    while (performance.now() < warmEnd) nonce = (nonce + kernel.scan(nonce, chunk).hashes) >>> 0;
    self.postMessage({ phase: 'start' });
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
    self.postMessage({ phase: 'done', hashes, seconds: (now - start) / 1000 });
  } catch (e) {
    self.postMessage({ phase: 'done', error: String((e && e.stack) || e) });
  }
};
