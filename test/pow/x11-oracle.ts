// Test helpers for the X11 stages: the @dashevo/x11-hash-js oracle (single functions and the chain)
// and a direct instantiation of the x11_stages test module.
import { createRequire } from 'node:module';
import { wasmBase64 } from '../../src/core/pow/kernels/x11_stages.wasm.generated.js';

/** Stage names in X11 chain order; the index is the stage number of x11_stages.stageHash. */
export const STAGE_NAMES = [
  'blake', 'bmw', 'groestl', 'skein', 'jh', 'keccak', 'luffa', 'cubehash', 'shavite', 'simd', 'echo',
] as const;
export type StageName = (typeof STAGE_NAMES)[number];

type OracleFn = (input: number[], inputFormat: 1, outputFormat: 1) => number[];
type Oracle = Record<StageName, OracleFn> & { digest: OracleFn };
const oracle = createRequire(import.meta.url)('@dashevo/x11-hash-js') as Oracle;

/** The oracle's 64-byte digest of one stage. */
export function oracleStage(name: StageName, input: Uint8Array): Uint8Array {
  return Uint8Array.from(oracle[name](Array.from(input), 1, 1));
}

/** The oracle's X11 hash (32 bytes, internal byte order). */
export function oracleX11(input: Uint8Array): Uint8Array {
  return Uint8Array.from(oracle.digest(Array.from(input), 1, 1));
}

interface StagesExports {
  memory: WebAssembly.Memory;
  inPtr(): number;
  outPtr(): number;
  maxInput(): number;
  stageHash(stage: number, len: number): number;
  _initialize?: () => void;
}

/** Stage number of the whole chain in x11_stages. */
export const CHAIN_STAGE = 11;

export interface Stages {
  hash(name: StageName, input: Uint8Array): Uint8Array;
  /** The whole X11 chain over any length (32 bytes). */
  x11(input: Uint8Array): Uint8Array;
  readonly maxInput: number;
  /** The raw export and the output buffer, for hostile-argument tests. */
  stageHash(stage: number, len: number): number;
  output(): Uint8Array;
}

export async function loadStages(): Promise<Stages> {
  const bytes = Uint8Array.from(Buffer.from(wasmBase64, 'base64'));
  const { instance } = await WebAssembly.instantiate(bytes, {
    env: { abort() { throw new Error('abort'); } },
  });
  const ex = instance.exports as unknown as StagesExports;
  ex._initialize?.();
  const run = (stage: number, input: Uint8Array, outLen: number): Uint8Array => {
    new Uint8Array(ex.memory.buffer, ex.inPtr(), input.length).set(input);
    if (ex.stageHash(stage, input.length) !== 1) throw new Error(`stage ${stage} refused ${input.length} bytes`);
    return new Uint8Array(ex.memory.buffer, ex.outPtr(), outLen).slice();
  };
  return {
    hash: (name, input) => run(STAGE_NAMES.indexOf(name), input, 64),
    x11: (input) => run(CHAIN_STAGE, input, 32),
    maxInput: ex.maxInput(),
    stageHash: (stage, len) => ex.stageHash(stage, len),
    output: () => new Uint8Array(ex.memory.buffer, ex.outPtr(), 64).slice(),
  };
}

/** Deterministic bytes (xorshift32) so failures reproduce. */
export function seededBytes(seed: number, length: number): Uint8Array {
  let s = seed >>> 0 || 1;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    out[i] = s & 0xff;
  }
  return out;
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}
