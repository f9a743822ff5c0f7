import { ristretto255 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import { abytes } from '../util/bytes.js';
import { InputError } from '../util/errors.js';
import { FixedBase } from './fixed-base.js';

/**
 * The prime-order group: ristretto255 (RFC 9496) with generator g = the ristretto255 base point.
 * Elements are 32-byte canonical ristretto255 encodings; scalars are 32-byte little-endian integers
 * strictly below the group order ℓ = 2^252 + 27742317777372353535851937790883648493.
 */
export const Point = ristretto255.Point;
export type Point = InstanceType<typeof ristretto255.Point>;

/** ℓ, the order of the group. */
export const ORDER: bigint = Point.Fn.ORDER;
export const POINT_BYTES = 32;
export const SCALAR_BYTES = 32;

/** Source of randomness: returns `length` fresh random bytes. Injected so protocol tests are deterministic. */
export type RandomBytes = (length: number) => Uint8Array;

/**
 * Fixed-base tables. g, each public key y and each day's z = F(info) are multiplied many times,
 * so they are marked as fixed bases. A marked point gets a comb table (fixed-base.ts) once it has
 * been multiplied TABLE_AFTER times: building one costs about as much as 80 plain multiplications,
 * so a one-off verification (or a stream of attacker-chosen bases) never pays for a table.
 */
export const TABLE_AFTER = 32;
const tables = new WeakMap<Point, { uses: number; table: FixedBase | null }>();

/** Marks `p` as a fixed base and returns it. */
export function withTable(p: Point): Point {
  if (!tables.has(p)) tables.set(p, { uses: 0, table: null });
  return p;
}

function tableOf(p: Point): FixedBase | undefined {
  const entry = tables.get(p);
  if (entry === undefined) return undefined;
  if (entry.table === null && ++entry.uses >= TABLE_AFTER) entry.table = new FixedBase(p);
  return entry.table ?? undefined;
}

export const G: Point = withTable(Point.fromBytes(Point.BASE.toBytes()));

export function mod(n: bigint): bigint {
  const r = n % ORDER;
  return r < 0n ? r + ORDER : r;
}

/** Scalar decoding: exactly 32 bytes, little-endian, and < ℓ (non-canonical encodings are rejected). */
export function decodeScalar(name: string, bytes: unknown): bigint {
  abytes(name, bytes, SCALAR_BYTES);
  const n = bytesToNumberLE(bytes as Uint8Array);
  if (n >= ORDER) throw new InputError(name, 'scalar is not reduced modulo the group order');
  return n;
}

export function encodeScalar(n: bigint): Uint8Array {
  if (n < 0n || n >= ORDER) throw new InputError('scalar', 'out of range [0, ℓ)');
  return numberToBytesLE(n, SCALAR_BYTES);
}

/**
 * Point decoding: RFC 9496 section 4.3.1 decode (rejects non-canonical and invalid encodings).
 * With `nonIdentity`, the identity element is rejected as well.
 */
export function decodePoint(name: string, bytes: unknown, opts: { nonIdentity: boolean }): Point {
  abytes(name, bytes, POINT_BYTES);
  let p: Point;
  try {
    p = Point.fromBytes(bytes as Uint8Array);
  } catch {
    throw new InputError(name, 'not a canonical ristretto255 encoding');
  }
  if (opts.nonIdentity && p.is0()) throw new InputError(name, 'identity element not allowed');
  return p;
}

/** A uniformly random non-zero scalar: 64 random bytes read little-endian and reduced mod ℓ (bias < 2^-250). */
export function randomScalar(rand: RandomBytes): bigint {
  for (let attempt = 0; attempt < 8; attempt++) {
    const bytes = rand(64);
    if (!(bytes instanceof Uint8Array) || bytes.length !== 64) throw new InputError('rand', 'must return the requested number of bytes');
    const n = mod(bytesToNumberLE(bytes));
    if (n !== 0n) return n;
  }
  throw new Error('random source returned zero scalars repeatedly; refusing to continue');
}

/** base^k for a secret k in [0, ℓ): a constant sequence of point operations (see fixed-base.ts). */
export function mulSecret(base: Point, k: bigint): Point {
  const table = tableOf(base);
  if (table !== undefined) return table.mul(k, true);
  return k === 0n ? Point.ZERO : base.multiply(k);
}

/** base^k for a public k in [0, ℓ) (variable time). */
export function mulPublic(base: Point, k: bigint): Point {
  const table = tableOf(base);
  if (table !== undefined) return table.mul(k, false);
  return base.multiplyUnsafe(k);
}
