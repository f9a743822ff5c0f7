/**
 * The exchange ledger's tables, applied as one of the relay store's numbered migrations
 * (src/relay/store/migrations.ts). Times are unix seconds; spend ids are the 32-byte ids of the
 * tickets module; partners are named by their Ed25519 exchange public key (hex).
 */
export const EXCHANGE_SCHEMA_SQL = `
  -- This relay's own spends, in order. Partners pull it; seq is their resumable cursor.
  CREATE TABLE exchange_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    spend_id BLOB NOT NULL UNIQUE,
    issuer TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    spent_at INTEGER NOT NULL
  );
  CREATE INDEX exchange_log_expiry ON exchange_log (expires_at);
  -- One row per partner relay.
  --   pull_cursor: the last seq of their log applied here; in_seq / out_seq: request sequence numbers
  --   (replay protection); served: their tickets served here; requested_seq: the last seq of our log
  --   covered by a payment request; paid: tickets covered by payments received; conflicts: their
  --   tickets found spent both here and there.
  CREATE TABLE exchange_partners (
    partner TEXT PRIMARY KEY,
    pull_cursor INTEGER NOT NULL DEFAULT 0,
    in_seq INTEGER NOT NULL DEFAULT 0,
    out_seq INTEGER NOT NULL DEFAULT 0,
    served INTEGER NOT NULL DEFAULT 0,
    requested INTEGER NOT NULL DEFAULT 0,
    requested_seq INTEGER NOT NULL DEFAULT 0,
    paid INTEGER NOT NULL DEFAULT 0,
    conflicts INTEGER NOT NULL DEFAULT 0,
    last_sync INTEGER
  );
  -- Spends learned from a partner's log.
  CREATE TABLE exchange_remote (
    partner TEXT NOT NULL,
    seq INTEGER NOT NULL,
    spend_id BLOB NOT NULL,
    issuer TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    spent_at INTEGER NOT NULL,
    PRIMARY KEY (partner, spend_id)
  );
  CREATE INDEX exchange_remote_expiry ON exchange_remote (expires_at);
  -- A ticket spent here and at a partner (found at sync).
  CREATE TABLE exchange_conflicts (
    spend_id BLOB PRIMARY KEY,
    partner TEXT NOT NULL,
    issuer TEXT NOT NULL,
    local_spent_at INTEGER NOT NULL,
    remote_spent_at INTEGER NOT NULL,
    detected_at INTEGER NOT NULL
  );
  -- PAYMENT_REQUESTs: direction 'out' = we ask the partner to pay, 'in' = the partner asks us.
  --   delivered: the other side acknowledged it; paid_*: the settlement.
  CREATE TABLE exchange_payments (
    partner TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('out', 'in')),
    id INTEGER NOT NULL,
    issuer TEXT NOT NULL,
    tickets INTEGER NOT NULL,
    first_seq INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    delivered INTEGER NOT NULL DEFAULT 0,
    paid_reference TEXT,
    paid_at INTEGER,
    paid_delivered INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (partner, direction, id)
  );
`;
