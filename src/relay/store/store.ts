import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EarningsCounters } from './earnings.js';
import { migrate } from './migrations.js';
import { isAlgorithmName, type AlgorithmName } from '../../core/pow/registry.js';
import { InputError } from '../../core/util/errors.js';

/**
 * The relay's SQLite store (better-sqlite3, WAL). Every method that changes money-like state
 * (credit, issued tickets, spends) is one transaction, and the caller acknowledges on the wire only
 * after it returns: a SIGKILL can lose an unacknowledged share, never an acknowledged one.
 *
 * Credit and work are integers in nano-difficulty (1e-9 of share difficulty 1), read as BigInt.
 */
export type SessionMode = 'tickets' | 'donation';

export interface SessionRow {
  readonly id: number;
  readonly mode: SessionMode;
  readonly credit: bigint;
  readonly work: bigint;
  readonly shares: number;
  readonly issued: number;
}

export interface KeyRow {
  readonly keyId: string;
  readonly kind: 'ticket' | 'descriptor';
  readonly secret: Uint8Array;
  readonly public: Uint8Array;
  readonly createdAt: number;
  readonly issueUntil: number;
  readonly expiresAt: number;
}

export interface SigningRow {
  readonly sid: string;
  readonly sessionId: number;
  readonly keyId: string;
  readonly day: string;
  readonly state: 'open' | 'signed';
  readonly secret: Uint8Array;
  readonly e: string | null;
  readonly response: string | null;
  readonly expiresAt: number;
}

export type CompleteSigning =
  | { readonly ok: true; readonly response: string; readonly replay: boolean }
  | { readonly ok: false; readonly reason: 'unknown' | 'expired' | 'other-e' | 'insufficient-credit' };

export const NANO = 1_000_000_000n;

/** Difficulty (a double) -> nano-difficulty, rounded to nearest. */
export function toNano(difficulty: number): bigint {
  return BigInt(Math.round(difficulty * 1e9));
}
export function fromNano(nano: bigint): number {
  return Number(nano) / 1e9;
}

export function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export class Store {
  readonly db: Database.Database;
  readonly schemaVersion: number;
  /** The dashboard's earnings counters (src/relay/store/earnings.ts). */
  readonly earnings: EarningsCounters;
  private readonly st;

  readonly path: string;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.path = join(dataDir, 'relay.sqlite');
    this.db = new Database(this.path);
    this.db.pragma('journal_mode = WAL');
    // WAL + NORMAL: a committed transaction survives a process crash (SIGKILL); only an OS crash
    // or power loss can roll back the last few commits.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    try {
      this.schemaVersion = migrate(this.db);
    } catch (err) {
      // A store this code cannot use (newer schema, failed migration) is left as it was, and closed.
      this.db.close();
      throw err;
    }
    this.earnings = new EarningsCounters(this.db);
    const db = this.db;
    this.st = {
      insertSession: db.prepare('INSERT INTO sessions (token_hash, mode, created_at, last_seen, algo) VALUES (?, ?, ?, ?, ?)'),
      sessionAlgo: db.prepare('SELECT algo FROM sessions WHERE id = ?'),
      sessionByToken: db.prepare('SELECT id, mode, credit, work, shares, issued FROM sessions WHERE token_hash = ?').safeIntegers(true),
      sessionById: db.prepare('SELECT id, mode, credit, work, shares, issued FROM sessions WHERE id = ?').safeIntegers(true),
      creditTickets: db.prepare('UPDATE sessions SET credit = credit + ?, work = work + ?, shares = shares + 1, last_seen = ? WHERE id = ?'),
      creditDonation: db.prepare('UPDATE sessions SET work = work + ?, shares = shares + 1, last_seen = ? WHERE id = ?'),
      countOpenForSession: db.prepare("SELECT COUNT(*) AS n FROM signing WHERE state = 'open' AND session_id = ? AND expires_at > ?"),
      insertSigning: db.prepare("INSERT INTO signing (sid, session_id, key_id, day, state, secret, created_at, expires_at) VALUES (?, ?, ?, ?, 'open', ?, ?, ?)"),
      signingBySid: db.prepare('SELECT sid, session_id AS sessionId, key_id AS keyId, day, state, secret, e, response, expires_at AS expiresAt FROM signing WHERE sid = ?'),
      openSignings: db.prepare("SELECT sid, session_id AS sessionId, key_id AS keyId, day, state, secret, e, response, expires_at AS expiresAt FROM signing WHERE state = 'open' AND expires_at > ?"),
      dropSigning: db.prepare("DELETE FROM signing WHERE sid = ? AND state = 'open'"),
      debit: db.prepare('UPDATE sessions SET credit = credit - ?, issued = issued + 1 WHERE id = ? AND credit >= ?'),
      markSigned: db.prepare("UPDATE signing SET state = 'signed', e = ?, response = ?, secret = X'' WHERE sid = ? AND state = 'open'"),
      bumpIssued: db.prepare('INSERT INTO issued (day, key_id, count) VALUES (?, ?, 1) ON CONFLICT (day, key_id) DO UPDATE SET count = count + 1'),
      spend: db.prepare('INSERT OR IGNORE INTO spent (spend_id, expires_at) VALUES (?, ?)'),
      pruneSpent: db.prepare('DELETE FROM spent WHERE expires_at <= ?'),
      pruneSigningOpen: db.prepare("DELETE FROM signing WHERE state = 'open' AND expires_at <= ?"),
      pruneSigningDone: db.prepare("DELETE FROM signing WHERE state = 'signed' AND expires_at <= ?"),
      keysByKind: db.prepare('SELECT key_id AS keyId, kind, secret, public, created_at AS createdAt, issue_until AS issueUntil, expires_at AS expiresAt FROM keys WHERE kind = ? ORDER BY created_at'),
      insertKey: db.prepare('INSERT INTO keys (key_id, kind, secret, public, created_at, issue_until, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      deleteExpiredKeys: db.prepare("DELETE FROM keys WHERE kind = 'ticket' AND expires_at <= ? AND key_id NOT IN (SELECT key_id FROM signing)"),
      metaGet: db.prepare('SELECT value FROM meta WHERE name = ?'),
      metaSet: db.prepare('INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value'),
      totals: db.prepare("SELECT COUNT(*) AS sessions, COALESCE(SUM(shares), 0) AS shares, COALESCE(SUM(issued), 0) AS issued FROM sessions"),
      spentCount: db.prepare('SELECT COUNT(*) AS n FROM spent'),
    };
  }

  /** A new session mining `algo` (the listener's algorithm); returns its id. */
  createSession(token: string, mode: SessionMode, now: number, algo: AlgorithmName): number {
    if (!isAlgorithmName(algo)) throw new InputError('algo', `unknown algorithm ${JSON.stringify(algo)}`);
    return Number(this.st.insertSession.run(tokenHash(token), mode, now, now, algo).lastInsertRowid);
  }

  /** The algorithm session `id` was opened for; null for a session from before sessions had one. */
  sessionAlgo(id: number): AlgorithmName | null {
    const row = this.st.sessionAlgo.get(id) as { algo: string | null } | undefined;
    return row !== undefined && isAlgorithmName(row.algo) ? row.algo : null;
  }

  sessionByToken(token: string): SessionRow | undefined {
    return rowToSession(this.st.sessionByToken.get(tokenHash(token)));
  }

  sessionById(id: number): SessionRow | undefined {
    return rowToSession(this.st.sessionById.get(id));
  }

  /** Credits one accepted share of assigned difficulty `nano` (donation sessions count work only). */
  creditShare(sessionId: number, mode: SessionMode, nano: bigint, now: number): void {
    if (mode === 'tickets') this.st.creditTickets.run(nano, nano, now, sessionId);
    else this.st.creditDonation.run(nano, now, sessionId);
  }

  openSigningForSession(sessionId: number, now: number): number {
    return (this.st.countOpenForSession.get(sessionId, now) as { n: number }).n;
  }

  insertSigning(row: { sid: string; sessionId: number; keyId: string; day: string; secret: Uint8Array; now: number; expiresAt: number }): void {
    this.st.insertSigning.run(row.sid, row.sessionId, row.keyId, row.day, row.secret, row.now, row.expiresAt);
  }

  /** Open, unexpired signing sessions (for re-import after a restart). */
  openSignings(now: number): SigningRow[] {
    return (this.st.openSignings.all(now) as Array<Omit<SigningRow, 'secret'> & { secret: Buffer }>).map((r) => ({ ...r, secret: new Uint8Array(r.secret) }));
  }

  dropSigning(sid: string): void {
    this.st.dropSigning.run(sid);
  }

  signing(sid: string): SigningRow | undefined {
    const r = this.st.signingBySid.get(sid) as (Omit<SigningRow, 'secret'> & { secret: Buffer }) | undefined;
    return r === undefined ? undefined : { ...r, secret: new Uint8Array(r.secret) };
  }

  /**
   * Answers a signing session in ONE transaction: the credit is deducted, the issued counters bumped
   * and the response stored (the secret nonces wiped). A repeated (sid, e) returns the stored response.
   * `respond` computes the response from the stored secret; it runs inside the transaction.
   */
  completeSigning(
    sid: string,
    sessionId: number,
    e: string,
    price: bigint,
    now: number,
    respond: (row: SigningRow) => string,
  ): CompleteSigning {
    return this.db.transaction((): CompleteSigning => {
      const row = this.signing(sid);
      if (row === undefined || row.sessionId !== sessionId) return { ok: false, reason: 'unknown' };
      if (row.state === 'signed') {
        return row.e === e ? { ok: true, response: row.response!, replay: true } : { ok: false, reason: 'other-e' };
      }
      if (row.expiresAt <= now) return { ok: false, reason: 'expired' };
      if (this.st.debit.run(price, sessionId, price).changes !== 1) return { ok: false, reason: 'insufficient-credit' };
      // A throw from respond rolls the debit back with the rest of the transaction.
      const response = respond(row);
      this.st.markSigned.run(e, response, sid);
      this.st.bumpIssued.run(row.day, row.keyId);
      return { ok: true, response, replay: false };
    }).immediate();
  }

  /** Records a spend; true the first time for this id, false ever after (until pruned past expiry). */
  spendOnce(spendId: Uint8Array, expiresAt: number): boolean {
    return this.st.spend.run(spendId, expiresAt).changes === 1;
  }

  /** Drops spent tickets and signing sessions past their expiry, and ticket keys nobody can use any more. */
  prune(now: number, signedRetentionMs: number): { spent: number; signing: number } {
    return this.db.transaction(() => {
      const spent = this.st.pruneSpent.run(now).changes;
      const signing = this.st.pruneSigningOpen.run(now).changes + this.st.pruneSigningDone.run(now - signedRetentionMs).changes;
      this.st.deleteExpiredKeys.run(now);
      return { spent, signing };
    })();
  }

  keys(kind: 'ticket' | 'descriptor'): KeyRow[] {
    return (this.st.keysByKind.all(kind) as Array<Omit<KeyRow, 'secret' | 'public'> & { secret: Buffer; public: Buffer }>).map((r) => ({
      ...r,
      secret: new Uint8Array(r.secret),
      public: new Uint8Array(r.public),
    }));
  }

  insertKey(k: KeyRow): void {
    this.st.insertKey.run(k.keyId, k.kind, k.secret, k.public, k.createdAt, k.issueUntil, k.expiresAt);
  }

  meta(name: string): string | undefined {
    return (this.st.metaGet.get(name) as { value: string } | undefined)?.value;
  }

  setMeta(name: string, value: string): void {
    this.st.metaSet.run(name, value);
  }

  totals(): { sessions: number; shares: number; issued: number; spent: number } {
    const t = this.st.totals.get() as { sessions: number; shares: number; issued: number };
    return { ...t, spent: (this.st.spentCount.get() as { n: number }).n };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function rowToSession(r: unknown): SessionRow | undefined {
  if (r === undefined) return undefined;
  const row = r as { id: bigint; mode: SessionMode; credit: bigint; work: bigint; shares: bigint; issued: bigint };
  return { id: Number(row.id), mode: row.mode, credit: row.credit, work: row.work, shares: Number(row.shares), issued: Number(row.issued) };
}
