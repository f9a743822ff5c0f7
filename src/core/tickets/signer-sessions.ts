import { bytesToHex, hexToBytes } from '../util/bytes.js';
import { InputError } from '../util/errors.js';
import { SignerState, signerCommit, signerRespond, signerRestore } from './abe-okamoto.js';
import { infoForDay, parseDay, utcDay, type Clock, type Day } from './day.js';
import { ORDER, decodeScalar, encodeScalar, type RandomBytes } from './group.js';
import { SigningKey } from './keys.js';
import type { Challenge, Commitment, Response } from './messages.js';

/**
 * The signer's session state machine (docs/tickets.md, "Sessions"). It is what keeps
 * Abe–Okamoto safe to run concurrently: the ROS attack and Wagner's generalized-birthday attack
 * need many sessions open at once under the same info (here: the same key and day).
 *
 *   commit()            -> open      (u, s, d) fresh; refused with RetryLaterError when maxOpen
 *                                    sessions are already open for this (key id, day)
 *   open  --respond(e)  -> completed (u, s, d) erased; exactly one challenge is ever answered
 *   open  --ttl passes  -> gone      (u, s, d) erased; respond then fails with 'expired'
 *   open  --cancel      -> gone
 *   completed --respond(same e, {replay: true}) -> the same response again (lost-connection retry)
 *   completed --respond(anything else)          -> SessionError 'already-answered'
 */
export const DEFAULT_MAX_OPEN = 4;
export const DEFAULT_SESSION_TTL_MS = 30_000;
export const DEFAULT_COMPLETED_TTL_MS = 120_000;
export const DEFAULT_MAX_COMPLETED = 65_536;

export class RetryLaterError extends Error {
  override readonly name = 'RetryLaterError';
  constructor(
    /** The earliest time, from now, at which a slot may be free. */
    readonly retryAfterMs: number,
    message: string,
  ) {
    super(message);
  }
}

export type SessionErrorCode = 'unknown-session' | 'expired' | 'already-answered';

export class SessionError extends Error {
  override readonly name = 'SessionError';
  constructor(
    readonly code: SessionErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface SignerSessionsOptions {
  /** Supplies the current signing key (a Keyring works). */
  readonly keys: { current(): SigningKey };
  readonly clock: Clock;
  readonly rand: RandomBytes;
  /** Open sessions allowed per (key id, day). Default 4. */
  readonly maxOpen?: number;
  /** How long an open session waits for its challenge. Default 30 s. */
  readonly ttlMs?: number;
  /** How long a completed response is kept for a replay with the same e. Default 120 s. */
  readonly completedTtlMs?: number;
  /** Bound on remembered completed sessions (oldest dropped first). Default 65536. */
  readonly maxCompleted?: number;
}

export interface OpenedSession {
  readonly sessionId: string;
  readonly keyId: string;
  readonly day: Day;
  readonly commitment: Commitment;
  readonly expiresAt: number;
}

/** An open session as the daemon stores it. u, s, d are secrets: store them like the signing key. */
export interface StoredSession {
  readonly version: 1;
  readonly sessionId: string;
  readonly keyId: string;
  readonly day: Day;
  readonly u: string;
  readonly s: string;
  readonly d: string;
  readonly expiresAt: number;
}

interface OpenEntry {
  readonly key: SigningKey;
  readonly state: SignerState;
  readonly bucket: string;
  readonly keyId: string;
  readonly day: Day;
  readonly expiresAt: number;
}

interface CompletedEntry {
  readonly e: bigint;
  readonly response: Response;
  readonly until: number;
}

const SESSION_ID_RE = /^[0-9a-f]{32}$/;

function aint(name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new InputError(name, `expected an integer in [${min}, ${max}]`);
  return v;
}

function asessionId(id: unknown): string {
  if (typeof id !== 'string' || !SESSION_ID_RE.test(id)) throw new InputError('sessionId', 'expected 32 lowercase hex digits');
  return id;
}

export class SignerSessions {
  readonly maxOpen: number;
  readonly ttlMs: number;
  readonly completedTtlMs: number;
  readonly maxCompleted: number;
  private readonly keys: { current(): SigningKey };
  private readonly clock: Clock;
  private readonly rand: RandomBytes;
  private readonly open = new Map<string, OpenEntry>();
  private readonly perBucket = new Map<string, number>();
  /** Insertion order = completion order, so the front is always the oldest. */
  private readonly completed = new Map<string, CompletedEntry>();

  constructor(opts: SignerSessionsOptions) {
    if (typeof opts?.keys?.current !== 'function') throw new InputError('keys', 'expected an object with current()');
    if (typeof opts.clock !== 'function') throw new InputError('clock', 'expected a function');
    if (typeof opts.rand !== 'function') throw new InputError('rand', 'expected a function');
    this.keys = opts.keys;
    this.clock = opts.clock;
    this.rand = opts.rand;
    this.maxOpen = aint('maxOpen', opts.maxOpen ?? DEFAULT_MAX_OPEN, 1, 250);
    this.ttlMs = aint('ttlMs', opts.ttlMs ?? DEFAULT_SESSION_TTL_MS, 1, 3_600_000);
    this.completedTtlMs = aint('completedTtlMs', opts.completedTtlMs ?? DEFAULT_COMPLETED_TTL_MS, 0, 86_400_000);
    this.maxCompleted = aint('maxCompleted', opts.maxCompleted ?? DEFAULT_MAX_COMPLETED, 0, 10_000_000);
  }

  private now(): number {
    const t = this.clock();
    if (typeof t !== 'number' || !Number.isFinite(t)) throw new Error('clock returned a non-finite time');
    return t;
  }

  /** Opens a session for today's day under the current key and returns its commitment (a, b). */
  commit(): OpenedSession {
    const now = this.now();
    this.sweep(now);
    const key = this.keys.current();
    const day = utcDay(now);
    const keyId = bytesToHex(key.keyId);
    const bucket = `${keyId}/${day}`;
    this.reserve(bucket, now);
    try {
      const sessionId = this.newSessionId();
      const { state, commitment } = signerCommit(key, infoForDay(day), this.rand);
      const expiresAt = now + this.ttlMs;
      this.open.set(sessionId, { key, state, bucket, keyId, day, expiresAt });
      return { sessionId, keyId, day, commitment, expiresAt };
    } catch (err) {
      this.release(bucket);
      throw err;
    }
  }

  /**
   * Answers the one challenge of a session. With `replay`, a completed session returns its
   * response again if — and only if — e is the same; any other second challenge is refused.
   */
  respond(sessionId: string, challenge: Challenge, opts: { replay?: boolean } = {}): Response {
    const id = asessionId(sessionId);
    const e = challenge?.e;
    if (typeof e !== 'bigint' || e < 0n || e >= ORDER) throw new InputError('challenge', 'expected a scalar in [0, ℓ)');
    const now = this.now();
    const entry = this.open.get(id);
    if (entry !== undefined && now >= entry.expiresAt) {
      this.drop(id, entry);
      throw new SessionError('expired', 'session expired before its challenge arrived');
    }
    this.sweep(now);
    if (entry === undefined) {
      const done = this.completed.get(id);
      if (done === undefined) throw new SessionError('unknown-session', 'no such session (never opened, cancelled, or expired)');
      if (opts.replay === true && done.e === e) return done.response;
      throw new SessionError('already-answered', 'this session has already answered a challenge');
    }
    let response: Response;
    try {
      response = signerRespond(entry.key, entry.state, { e });
    } finally {
      this.drop(id, entry);
    }
    if (this.maxCompleted > 0 && this.completedTtlMs > 0) {
      this.completed.set(id, { e, response, until: now + this.completedTtlMs });
      if (this.completed.size > this.maxCompleted) this.completed.delete(this.completed.keys().next().value as string);
    }
    return response;
  }

  /** Abandons an open session (its (u, s, d) are erased). Returns whether it was open. */
  cancel(sessionId: string): boolean {
    const id = asessionId(sessionId);
    const entry = this.open.get(id);
    if (entry === undefined) return false;
    this.drop(id, entry);
    return true;
  }

  /** Open sessions, in total or for one key id (hex) and day. */
  openCount(keyId?: string, day?: Day): number {
    this.sweep(this.now());
    if (keyId === undefined && day === undefined) return this.open.size;
    return this.perBucket.get(`${keyId}/${day}`) ?? 0;
  }

  /** The stored form of an open session, for the daemon's persistence. */
  export(sessionId: string): StoredSession {
    const id = asessionId(sessionId);
    const entry = this.open.get(id);
    if (entry === undefined) throw new SessionError('unknown-session', 'no such open session');
    const { u, s, d } = entry.state.exportSecrets();
    const hex = (n: bigint) => bytesToHex(encodeScalar(n));
    return { version: 1, sessionId: id, keyId: entry.keyId, day: entry.day, u: hex(u), s: hex(s), d: hex(d), expiresAt: entry.expiresAt };
  }

  /** Reopens a stored session (e.g. after a restart); the open-session bound still applies. */
  import(stored: StoredSession): OpenedSession {
    if (typeof stored !== 'object' || stored === null || stored.version !== 1) throw new InputError('stored', 'expected a version 1 stored session');
    const id = asessionId(stored.sessionId);
    const day = parseDay('stored.day', stored.day);
    const scalar = (n: string, v: unknown) => decodeScalar(`stored.${n}`, hexToBytes(`stored.${n}`, v, 32));
    const secrets = { u: scalar('u', stored.u), s: scalar('s', stored.s), d: scalar('d', stored.d) };
    const expiresAt = stored.expiresAt;
    if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) throw new InputError('stored.expiresAt', 'expected a time in ms');
    const now = this.now();
    this.sweep(now);
    if (this.open.has(id) || this.completed.has(id)) throw new InputError('stored.sessionId', 'a session with this id already exists');
    if (expiresAt <= now) throw new SessionError('expired', 'stored session has expired');
    const key = this.keys.current();
    const keyId = bytesToHex(key.keyId);
    if (stored.keyId !== keyId) throw new InputError('stored.keyId', 'not the current signing key');
    const bucket = `${keyId}/${day}`;
    this.reserve(bucket, now);
    let state: SignerState;
    try {
      state = signerRestore(key, infoForDay(day), secrets);
    } catch (err) {
      this.release(bucket);
      throw err;
    }
    const until = Math.min(expiresAt, now + this.ttlMs);
    this.open.set(id, { key, state, bucket, keyId, day, expiresAt: until });
    return { sessionId: id, keyId, day, commitment: state.commitment, expiresAt: until };
  }

  /** Erases expired open sessions and forgets expired completed responses. */
  sweep(now = this.now()): void {
    for (const [id, entry] of this.open) if (now >= entry.expiresAt) this.drop(id, entry);
    for (const [id, done] of this.completed) {
      if (now < done.until) break;
      this.completed.delete(id);
    }
  }

  private reserve(bucket: string, now: number): void {
    const n = this.perBucket.get(bucket) ?? 0;
    if (n >= this.maxOpen) {
      let soonest = Infinity;
      for (const e of this.open.values()) if (e.bucket === bucket) soonest = Math.min(soonest, e.expiresAt);
      throw new RetryLaterError(Math.max(1, soonest - now), `${this.maxOpen} ticket sessions already open for this key and day; retry later`);
    }
    this.perBucket.set(bucket, n + 1);
  }

  private release(bucket: string): void {
    const n = (this.perBucket.get(bucket) ?? 1) - 1;
    if (n <= 0) this.perBucket.delete(bucket);
    else this.perBucket.set(bucket, n);
  }

  private drop(id: string, entry: OpenEntry): void {
    this.open.delete(id);
    this.release(entry.bucket);
    if (!entry.state.consumed) entry.state.take();
  }

  private newSessionId(): string {
    for (let attempt = 0; attempt < 8; attempt++) {
      const bytes = this.rand(16);
      if (!(bytes instanceof Uint8Array) || bytes.length !== 16) throw new InputError('rand', 'must return the requested number of bytes');
      const id = bytesToHex(bytes);
      if (!this.open.has(id) && !this.completed.has(id)) return id;
    }
    throw new Error('random source keeps repeating session ids; refusing to continue');
  }
}
