import { abytes, auint32 } from '../util/bytes.js';
import { InputError } from '../util/errors.js';

/**
 * Targets, difficulty and the hash-vs-target rule. A hash meets a target when the hash, read as a
 * little-endian 256-bit integer (internal byte order), is <= the target.
 */

const MAX_TARGET = (1n << 256n) - 1n;

/** What a target computation needs to know about an algorithm. */
export interface DifficultyParams {
  /** The difficulty-1 target (Bitcoin's nBits 0x1d00ffff: 0xffff * 2^208). */
  readonly diff1Target: bigint;
  /** Stratum difficulty factor: share difficulty D means target = diff1Target / (D / factor). */
  readonly stratumFactor: number;
}

/** A positive finite double as an exact fraction num/den (a double is m * 2^e exactly). */
function exactFraction(x: number): { num: bigint; den: bigint } {
  let den = 1n;
  let v = x;
  while (!Number.isInteger(v)) {
    v *= 2;
    den *= 2n;
  }
  return { num: BigInt(v), den };
}

/**
 * Stratum share target for `difficulty` (mining.set_difficulty): floor(diff1Target * factor / difficulty),
 * computed exactly, capped at 2^256 - 1. Fractional difficulty (e.g. 0.001) is allowed.
 */
export function targetFromDifficulty(algo: DifficultyParams, difficulty: number): bigint {
  if (typeof difficulty !== 'number' || !Number.isFinite(difficulty) || difficulty <= 0) {
    throw new InputError('difficulty', 'expected a finite number > 0');
  }
  const { num, den } = exactFraction(difficulty);
  const t = (algo.diff1Target * BigInt(algo.stratumFactor) * den) / num;
  return t > MAX_TARGET ? MAX_TARGET : t;
}

/**
 * Target from a header's compact nBits: mantissa (low 23 bits) * 256^(exponent - 3). Negative,
 * zero and overflowing encodings are rejected as Bitcoin Core's CheckProofOfWork rejects them.
 */
export function targetFromNbits(nbits: number): bigint {
  auint32('nbits', nbits);
  const exponent = nbits >>> 24;
  const mantissa = nbits & 0x007fffff;
  if (mantissa !== 0 && (nbits & 0x00800000) !== 0) throw new InputError('nbits', 'negative compact target');
  const t = exponent <= 3
    ? BigInt(mantissa >>> (8 * (3 - exponent)))
    : BigInt(mantissa) << BigInt(8 * (exponent - 3));
  if (t === 0n) throw new InputError('nbits', 'zero target');
  if (t > MAX_TARGET) throw new InputError('nbits', 'target overflows 256 bits');
  return t;
}

/** The target as 32 bytes, little-endian (the kernel ABI's target buffer). */
export function targetToBytes(t: bigint): Uint8Array {
  if (typeof t !== 'bigint' || t < 0n || t > MAX_TARGET) throw new InputError('target', 'expected a bigint in [0, 2^256)');
  const out = new Uint8Array(32);
  let v = t;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** A 32-byte hash in internal byte order read as a little-endian integer. */
export function hashToBigint(hash: Uint8Array): bigint {
  abytes('hash', hash, 32);
  let v = 0n;
  for (let i = 31; i >= 0; i--) v = (v << 8n) | BigInt(hash[i]!);
  return v;
}

/** True when the hash meets the target. Returns false (never throws) on a malformed hash or target. */
export function hashMeetsTarget(hash: Uint8Array, target: bigint): boolean {
  if (!(hash instanceof Uint8Array) || hash.length !== 32) return false;
  if (typeof target !== 'bigint' || target < 0n) return false;
  return hashToBigint(hash) <= target;
}

/** The share difficulty this hash reaches: diff1Target * factor / hash (Infinity for a zero hash). */
export function difficultyOfHash(algo: DifficultyParams, hash: Uint8Array): number {
  const h = hashToBigint(hash);
  if (h === 0n) return Infinity;
  const scaled = (algo.diff1Target * BigInt(algo.stratumFactor) << 64n) / h;
  return Number(scaled) / 2 ** 64;
}
