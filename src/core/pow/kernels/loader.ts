import type { PowKernel, ScanResult } from '../kernel.js';
import { abytes, auint32 } from '../../util/bytes.js';

/**
 * The one loader/wrapper for every WebAssembly kernel: all kernels share the ABI of ../kernel.ts,
 * so one wrapper serves them all.
 */

/** What a generated module (<name>.wasm.generated.ts) exports. */
export interface KernelModule {
  readonly wasmBase64: string;
  readonly wasmSha256?: string;
}

interface KernelExports {
  readonly memory: WebAssembly.Memory;
  headerPtr(): number;
  targetPtr(): number;
  outPtr(): number;
  setJob(): void;
  scan(start: number, count: number): number;
  foundNonce(): number;
  hashesDone(): number;
  hash(): void;
  _initialize?: () => void;
}

const EXPORTS = ['memory', 'headerPtr', 'targetPtr', 'outPtr', 'setJob', 'scan', 'foundNonce', 'hashesDone', 'hash'];

function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const imports: WebAssembly.Imports = {
  env: {
    abort(_msg: number, _file: number, line: number, col: number): never {
      throw new Error(`kernel aborted at ${line}:${col}`);
    },
  },
};

const compiled = new Map<string, Promise<WebAssembly.Module>>();

function compile(wasmBase64: string): Promise<WebAssembly.Module> {
  let m = compiled.get(wasmBase64);
  if (m === undefined) {
    m = WebAssembly.compile(base64ToBytes(wasmBase64) as Uint8Array<ArrayBuffer>);
    compiled.set(wasmBase64, m);
  }
  return m;
}

/** Instantiates one kernel from its base64 module and wraps it as a PowKernel. */
export async function instantiateKernel(algorithm: string, wasmBase64: string): Promise<PowKernel> {
  if (typeof wasmBase64 !== 'string' || wasmBase64.length === 0) throw new Error(`${algorithm}: empty kernel module`);
  const instance = await WebAssembly.instantiate(await compile(wasmBase64), imports);
  const ex = instance.exports as unknown as KernelExports;
  for (const name of EXPORTS) {
    if (!(name in ex)) throw new Error(`${algorithm}: kernel lacks export '${name}'`);
  }
  ex._initialize?.();
  return wrap(algorithm, ex);
}

function wrap(algorithm: string, ex: KernelExports): PowKernel {
  const headerPtr = ex.headerPtr();
  const targetPtr = ex.targetPtr();
  const outPtr = ex.outPtr();
  const mem = () => new Uint8Array(ex.memory.buffer);
  // hash() overwrites the header buffer; the job's 76 bytes are restored after it.
  const job = new Uint8Array(76);
  let hasJob = false;
  return Object.freeze({
    algorithm,
    setJob(header76: Uint8Array, target: Uint8Array): void {
      abytes('header76', header76, 76);
      abytes('target', target, 32);
      job.set(header76);
      hasJob = true;
      const m = mem();
      m.set(header76, headerPtr);
      m.set(target, targetPtr);
      ex.setJob();
    },
    scan(startNonce: number, count: number): ScanResult {
      auint32('startNonce', startNonce);
      auint32('count', count);
      if (!hasJob) throw new Error(`${algorithm}: scan before setJob`);
      const found = ex.scan(startNonce, count) !== 0;
      return { nonce: found ? ex.foundNonce() >>> 0 : null, hashes: ex.hashesDone() >>> 0 };
    },
    hash(header80: Uint8Array): Uint8Array {
      abytes('header80', header80, 80);
      mem().set(header80, headerPtr);
      ex.hash();
      const out = mem().slice(outPtr, outPtr + 32);
      mem().set(job, headerPtr);
      return out;
    },
  });
}

/**
 * Loads the SIMD build where the engine validates it (WebAssembly.validate on the SIMD module
 * itself), else the scalar build.
 */
export async function loadBestKernel(
  algorithm: string,
  simd: () => Promise<KernelModule>,
  scalar: () => Promise<KernelModule>,
): Promise<PowKernel> {
  const fast = await simd();
  if (validates(fast)) return instantiateKernel(algorithm, fast.wasmBase64);
  const slow = await scalar();
  if (!validates(slow)) throw new Error(`${algorithm}: this engine cannot run the kernel (no WebAssembly SIMD128?)`);
  return instantiateKernel(algorithm, slow.wasmBase64);
}

function validates(mod: KernelModule): boolean {
  return WebAssembly.validate(base64ToBytes(mod.wasmBase64) as Uint8Array<ArrayBuffer>);
}
