import { randomBytes } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import {
  addDays,
  decodeChallenge,
  encodeScalar,
  startOfDay,
  ticketExpiresAt,
  utcDay,
  RetryLaterError,
  SessionError,
  SignerSessions,
  SigningKey,
  DAY_MS,
  type Day,
  type StoredSession,
} from '../core/tickets/index.js';
import { ErrorCode, RpcError } from '../core/protocol/errors.js';
import type { CommitResult, SessionMode, SessionOpenResult, SessionStatusResult, SignResult } from '../core/protocol/workpass.js';
import { base64urlToBytes, bytesToBase64url } from '../core/util/bytes.js';
import { InputError } from '../core/util/errors.js';
import { isAlgorithmName, type AlgorithmName } from '../core/pow/registry.js';
import { ticketPrice, type RelayConfig } from './config.js';
import { fromNano, toNano, type Store } from './store/store.js';
/** A ticket public key as the descriptor publishes it. */
export interface TicketKeyInfo {
  readonly keyId: string;
  readonly publicKey: string;
  /** First and last day this key signs (lastDay may lie in the future for the current key). */
  readonly firstDay: Day;
  readonly lastDay: Day;
  /** When the last ticket it may sign stops being spendable (ms). */
  readonly expiresAt: number;
}

export type RandomBytes = (n: number) => Uint8Array;

/**
 * Ticket issuance (Protocol 1, steps 6-8, with Protocol B.1 for the signature): sessions and their
 * credit, ticket keys with rotation, and the two signing rounds.
 *
 * The signing rounds run through the tickets module's SignerSessions (the ROS defence of DESIGN.md:
 * at most maxOpenSigning open sessions per (key, day), one challenge each, a short TTL). Each open
 * session is also written to the store, so a restart re-imports it; ticket.sign deducts the credit,
 * answers the challenge and stores the response (wiping u, s, d) in ONE transaction, and a repeated
 * (sid, e) is answered from the store.
 *
 * Each session has one algorithm, that of the listener it was opened on, and pays that algorithm's
 * ticket price (config prices, else price): credit is never converted between algorithms, and a
 * session is authorized only on listeners of its own algorithm (sessionAlgo).
 */
export class Issuer {
  private readonly keyCache = new Map<string, SigningKey>();
  private readonly sessions: SignerSessions;

  constructor(
    private readonly store: Store,
    private readonly config: RelayConfig,
    private readonly clock: () => number,
    private readonly rand: RandomBytes = (n) => new Uint8Array(randomBytes(n)),
  ) {
    this.sessions = new SignerSessions({
      keys: { current: () => this.currentKey(this.clock()).key },
      clock,
      rand,
      maxOpen: config.maxOpenSigning,
      ttlMs: config.signingSeconds * 1000,
      // Completed responses are replayed from the store, which outlives the process.
      completedTtlMs: 0,
    });
    this.restoreOpenSessions();
  }

  /** Re-imports the open signing sessions a previous process left in the store. */
  private restoreOpenSessions(): void {
    const now = this.clock();
    for (const row of this.store.openSignings(now)) {
      try {
        this.sessions.import(JSON.parse(Buffer.from(row.secret).toString('utf8')) as StoredSession);
      } catch {
        this.store.dropSigning(row.sid);
      }
    }
  }

  /** How long our tickets stay spendable after their day (ticketHours): the one value the gateway, its spent set and the dashboard use. */
  get graceMs(): number {
    return this.config.ticketHours * 3_600_000;
  }

  /** The key that signs at `now`, creating (rotating to) a new one when the last one's days are over. */
  currentKey(now: number): { keyId: string; key: SigningKey } {
    const today = utcDay(now);
    const rows = this.store.keys('ticket');
    const live = rows.filter((r) => r.createdAt <= now && r.issueUntil > now);
    const row = live[live.length - 1];
    if (row !== undefined) return { keyId: row.keyId, key: this.signingKey(row.keyId, row.secret) };
    const key = SigningKey.generate(this.rand);
    const keyId = key.publicKey.keyIdHex();
    const lastDay = addDays(today, this.config.keyDays - 1);
    this.store.insertKey({
      keyId,
      kind: 'ticket',
      secret: key.toBytes(),
      public: key.publicKey.bytes,
      createdAt: startOfDay(today),
      issueUntil: startOfDay(lastDay) + DAY_MS,
      expiresAt: ticketExpiresAt(lastDay, this.graceMs),
    });
    this.keyCache.set(keyId, key);
    return { keyId, key };
  }

  /** Current and old ticket public keys whose tickets may still be spent. */
  ticketKeys(now: number): TicketKeyInfo[] {
    this.currentKey(now);
    return this.store
      .keys('ticket')
      .filter((r) => r.expiresAt > now)
      .map((r) => ({
        keyId: r.keyId,
        publicKey: bytesToBase64url(r.public),
        firstDay: utcDay(r.createdAt),
        lastDay: utcDay(r.issueUntil - 1),
        expiresAt: r.expiresAt,
      }));
  }

  private signingKey(keyId: string, secret: Uint8Array): SigningKey {
    let key = this.keyCache.get(keyId);
    if (key === undefined) {
      key = SigningKey.fromBytes(secret);
      this.keyCache.set(keyId, key);
    }
    return key;
  }

  /** A new ticket or donation session; `algo` is the algorithm of the listener it was opened on. */
  open(mode: SessionMode, now: number, algo: AlgorithmName = this.config.algo): SessionOpenResult {
    if (!isAlgorithmName(algo)) throw new InputError('algo', `unknown algorithm ${JSON.stringify(algo)}`);
    const token = bytesToBase64url(this.rand(16));
    this.store.createSession(token, mode, now, algo);
    const { keyId } = this.currentKey(now);
    return { token, price: ticketPrice(this.config, algo), algo, keyId, day: utcDay(now) };
  }

  /**
   * The algorithm session `sessionId` mines: the one it was opened for. A session from before
   * sessions had an algorithm (no record) is the WebSocket listener's (config.algo).
   */
  sessionAlgo(sessionId: number): AlgorithmName {
    return this.store.sessionAlgo(sessionId) ?? this.config.algo;
  }

  /** The session's ticket price in nano-difficulty units (the store's credit unit). */
  private priceNano(sessionId: number): bigint {
    return toNano(ticketPrice(this.config, this.sessionAlgo(sessionId)));
  }

  private session(token: string) {
    const row = this.store.sessionByToken(token);
    if (row === undefined) throw new RpcError(ErrorCode.unauthorized, 'unknown session token');
    return row;
  }

  status(token: string): SessionStatusResult {
    const row = this.session(token);
    return { credit: fromNano(row.credit), price: ticketPrice(this.config, this.sessionAlgo(row.id)), issued: row.issued, mode: row.mode };
  }

  /** ticket.commit: signer step 1 (a = g^u, b = g^s z^d with z = F(today)). */
  commit(token: string, now: number): CommitResult {
    const row = this.session(token);
    if (row.mode !== 'tickets') throw new RpcError(ErrorCode.insufficientCredit, 'insufficient credit: a donation session earns no tickets');
    const open = this.store.openSigningForSession(row.id, now);
    if (row.credit < this.priceNano(row.id) * BigInt(open + 1)) throw new RpcError(ErrorCode.insufficientCredit);
    let opened;
    try {
      opened = this.sessions.commit();
    } catch (err) {
      if (err instanceof RetryLaterError) throw new RpcError(ErrorCode.tooManySigning, `retry later: too many open signing sessions (retry in ${Math.ceil(err.retryAfterMs / 1000)} s)`);
      throw err;
    }
    const stored = this.sessions.export(opened.sessionId);
    try {
      // The (key, day) bound again, in the store: it also counts sessions another process holds
      // on this data directory (e.g. a restart overlapping the old process). Same transaction as
      // the insert, so two processes cannot both take the last slot.
      this.store.db
        .transaction(() => {
          if ((this.openForKeyDay().get(opened.keyId, opened.day, now)?.n ?? 0) >= this.config.maxOpenSigning) {
            throw new RpcError(ErrorCode.tooManySigning, 'retry later: too many open signing sessions');
          }
          this.store.insertSigning({
            sid: opened.sessionId,
            sessionId: row.id,
            keyId: opened.keyId,
            day: opened.day,
            secret: new Uint8Array(Buffer.from(JSON.stringify(stored), 'utf8')),
            now,
            expiresAt: opened.expiresAt,
          });
        })
        .immediate();
    } catch (err) {
      // Never sent, never stored: erase (u, s, d) and give the slot back.
      this.sessions.cancel(opened.sessionId);
      throw err;
    }
    return {
      sid: opened.sessionId,
      keyId: opened.keyId,
      day: opened.day,
      a: bytesToBase64url(opened.commitment.a.toBytes()),
      b: bytesToBase64url(opened.commitment.b.toBytes()),
    };
  }

  private openForKeyDayStmt: Statement<[string, string, number], { n: number }> | undefined;

  private openForKeyDay(): Statement<[string, string, number], { n: number }> {
    this.openForKeyDayStmt ??= this.store.db.prepare<[string, string, number], { n: number }>(
      "SELECT COUNT(*) AS n FROM signing WHERE state = 'open' AND key_id = ? AND day = ? AND expires_at > ?",
    );
    return this.openForKeyDayStmt;
  }

  /**
   * Runs `f` (one transaction) with synchronous = FULL. The store runs WAL with synchronous =
   * NORMAL, where a commit may roll back after an OS crash or power loss; if the commit that marks a
   * session answered rolled back after its response had left, the re-imported session would answer
   * a second challenge, and two answers from one (u, s, d) give the signing key. So the response
   * leaves only after its commit is on disk.
   */
  private durably<T>(f: () => T): T {
    const db = this.store.db;
    const prev = db.pragma('synchronous', { simple: true }) as number;
    if (prev >= 2) return f();
    db.pragma('synchronous = FULL');
    try {
      return f();
    } finally {
      db.pragma(`synchronous = ${prev}`);
    }
  }

  /** ticket.sign: signer step 3 (c = e - d, r = u - cx), credit deducted in the same transaction. */
  sign(token: string, sid: string, eText: string, now: number): SignResult {
    const challenge = decodeChallenge(base64urlToBytes('params[2]', eText));
    const row = this.session(token);
    const price = this.priceNano(row.id);
    let done;
    try {
      done = this.durably(() =>
        this.store.completeSigning(sid, row.id, eText, price, now, () => {
          const r = this.sessions.respond(sid, challenge);
          const out: SignResult = { r: enc(r.r), c: enc(r.c), s: enc(r.s), d: enc(r.d) };
          return JSON.stringify(out);
        }),
      );
    } catch (err) {
      if (err instanceof SessionError) {
        if (err.code === 'expired') throw new RpcError(ErrorCode.sessionExpired);
        if (err.code === 'already-answered') throw new RpcError(ErrorCode.challengeAnswered);
        throw new RpcError(ErrorCode.unknownSigningSession);
      }
      throw err;
    }
    if (!done.ok) {
      switch (done.reason) {
        case 'unknown':
          throw new RpcError(ErrorCode.unknownSigningSession);
        case 'expired':
          throw new RpcError(ErrorCode.sessionExpired);
        case 'other-e':
          throw new RpcError(ErrorCode.challengeAnswered);
        case 'insufficient-credit':
          throw new RpcError(ErrorCode.insufficientCredit);
      }
    }
    return JSON.parse(done.response) as SignResult;
  }
}

function enc(n: bigint): string {
  return bytesToBase64url(encodeScalar(n));
}

