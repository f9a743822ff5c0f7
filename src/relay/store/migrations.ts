import type Database from 'better-sqlite3';
import { InputError } from '../../core/util/errors.js';
import { EXCHANGE_SCHEMA_SQL } from '../exchange/schema.js';

/**
 * Explicit numbered migrations. Each runs once, in order, inside one transaction together with the
 * schema_version row that records it; a database newer than this code is refused.
 */
export const MIGRATIONS: ReadonlyArray<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
      -- A ticket or donation session. The bearer token itself is never stored: only SHA-256(token).
      -- credit and work are in nano-difficulty units (1e-9 of share difficulty 1), exact integers.
      CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        token_hash BLOB NOT NULL UNIQUE,
        mode TEXT NOT NULL CHECK (mode IN ('tickets', 'donation')),
        credit INTEGER NOT NULL DEFAULT 0 CHECK (credit >= 0),
        work INTEGER NOT NULL DEFAULT 0,
        shares INTEGER NOT NULL DEFAULT 0,
        issued INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        last_seen INTEGER NOT NULL
      );
      -- Key material: kind 'ticket' (Abe-Okamoto signer keys) or 'descriptor' (Ed25519).
      -- issue_until: the last time tickets are signed with it; expires_at: when its tickets stop being valid.
      CREATE TABLE keys (
        key_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('ticket', 'descriptor')),
        secret BLOB NOT NULL,
        public BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        issue_until INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      -- One signing session (a ticket.commit). state: 'open' until answered, then 'signed' with
      -- the challenge e and the response kept, so a repeated (sid, e) returns the same response.
      -- secret: the tickets module's StoredSession JSON (u, s, d) while open; emptied once signed.
      CREATE TABLE signing (
        sid TEXT PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        key_id TEXT NOT NULL REFERENCES keys(key_id),
        day TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('open', 'signed')),
        secret BLOB NOT NULL,
        e TEXT,
        response TEXT,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX signing_open ON signing (state, expires_at);
      CREATE INDEX signing_session ON signing (session_id, state);
      CREATE INDEX signing_expiry ON signing (expires_at);
      -- Tickets issued per day and key (for the descriptor's statistics and the metrics).
      CREATE TABLE issued (
        day TEXT NOT NULL,
        key_id TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (day, key_id)
      );
      -- Spent tickets: spend id -> when the ticket expires (after that it is refused anyway and pruned).
      CREATE TABLE spent (
        spend_id BLOB PRIMARY KEY,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX spent_expiry ON spent (expires_at);
      CREATE TABLE meta (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  // Protocol 2 (ticket exchange) ledger: src/relay/exchange/schema.ts.
  { version: 2, sql: EXCHANGE_SCHEMA_SQL },
  {
    version: 3,
    sql: `
      -- What the dashboard's earnings are computed from, per mined algorithm, since the row was made
      -- (the first start with this schema). Only ever raised; written in the transactions that count.
      --   accepted, work: shares accepted from miners and their assigned difficulty (with their credit)
      --   forwarded: shares sent upstream to the pool; upstream_accepted / upstream_rejected: its answers
      --   upstream_work: pool difficulty summed over the shares it accepted (pool mode earnings)
      --   blocks: blocks found (solo mode earnings)
      -- work and upstream_work are doubles: a pool's difficulty in nano units would overflow 64 bits.
      CREATE TABLE earnings (
        algo TEXT PRIMARY KEY,
        accepted INTEGER NOT NULL DEFAULT 0 CHECK (accepted >= 0),
        work REAL NOT NULL DEFAULT 0 CHECK (work >= 0),
        forwarded INTEGER NOT NULL DEFAULT 0 CHECK (forwarded >= 0),
        upstream_accepted INTEGER NOT NULL DEFAULT 0 CHECK (upstream_accepted >= 0),
        upstream_rejected INTEGER NOT NULL DEFAULT 0 CHECK (upstream_rejected >= 0),
        upstream_work REAL NOT NULL DEFAULT 0 CHECK (upstream_work >= 0),
        blocks INTEGER NOT NULL DEFAULT 0 CHECK (blocks >= 0),
        since INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      -- The dashboard's coarse history (src/relay/dashboard/history.ts): one point a minute, the
      -- newest kept. t: when the point was taken (ms); ms: the span it covers; point: its JSON.
      CREATE TABLE dashboard_history (
        t INTEGER PRIMARY KEY,
        ms INTEGER NOT NULL CHECK (ms > 0),
        point TEXT NOT NULL
      );
    `,
  },
  {
    version: 4,
    sql: `
      -- The algorithm a session mines: the one of the listener it was opened on (its ticket price
      -- and the listeners that accept its token follow from it). NULL for a session from before
      -- sessions had one; it counts as the WebSocket listener's (config.algo). Rows an interim build
      -- kept in meta as 'session.algo.<id>' move here.
      ALTER TABLE sessions ADD COLUMN algo TEXT CHECK (algo IS NULL OR algo IN ('sha256d', 'scrypt', 'x11'));
      UPDATE sessions SET algo = (
        SELECT value FROM meta WHERE name = 'session.algo.' || sessions.id AND value IN ('sha256d', 'scrypt', 'x11')
      );
      DELETE FROM meta WHERE name LIKE 'session.algo.%';
    `,
  },
];

/**
 * The store was written by a newer workpass: opening it could corrupt what that version wrote. An
 * InputError on the data directory, so `workpass relay` prints it and exits 2; the file is untouched.
 */
export class SchemaVersionError extends InputError {
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super('data-dir', `database schema version ${found} is newer than this relay (${known}): run the newer workpass, or use another --data-dir`);
  }
}

/**
 * Brings the database to the newest version in `migrations` (tests pass a prefix of MIGRATIONS to
 * build a store as an older release left it) and returns that version.
 */
export function migrate(db: Database.Database, migrations: ReadonlyArray<{ version: number; sql: string }> = MIGRATIONS): number {
  if (migrations.length === 0) throw new RangeError('migrations: expected at least one');
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null };
  const current = row.v ?? 0;
  const latest = migrations[migrations.length - 1]!.version;
  if (current > latest) throw new SchemaVersionError(current, latest);
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)').run(m.version, Date.now());
    })();
  }
  return latest;
}
