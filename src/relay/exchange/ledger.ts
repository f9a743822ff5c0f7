import type Database from 'better-sqlite3';
import { bytesToHex, hexToBytes } from '../../core/util/bytes.js';
import { InputError } from '../../core/util/errors.js';
import type { PartnerConfig } from './config.js';
import type { ExchangeRequest, SpentRecord } from './messages.js';

/**
 * The Protocol 2 ledger: this relay's spend log (what partners pull), what it learned from theirs,
 * double spends found at sync, served/paid counts per partner and the payment requests both ways.
 * Every method is one SQLite transaction together with the relay's spent-set insert, so a spend is
 * in the spent set and in the log, or in neither.
 */

/** The relay's atomic spent set (the relay store's spendOnce; expiry in unix seconds). */
export interface SpentStore {
  spendOnce(spendId: Uint8Array, expiresAtSeconds: number): boolean;
}

export type LocalSpend = 'spent' | 'already_spent' | 'issuer_untrusted';

/**
 * What the ledger needs to know of the ticket keys this relay's gateway takes (GatewayKeys).
 * `retainUntil`: unix seconds until which the spend of a ticket of `issuer` spent (or reported
 * spent) by `now` must stay in the spent set, i.e. the latest moment such a ticket could still
 * verify here; undefined when this relay takes no tickets of `issuer`.
 */
export interface IssuerPolicy {
  isOwn(issuer: string): boolean;
  retainUntil(issuer: string, now: number): number | undefined;
}

export interface Trust {
  readonly served: number;
  readonly conflicts: number;
  readonly paid: number;
  /** served + conflicts - paid: what the partner owes in tickets. */
  readonly unpaid: number;
  readonly trustLimit: number;
  /** Whether the partner's tickets are still taken here (unpaid < trustLimit). */
  readonly accepting: boolean;
}

export interface PaymentRow {
  readonly partner: string;
  readonly direction: 'out' | 'in';
  readonly id: number;
  readonly issuer: string;
  readonly tickets: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly delivered: boolean;
  /** 'in' only: how many of the claimed tickets our synced copy of their log shows (now). */
  readonly matched: number | null;
  readonly paidReference: string | null;
  readonly paidDelivered: boolean;
}

interface PartnerRow {
  partner: string;
  pull_cursor: number;
  served: number;
  requested: number;
  requested_seq: number;
  paid: number;
  conflicts: number;
}

export class Ledger {
  readonly #db: Database.Database;
  readonly #spent: SpentStore;
  readonly #partners: ReadonlyMap<string, PartnerConfig>;
  /** issuer key id -> partner public key, for the partners' pinned ticket keys. */
  readonly #issuerPartner = new Map<string, string>();
  readonly #ownIssuer: (issuer: string) => boolean;
  readonly #retainUntil: ((issuer: string, now: number) => number | undefined) | undefined;
  readonly #st;

  /**
   * `issuers`: the gateway's IssuerPolicy; a bare "is this our key" predicate instead (tests) keeps
   * remote spends until the expiry the partner reported.
   */
  constructor(db: Database.Database, spent: SpentStore, partners: readonly PartnerConfig[], issuers: IssuerPolicy | ((issuer: string) => boolean)) {
    this.#db = db;
    this.#spent = spent;
    this.#partners = new Map(partners.map((p) => [p.publicKey, p]));
    if (typeof issuers === 'function') {
      this.#ownIssuer = issuers;
      this.#retainUntil = undefined;
    } else {
      this.#ownIssuer = (issuer) => issuers.isOwn(issuer);
      this.#retainUntil = (issuer, now) => issuers.retainUntil(issuer, now);
    }
    for (const p of partners) for (const k of p.ticketKeys) this.#issuerPartner.set(k.keyId, p.publicKey);
    const insertPartner = db.prepare('INSERT OR IGNORE INTO exchange_partners (partner) VALUES (?)');
    for (const p of partners) insertPartner.run(p.publicKey);
    this.#st = {
      partner: db.prepare('SELECT partner, pull_cursor, served, requested, requested_seq, paid, conflicts FROM exchange_partners WHERE partner = ?'),
      insertLog: db.prepare('INSERT INTO exchange_log (spend_id, issuer, expires_at, spent_at) VALUES (?, ?, ?, ?)'),
      logBySpend: db.prepare('SELECT seq, spent_at FROM exchange_log WHERE spend_id = ?'),
      logAfter: db.prepare('SELECT seq, spend_id, issuer, expires_at, spent_at FROM exchange_log WHERE seq > ? ORDER BY seq LIMIT ?'),
      served: db.prepare('UPDATE exchange_partners SET served = served + 1 WHERE partner = ?'),
      requested: db.prepare('UPDATE exchange_partners SET requested = requested + ?, requested_seq = ? WHERE partner = ?'),
      nextPaymentId: db.prepare("SELECT COALESCE(MAX(id), 0) + 1 AS id FROM exchange_payments WHERE partner = ? AND direction = 'out'"),
      firstUnrequested: db.prepare('SELECT MIN(seq) AS seq FROM exchange_log WHERE seq > ? AND issuer IN (SELECT value FROM json_each(?))'),
      insertPayment: db.prepare('INSERT OR IGNORE INTO exchange_payments (partner, direction, id, issuer, tickets, first_seq, last_seq, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      insertRemote: db.prepare('INSERT OR IGNORE INTO exchange_remote (partner, seq, spend_id, issuer, expires_at, spent_at) VALUES (?, ?, ?, ?, ?, ?)'),
      insertConflict: db.prepare('INSERT OR IGNORE INTO exchange_conflicts (spend_id, partner, issuer, local_spent_at, remote_spent_at, detected_at) VALUES (?, ?, ?, ?, ?, ?)'),
      chargeConflict: db.prepare('UPDATE exchange_partners SET conflicts = conflicts + 1 WHERE partner = ?'),
      cursor: db.prepare('UPDATE exchange_partners SET pull_cursor = MAX(pull_cursor, ?), last_sync = ? WHERE partner = ?'),
      inSeq: db.prepare('UPDATE exchange_partners SET in_seq = ? WHERE partner = ? AND in_seq < ?'),
      outSeq: db.prepare('UPDATE exchange_partners SET out_seq = MAX(out_seq + 1, ?) WHERE partner = ? RETURNING out_seq'),
      payments: db.prepare('SELECT partner, direction, id, issuer, tickets, first_seq AS firstSeq, last_seq AS lastSeq, delivered, paid_reference AS paidReference, paid_delivered AS paidDelivered FROM exchange_payments WHERE partner = ? ORDER BY direction, id'),
      payment: db.prepare('SELECT tickets, paid_reference AS paidReference FROM exchange_payments WHERE partner = ? AND direction = ? AND id = ?'),
      delivered: db.prepare('UPDATE exchange_payments SET delivered = 1 WHERE partner = ? AND direction = ? AND id = ?'),
      settle: db.prepare("UPDATE exchange_payments SET paid_reference = ?, paid_at = ? WHERE partner = ? AND direction = ? AND id = ? AND paid_reference IS NULL"),
      paidDelivered: db.prepare("UPDATE exchange_payments SET paid_delivered = 1 WHERE partner = ? AND direction = 'in' AND id = ?"),
      paid: db.prepare('UPDATE exchange_partners SET paid = paid + ? WHERE partner = ?'),
      matched: db.prepare('SELECT COUNT(*) AS n FROM exchange_remote WHERE partner = ? AND seq BETWEEN ? AND ? AND issuer = ?'),
      conflictCount: db.prepare('SELECT COUNT(*) AS n FROM exchange_conflicts WHERE partner = ?'),
      prune: [
        db.prepare('DELETE FROM exchange_log WHERE expires_at <= ?'),
        db.prepare('DELETE FROM exchange_remote WHERE expires_at <= ?'),
      ],
    };
  }

  partner(publicKey: string): PartnerConfig | undefined {
    return this.#partners.get(publicKey);
  }

  get partners(): readonly PartnerConfig[] {
    return [...this.#partners.values()];
  }

  /** The partner whose pinned ticket key `issuer` is, if any. */
  partnerOfIssuer(issuer: string): PartnerConfig | undefined {
    const pk = this.#issuerPartner.get(issuer);
    return pk === undefined ? undefined : this.#partners.get(pk);
  }

  #row(partner: string): PartnerRow {
    const row = this.#st.partner.get(partner) as PartnerRow | undefined;
    if (row === undefined) throw new InputError('partner', 'not a configured partner');
    return row;
  }

  trust(partner: string): Trust {
    const cfg = this.#partners.get(partner);
    if (cfg === undefined) throw new InputError('partner', 'not a configured partner');
    const r = this.#row(partner);
    const unpaid = r.served + r.conflicts - r.paid;
    return { served: r.served, conflicts: r.conflicts, paid: r.paid, unpaid, trustLimit: cfg.trustLimit, accepting: unpaid < cfg.trustLimit };
  }

  /**
   * Protocol 2 steps 2-3 at the relay that serves the ticket, after the signature was verified:
   * refuse a partner's ticket once the partner's unpaid count reached its trust limit, else record
   * the spend (spent set + log) and, every `paymentEvery` served tickets, queue a PAYMENT_REQUEST.
   * The log carries the ticket's `expiresAt`; the spent set keeps it at least that long, and for a
   * partner's ticket as long as the policy says (the partner's grace may be raised later).
   */
  spendLocal(spendId: Uint8Array, issuer: string, expiresAt: number, now: number): LocalSpend {
    if (spendId.length !== 32) throw new InputError('spendId', 'expected 32 bytes');
    return this.#db.transaction((): LocalSpend => {
      const partner = this.partnerOfIssuer(issuer);
      if (partner !== undefined && !this.trust(partner.publicKey).accepting) return 'issuer_untrusted';
      const keep = partner === undefined ? expiresAt : Math.max(expiresAt, this.#retainUntil?.(issuer, now) ?? expiresAt);
      if (!this.#spent.spendOnce(spendId, keep)) return 'already_spent';
      const seq = Number(this.#st.insertLog.run(spendId, issuer, expiresAt, now).lastInsertRowid);
      if (partner !== undefined) {
        this.#st.served.run(partner.publicKey);
        this.#queuePaymentRequest(partner, seq, now);
      }
      return 'spent';
    }).immediate();
  }

  #queuePaymentRequest(partner: PartnerConfig, seq: number, now: number): void {
    const r = this.#row(partner.publicKey);
    const due = r.served - r.requested;
    if (due < partner.paymentEvery) return;
    const keys = JSON.stringify(partner.ticketKeys.map((k) => k.keyId));
    const first = (this.#st.firstUnrequested.get(r.requested_seq, keys) as { seq: number | null }).seq ?? seq;
    const id = (this.#st.nextPaymentId.get(partner.publicKey) as { id: number }).id;
    this.#st.insertPayment.run(partner.publicKey, 'out', id, partner.ticketKeys[0]!.keyId, due, first, seq, now);
    this.#st.requested.run(due, seq, partner.publicKey);
  }

  /** Our log after `after`, for a partner's spent_query; `more` when the page was full. */
  recordsAfter(after: number, limit: number): { records: SpentRecord[]; more: boolean } {
    const rows = this.#st.logAfter.all(after, limit + 1) as Array<{ seq: number; spend_id: Buffer; issuer: string; expires_at: number; spent_at: number }>;
    const records = rows.slice(0, limit).map((r) => ({ seq: r.seq, spendId: bytesToHex(r.spend_id), issuer: r.issuer, expiresAt: r.expires_at, spentAt: r.spent_at }));
    return { records, more: rows.length > limit };
  }

  pullCursor(partner: string): number {
    return this.#row(partner).pull_cursor;
  }

  /**
   * Applies a page of a partner's log (idempotent): each spend of a ticket this relay would take
   * enters the spent set; one already spent here by us is a double spend: recorded, and if the
   * ticket is that partner's own, charged against the partner's trust. Advances the cursor.
   * The spent set keeps such a spend as long as the ticket could verify here (the policy's
   * retainUntil), not until the expiry the partner reported: the partner may count a shorter grace
   * than ours, and a spend pruned before our expiry could be replayed here.
   * Returns how many records were new here and how many were conflicts found now.
   */
  applyRemote(partner: string, records: readonly SpentRecord[], now: number): { applied: number; conflicts: number } {
    this.#row(partner);
    return this.#db.transaction(() => {
      let applied = 0;
      let conflicts = 0;
      let last = 0;
      for (const r of records) {
        last = Math.max(last, r.seq);
        const keep = this.#retainUntil !== undefined ? this.#retainUntil(r.issuer, now) : this.#ownIssuer(r.issuer) || this.partnerOfIssuer(r.issuer) !== undefined ? r.expiresAt : undefined;
        if (keep === undefined || keep <= now) continue;
        const id = hexToBytes('spendId', r.spendId, 32);
        if (this.#st.insertRemote.run(partner, r.seq, id, r.issuer, r.expiresAt, r.spentAt).changes === 0) continue;
        if (this.#spent.spendOnce(id, keep)) {
          applied++;
          continue;
        }
        const local = this.#st.logBySpend.get(id) as { seq: number; spent_at: number } | undefined;
        if (local === undefined) continue;
        if (this.#st.insertConflict.run(id, partner, r.issuer, local.spent_at, r.spentAt, now).changes === 1) {
          conflicts++;
          if (this.#issuerPartner.get(r.issuer) === partner) this.#st.chargeConflict.run(partner);
        }
      }
      this.#st.cursor.run(last, now, partner);
      return { applied, conflicts };
    }).immediate();
  }

  /** Replay protection: true (and remembered) only if `seq` is above every seq seen from `partner`. */
  acceptInboundSeq(partner: string, seq: number): boolean {
    return this.#st.inSeq.run(seq, partner, seq).changes === 1;
  }

  /**
   * The next request sequence number for `partner`: above every one sent before, and at least
   * `nowMs` — so a relay whose store was restored from an older backup still sends numbers its
   * partner has not seen (they advance with the clock), instead of being refused as a replay.
   */
  nextOutSeq(partner: string, nowMs: number): number {
    if (!Number.isSafeInteger(nowMs) || nowMs < 0) throw new InputError('nowMs', 'expected milliseconds since 1970');
    const row = this.#st.outSeq.get(nowMs, partner) as { out_seq: number } | undefined;
    if (row === undefined) throw new InputError('partner', 'not a configured partner');
    return row.out_seq;
  }

  payments(partner: string): PaymentRow[] {
    type Raw = Omit<PaymentRow, 'delivered' | 'paidDelivered' | 'matched'> & { delivered: number; paidDelivered: number };
    return (this.#st.payments.all(partner) as Raw[]).map((p) => ({
      ...p,
      delivered: p.delivered === 1,
      matched: p.direction === 'in' ? (this.#st.matched.get(partner, p.firstSeq, p.lastSeq, p.issuer) as { n: number }).n : null,
      paidDelivered: p.paidDelivered === 1,
    }));
  }

  /** A partner's PAYMENT_REQUEST to us (idempotent by its id). */
  recordInboundRequest(partner: string, m: Extract<ExchangeRequest, { type: 'payment_request' }>, now: number): void {
    if (!this.#ownIssuer(m.issuer)) throw new InputError('issuer', 'not one of our ticket keys');
    this.#st.insertPayment.run(partner, 'in', m.id, m.issuer, m.tickets, m.firstSeq, m.lastSeq, now);
  }

  markDelivered(partner: string, direction: 'out' | 'in', id: number): void {
    this.#st.delivered.run(partner, direction, id);
  }

  /** Our operator paid the partner's request `id` (e.g. coins sent): queued for delivery to them. */
  settle(partner: string, id: number, reference: string, now: number): boolean {
    this.#row(partner);
    return this.#st.settle.run(reference, now, partner, 'in', id).changes === 1;
  }

  markPaymentDelivered(partner: string, id: number): void {
    this.#st.paidDelivered.run(partner, id);
  }

  /** The partner reports our request `id` paid: its tickets stop counting as unpaid (once). */
  recordPaymentReceived(partner: string, id: number, reference: string, now: number): boolean {
    return this.#db.transaction(() => {
      const row = this.#st.payment.get(partner, 'out', id) as { tickets: number; paidReference: string | null } | undefined;
      if (row === undefined) throw new InputError('id', 'no such payment request');
      if (this.#st.settle.run(reference, now, partner, 'out', id).changes === 0) return false;
      this.#st.paid.run(row.tickets, partner);
      return true;
    }).immediate();
  }

  conflictCount(partner: string): number {
    return (this.#st.conflictCount.get(partner) as { n: number }).n;
  }

  /** Drops log and remote records of expired tickets (they are refused on expiry anyway). */
  prune(now: number): number {
    return this.#db.transaction(() => this.#st.prune.reduce((n, s) => n + s.run(now).changes, 0))();
  }
}
