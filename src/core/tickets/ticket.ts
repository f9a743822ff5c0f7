import { abytes, base64urlToBytes, bytesToBase64url, concatBytes, equalBytes } from '../util/bytes.js';
import { InputError } from '../util/errors.js';
import { verify } from './abe-okamoto.js';
import { DAY_MS, dayFromNumber, dayNumber, infoForDay, parseDay, startOfDay, utcDay, type Day } from './day.js';
import { type RandomBytes } from './group.js';
import { TAG_SPEND_ID, TAG_TICKET_MSG, taggedHash } from './hashes.js';
import { DEFAULT_GRACE_MS, KEY_ID_BYTES, ticketExpiresAt, type KeyLookup } from './keys.js';
import { SIGNATURE_BYTES, decodeSignature, encodeSignature, type Signature } from './messages.js';

/**
 * A priority ticket T = {S, d, x, H(x)} (paper, Protocol 1 step 8) plus the issuing key's id.
 * Binary encoding, version 1 (229 bytes); the text form is its unpadded base64url.
 *
 *   offset  size  field
 *        0     1  version = 0x01
 *        1    32  key id = TH("workpass-v1/key-id", y)
 *       33     4  day d, days since 1970-01-01, unsigned big-endian (<= 2932896, 9999-12-31)
 *       37    32  x, the client's random secret
 *       69    32  msg = H(x) = TH("workpass-v1/ticket-msg", x); must match x
 *      101   128  signature ρ ‖ ω ‖ σ ‖ δ, each a 32-byte little-endian scalar < ℓ
 */
export const TICKET_VERSION = 1;
export const TICKET_BYTES = 1 + KEY_ID_BYTES + 4 + 32 + 32 + SIGNATURE_BYTES;
export const X_BYTES = 32;

export interface Ticket {
  readonly version: 1;
  readonly keyId: Uint8Array;
  readonly day: Day;
  readonly x: Uint8Array;
  /** H(x), the message that was blindly signed. */
  readonly msg: Uint8Array;
  readonly signature: Signature;
}

/** msg = H(x). */
export function ticketMessage(x: Uint8Array): Uint8Array {
  return taggedHash(TAG_TICKET_MSG, abytes('x', x, X_BYTES));
}

/** Protocol 1 step 4: a fresh random x and its hash H(x), the message to be blindly signed. */
export function newTicketSecret(rand: RandomBytes): { x: Uint8Array; msg: Uint8Array } {
  const x = abytes('rand(32)', rand(X_BYTES), X_BYTES).slice();
  return { x, msg: ticketMessage(x) };
}

/** Assembles a ticket (msg is recomputed from x). */
export function createTicket(fields: { keyId: Uint8Array; day: Day; x: Uint8Array; signature: Signature }): Ticket {
  const t: Ticket = {
    version: 1,
    keyId: abytes('keyId', fields.keyId, KEY_ID_BYTES).slice(),
    day: parseDay('day', fields.day),
    x: abytes('x', fields.x, X_BYTES).slice(),
    msg: ticketMessage(fields.x),
    signature: fields.signature,
  };
  encodeSignature(t.signature);
  return t;
}

export function encodeTicket(t: Ticket): Uint8Array {
  if (t?.version !== TICKET_VERSION) throw new InputError('ticket.version', 'expected 1');
  const x = abytes('ticket.x', t.x, X_BYTES);
  if (!equalBytes(abytes('ticket.msg', t.msg, 32), ticketMessage(x))) throw new InputError('ticket.msg', 'is not H(x)');
  const day = new Uint8Array(4);
  new DataView(day.buffer).setUint32(0, dayNumber(t.day));
  return concatBytes(Uint8Array.of(TICKET_VERSION), abytes('ticket.keyId', t.keyId, KEY_ID_BYTES), day, x, t.msg, encodeSignature(t.signature));
}

/** Decodes and validates every field: version, length, day range, H(x), canonical scalars. */
export function decodeTicket(bytes: unknown): Ticket {
  const buf = abytes('ticket', bytes);
  if (buf.length < 1 || buf[0] !== TICKET_VERSION) throw new InputError('ticket.version', 'unsupported ticket version');
  if (buf.length !== TICKET_BYTES) throw new InputError('ticket', `expected ${TICKET_BYTES} bytes, got ${buf.length}`);
  const dayNum = new DataView(buf.buffer, buf.byteOffset + 33, 4).getUint32(0);
  let day: Day;
  try {
    day = dayFromNumber(dayNum);
  } catch {
    throw new InputError('ticket.day', 'day number out of range');
  }
  const x = buf.slice(37, 69);
  const msg = buf.slice(69, 101);
  if (!equalBytes(msg, ticketMessage(x))) throw new InputError('ticket.msg', 'is not H(x)');
  const signature = decodeSignature(buf.subarray(101, 229));
  return { version: 1, keyId: buf.slice(1, 33), day, x, msg, signature };
}

export function ticketToText(t: Ticket): string {
  return bytesToBase64url(encodeTicket(t));
}

export function ticketFromText(text: unknown): Ticket {
  return decodeTicket(base64urlToBytes('ticket', text));
}

/**
 * spend id = TH("workpass-v1/spend-id", key id ‖ H(x)). It depends only on what the signature
 * binds (the key and the message), never on the encoding, so re-encoding cannot change it.
 */
export function spendId(t: Ticket): Uint8Array {
  return taggedHash(TAG_SPEND_ID, abytes('ticket.keyId', t.keyId, KEY_ID_BYTES), abytes('ticket.msg', t.msg, 32));
}

/** Allowed clock difference between issuer and verifier (default 5 min). */
export const DEFAULT_SKEW_MS = 5 * 60_000;
/** How long after midnight a client still accepts a signature on yesterday's day (default 10 min). */
export const DEFAULT_NEAR_MIDNIGHT_MS = 10 * 60_000;

export type TicketRejection = 'malformed' | 'unknown-key' | 'wrong-day' | 'expired' | 'bad-signature';
export type TicketCheck =
  | { readonly ok: true; readonly ticket: Ticket; readonly spendId: Uint8Array; readonly expiresAt: number }
  | { readonly ok: false; readonly reason: TicketRejection; readonly detail: string };

export interface VerifyTicketOptions {
  /** Spendable until end of day + graceMs (default 48 h). */
  readonly graceMs?: number;
  /** A ticket dated up to skewMs before its day starts is still accepted (default 5 min). */
  readonly skewMs?: number;
}

function atimeNow(now: unknown): number {
  if (typeof now !== 'number' || !Number.isFinite(now)) throw new InputError('now', 'expected ms since 1970');
  return now;
}

/**
 * Spending-side check. Accepts iff the ticket decodes, its day has begun (allowing skewMs),
 * it has not expired (now < end of day + graceMs), the keyring has its key for that day, and the
 * signature verifies with info = infoForDay(day), msg = H(x). Never throws on ticket bytes.
 */
export function verifyTicket(input: Ticket | Uint8Array | string, keys: KeyLookup, now: number, opts: VerifyTicketOptions = {}): TicketCheck {
  atimeNow(now);
  const graceMs = opts.graceMs ?? DEFAULT_GRACE_MS;
  const skewMs = opts.skewMs ?? DEFAULT_SKEW_MS;
  ticketExpiresAt('1970-01-01', graceMs);
  if (!Number.isInteger(skewMs) || skewMs < 0) throw new InputError('skewMs', 'expected a non-negative integer');
  let t: Ticket;
  try {
    t = typeof input === 'string' ? ticketFromText(input) : input instanceof Uint8Array ? decodeTicket(input) : decodeTicket(encodeTicket(input));
  } catch (err) {
    return { ok: false, reason: 'malformed', detail: err instanceof InputError ? err.message : 'not a ticket' };
  }
  const start = startOfDay(t.day);
  if (start > now + skewMs) return { ok: false, reason: 'wrong-day', detail: `ticket day ${t.day} has not begun` };
  const expiresAt = ticketExpiresAt(t.day, graceMs);
  if (now >= expiresAt) return { ok: false, reason: 'expired', detail: `ticket of ${t.day} expired at ${new Date(expiresAt).toISOString()}` };
  const key = keys.lookup(t.keyId, t.day);
  if (key === undefined) return { ok: false, reason: 'unknown-key', detail: 'no key with this id signed tickets on that day' };
  if (!verify(key, infoForDay(t.day), t.msg, t.signature)) return { ok: false, reason: 'bad-signature', detail: 'signature does not verify' };
  return { ok: true, ticket: t, spendId: spendId(t), expiresAt };
}

/**
 * Issuing-side check by the client of the day a relay chose: today (UTC), or yesterday during the
 * first nearMidnightMs after midnight, or tomorrow during the last skewMs before midnight.
 * Anything else would let a relay tag a client with an unusual day, so the client refuses it.
 */
export function acceptIssuanceDay(day: unknown, now: number, opts: { nearMidnightMs?: number; skewMs?: number } = {}): boolean {
  atimeNow(now);
  const near = opts.nearMidnightMs ?? DEFAULT_NEAR_MIDNIGHT_MS;
  const skew = opts.skewMs ?? DEFAULT_SKEW_MS;
  if (!(near >= 0 && near < DAY_MS) || !(skew >= 0 && skew < DAY_MS)) throw new InputError('opts', 'windows must be in [0, 1 day)');
  let d: Day;
  try {
    d = parseDay('day', day);
  } catch {
    return false;
  }
  const today = utcDay(now);
  const todayStart = startOfDay(today);
  if (d === today) return true;
  if (startOfDay(d) === todayStart - DAY_MS) return now - todayStart < near;
  if (startOfDay(d) === todayStart + DAY_MS) return todayStart + DAY_MS - now <= skew;
  return false;
}
