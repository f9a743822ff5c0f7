import type { PowKernel } from './kernel.js';
import type { DifficultyParams } from './target.js';
import { sha256dReference, scryptReference, x11Reference } from './reference.js';
import { loadBestKernel, type KernelModule } from './kernels/loader.js';
import { InputError } from '../util/errors.js';

/**
 * The algorithm registry: one entry per PoW algorithm. A new kernel is one AssemblyScript source
 * (wasm/kernels/<name>.ts) plus one entry here.
 */
export type AlgorithmName = 'sha256d' | 'scrypt' | 'x11';
export const ALGORITHM_NAMES: readonly AlgorithmName[] = ['sha256d', 'scrypt', 'x11'];

export interface Algorithm extends DifficultyParams {
  readonly name: AlgorithmName;
  /** Difficulty-1 target: Bitcoin's nBits 0x1d00ffff = 0xffff * 2^208 for all three. */
  readonly diff1Target: bigint;
  /** 1 for sha256d and x11; 65536 for scrypt (Litecoin pools' share difficulty). */
  readonly stratumFactor: number;
  /** The reference PoW hash of an 80-byte header (internal byte order); for verification. */
  referenceHash(header80: Uint8Array): Uint8Array;
  /** A fresh WebAssembly kernel instance (SIMD build when the engine supports it). */
  loadKernel(): Promise<PowKernel>;
}

const DIFF1_TARGET = 0xffffn << 208n;

// One literal import per build so bundlers (Vite) can split each generated module out.
const KERNELS: Record<AlgorithmName, { simd: () => Promise<KernelModule>; scalar: () => Promise<KernelModule> }> = {
  sha256d: {
    simd: () => import('./kernels/sha256d.wasm.generated.js'),
    scalar: () => import('./kernels/sha256d_scalar.wasm.generated.js'),
  },
  scrypt: {
    simd: () => import('./kernels/scrypt.wasm.generated.js'),
    scalar: () => import('./kernels/scrypt_scalar.wasm.generated.js'),
  },
  x11: {
    // One build (its stages use SIMD128): an engine without SIMD gets a clear error from the loader.
    simd: () => import('./kernels/x11.wasm.generated.js'),
    scalar: () => import('./kernels/x11.wasm.generated.js'),
  },
};

function entry(name: AlgorithmName, stratumFactor: number, referenceHash: (h: Uint8Array) => Uint8Array): Algorithm {
  return Object.freeze({
    name,
    diff1Target: DIFF1_TARGET,
    stratumFactor,
    referenceHash,
    loadKernel: () => loadBestKernel(name, KERNELS[name].simd, KERNELS[name].scalar),
  });
}

const ALGORITHMS: Record<AlgorithmName, Algorithm> = {
  sha256d: entry('sha256d', 1, sha256dReference),
  scrypt: entry('scrypt', 65536, scryptReference),
  x11: entry('x11', 1, x11Reference),
};

export function isAlgorithmName(name: unknown): name is AlgorithmName {
  return typeof name === 'string' && (ALGORITHM_NAMES as readonly string[]).includes(name);
}

/** The registry entry for `name`; InputError for an unknown algorithm. */
export function getAlgorithm(name: string): Algorithm {
  if (!isAlgorithmName(name)) {
    throw new InputError('algorithm', `unknown algorithm '${String(name)}' (expected ${ALGORITHM_NAMES.join(', ')})`);
  }
  return ALGORITHMS[name];
}
