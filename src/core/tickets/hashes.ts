import { ristretto255_hasher } from '@noble/curves/ed25519.js';
import { expand_message_xmd } from '@noble/curves/abstract/hash-to-curve.js';
import { bytesToNumberLE } from '@noble/curves/utils.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes } from '../util/bytes.js';
import { mod, withTable, type Point } from './group.js';

/**
 * The hash functions of the scheme, each with its own domain tag (exact ASCII bytes below).
 * F: {0,1}* -> group   hash_to_ristretto255 (RFC 9380 appendix B) with DST_F.
 * H: {0,1}* -> Z_ℓ     expand_message_xmd(SHA-512, DST_H, 64 bytes), read little-endian, mod ℓ.
 * TH(tag, data)        SHA-256(len(tag) as one byte ‖ tag ‖ data): key ids, H(x), spend ids.
 */
export const DST_F = 'workpass-v1-F-ristretto255_XMD:SHA-512_R255MAP_RO_';
export const DST_H = 'workpass-v1-H-ristretto255_XMD:SHA-512_scalar';
export const TAG_KEY_ID = 'workpass-v1/key-id';
export const TAG_TICKET_MSG = 'workpass-v1/ticket-msg';
export const TAG_SPEND_ID = 'workpass-v1/spend-id';

const utf8 = new TextEncoder();

export function taggedHash(tag: string, ...parts: Uint8Array[]): Uint8Array {
  const t = utf8.encode(tag);
  return sha256(concatBytes(Uint8Array.of(t.length), t, ...parts));
}

/** Computes F(info) without caching. */
export function hashToGroup(info: Uint8Array): Point {
  return ristretto255_hasher.hashToCurve(info, { DST: DST_F });
}

/**
 * F(info) and its encoding, with a small cache: the same day is hashed for every ticket. The
 * point is marked as a fixed base, so it gets a table once it is used often (group.ts).
 */
export interface InfoPoint {
  readonly z: Point;
  readonly zBytes: Uint8Array;
}
const F_CACHE_SIZE = 4;
const fCache = new Map<string, InfoPoint>();

export function F(info: Uint8Array): InfoPoint {
  const k = bytesToHex(info);
  const hit = fCache.get(k);
  if (hit !== undefined) {
    fCache.delete(k);
    fCache.set(k, hit);
    return hit;
  }
  const z = withTable(hashToGroup(info));
  const value = { z, zBytes: z.toBytes() };
  fCache.set(k, value);
  if (fCache.size > F_CACHE_SIZE) fCache.delete(fCache.keys().next().value as string);
  return value;
}

/**
 * H(y ‖ α ‖ β ‖ z ‖ msg): the scheme's challenge hash. Input bytes are
 *   y (32) ‖ α (32) ‖ β (32) ‖ z (32) ‖ len(msg) as 4-byte big-endian ‖ msg.
 * y (the public key) is prefixed as in key-prefixed Schnorr: a signature is bound to one key.
 */
export function challengeHash(y: Uint8Array, alpha: Uint8Array, beta: Uint8Array, z: Uint8Array, msg: Uint8Array): bigint {
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, msg.length);
  const input = concatBytes(y, alpha, beta, z, len, msg);
  return mod(bytesToNumberLE(expand_message_xmd(input, DST_H, 64, sha512)));
}
