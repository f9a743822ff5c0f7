import { InputError } from '../util/errors.js';
import { abase64url, akeys, anonNegativeInt, aobject, apositive, astring } from './check.js';

/**
 * workpass methods on top of Stratum v1 (Protocol 1 of the paper: register, then the blind-signing
 * rounds). Binary values are unpadded base64url of 32-byte encodings (ristretto255 points, scalars
 * little-endian); the token is base64url of 16 bytes; sid and keyId are lowercase hex.
 *
 *   workpass.session.open   [{"mode": "tickets"|"donation"}]
 *                           -> {"token", "price", "algo", "keyId", "day"}
 *   workpass.session.status [token] -> {"credit", "price", "issued", "mode"}
 *   ticket.commit           [token] -> {"sid", "keyId", "day", "a", "b"}
 *   ticket.sign             [token, sid, e] -> {"r", "c", "s", "d"}
 */
export const Method = {
  sessionOpen: 'workpass.session.open',
  sessionStatus: 'workpass.session.status',
  ticketCommit: 'ticket.commit',
  ticketSign: 'ticket.sign',
} as const;

export type SessionMode = 'tickets' | 'donation';
export const TOKEN_BYTES = 16;
/** A signing session id: 16 random bytes as 32 lowercase hex digits (the tickets module's session id). */
export const SID_RE = /^[0-9a-f]{32}$/;
export const ELEMENT_BYTES = 32;
const MAX_KEY_ID = 64;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

export function decodeSessionOpenParams(params: readonly unknown[]): { mode: SessionMode } {
  if (params.length > 1) throw new InputError('params', 'expected [{"mode"}]');
  if (params.length === 0) return { mode: 'tickets' };
  const o = aobject('params[0]', params[0]);
  akeys('params[0]', o, ['mode']);
  const mode = o['mode'] ?? 'tickets';
  if (mode !== 'tickets' && mode !== 'donation') throw new InputError('params[0].mode', 'expected "tickets" or "donation"');
  return { mode };
}

export function decodeTokenParams(params: readonly unknown[]): { token: string } {
  if (params.length !== 1) throw new InputError('params', 'expected [token]');
  return { token: abase64url('params[0]', params[0], TOKEN_BYTES) };
}

export function decodeSignParams(params: readonly unknown[]): { token: string; sid: string; e: string } {
  if (params.length !== 3) throw new InputError('params', 'expected [token, sid, e]');
  return {
    token: abase64url('params[0]', params[0], TOKEN_BYTES),
    sid: asid('params[1]', params[1]),
    e: abase64url('params[2]', params[2], ELEMENT_BYTES),
  };
}

export interface SessionOpenResult {
  readonly token: string;
  /** Credit one ticket costs, in share-difficulty units. */
  readonly price: number;
  readonly algo: string;
  readonly keyId: string;
  /** The info d of today's signatures: the UTC date YYYY-MM-DD. */
  readonly day: string;
}
export function decodeSessionOpenResult(value: unknown): SessionOpenResult {
  const o = aobject('result', value);
  return {
    token: abase64url('result.token', o['token'], TOKEN_BYTES),
    price: apositive('result.price', o['price']),
    algo: astring('result.algo', o['algo'], 16),
    keyId: astring('result.keyId', o['keyId'], MAX_KEY_ID),
    day: aday('result.day', o['day']),
  };
}

export interface SessionStatusResult {
  readonly credit: number;
  readonly price: number;
  readonly issued: number;
  readonly mode: SessionMode;
}
export function decodeSessionStatusResult(value: unknown): SessionStatusResult {
  const o = aobject('result', value);
  const credit = o['credit'];
  if (typeof credit !== 'number' || !Number.isFinite(credit) || credit < 0) throw new InputError('result.credit', 'expected a number >= 0');
  const mode = o['mode'];
  if (mode !== 'tickets' && mode !== 'donation') throw new InputError('result.mode', 'bad mode');
  return { credit, price: apositive('result.price', o['price']), issued: anonNegativeInt('result.issued', o['issued']), mode };
}

export interface CommitResult {
  readonly sid: string;
  readonly keyId: string;
  readonly day: string;
  readonly a: string;
  readonly b: string;
}
export function decodeCommitResult(value: unknown): CommitResult {
  const o = aobject('result', value);
  return {
    sid: asid('result.sid', o['sid']),
    keyId: astring('result.keyId', o['keyId'], MAX_KEY_ID),
    day: aday('result.day', o['day']),
    a: abase64url('result.a', o['a'], ELEMENT_BYTES),
    b: abase64url('result.b', o['b'], ELEMENT_BYTES),
  };
}

export interface SignResult {
  readonly r: string;
  readonly c: string;
  readonly s: string;
  readonly d: string;
}
export function decodeSignResult(value: unknown): SignResult {
  const o = aobject('result', value);
  return {
    r: abase64url('result.r', o['r'], ELEMENT_BYTES),
    c: abase64url('result.c', o['c'], ELEMENT_BYTES),
    s: abase64url('result.s', o['s'], ELEMENT_BYTES),
    d: abase64url('result.d', o['d'], ELEMENT_BYTES),
  };
}

function asid(name: string, value: unknown): string {
  if (typeof value !== 'string' || !SID_RE.test(value)) throw new InputError(name, 'expected 32 lowercase hex digits');
  return value;
}

export function aday(name: string, value: unknown): string {
  if (typeof value !== 'string' || !DAY_RE.test(value)) throw new InputError(name, 'expected a UTC date YYYY-MM-DD');
  return value;
}
