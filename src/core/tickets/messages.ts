import { abytes, concatBytes } from '../util/bytes.js';
import { decodePoint, decodeScalar, encodeScalar, type Point } from './group.js';

/**
 * The four messages of the issuing protocol (Protocol B.1) and their fixed-size encodings.
 * Points are 32-byte ristretto255 encodings, scalars 32-byte little-endian < ℓ; no headers,
 * the carrying protocol says which message it is.
 *
 *   Commitment  S -> U   a ‖ b                  64 bytes  (neither may be the identity)
 *   Challenge   U -> S   e                      32 bytes
 *   Response    S -> U   r ‖ c ‖ s ‖ d          128 bytes
 *   Signature   (kept)   ρ ‖ ω ‖ σ ‖ δ          128 bytes
 */
export interface Commitment {
  readonly a: Point;
  readonly b: Point;
}
export interface Challenge {
  readonly e: bigint;
}
export interface Response {
  readonly r: bigint;
  readonly c: bigint;
  readonly s: bigint;
  readonly d: bigint;
}
export interface Signature {
  readonly rho: bigint;
  readonly omega: bigint;
  readonly sigma: bigint;
  readonly delta: bigint;
}

export const COMMITMENT_BYTES = 64;
export const CHALLENGE_BYTES = 32;
export const RESPONSE_BYTES = 128;
export const SIGNATURE_BYTES = 128;

export function encodeCommitment(m: Commitment): Uint8Array {
  return concatBytes(m.a.toBytes(), m.b.toBytes());
}

export function decodeCommitment(bytes: unknown): Commitment {
  const buf = abytes('commitment', bytes, COMMITMENT_BYTES);
  return {
    a: decodePoint('commitment.a', buf.subarray(0, 32), { nonIdentity: true }),
    b: decodePoint('commitment.b', buf.subarray(32, 64), { nonIdentity: true }),
  };
}

export function encodeChallenge(m: Challenge): Uint8Array {
  return encodeScalar(m.e);
}

export function decodeChallenge(bytes: unknown): Challenge {
  return { e: decodeScalar('challenge', abytes('challenge', bytes, CHALLENGE_BYTES)) };
}

function decodeFour(name: string, bytes: unknown, fields: readonly string[]): bigint[] {
  const buf = abytes(name, bytes, 128);
  return fields.map((f, i) => decodeScalar(`${name}.${f}`, buf.subarray(32 * i, 32 * i + 32)));
}

export function encodeResponse(m: Response): Uint8Array {
  return concatBytes(encodeScalar(m.r), encodeScalar(m.c), encodeScalar(m.s), encodeScalar(m.d));
}

export function decodeResponse(bytes: unknown): Response {
  const [r, c, s, d] = decodeFour('response', bytes, ['r', 'c', 's', 'd']) as [bigint, bigint, bigint, bigint];
  return { r, c, s, d };
}

export function encodeSignature(m: Signature): Uint8Array {
  return concatBytes(encodeScalar(m.rho), encodeScalar(m.omega), encodeScalar(m.sigma), encodeScalar(m.delta));
}

export function decodeSignature(bytes: unknown): Signature {
  const [rho, omega, sigma, delta] = decodeFour('signature', bytes, ['rho', 'omega', 'sigma', 'delta']) as [bigint, bigint, bigint, bigint];
  return { rho, omega, sigma, delta };
}
