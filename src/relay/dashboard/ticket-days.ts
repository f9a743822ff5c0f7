import { DAY_MS, addDays, ticketExpiresAt, utcDay } from '../../core/tickets/index.js';
import { InputError } from '../../core/util/errors.js';
import type { Store } from '../store/store.js';

/**
 * Tickets per UTC day, read from the relay's store:
 *   issued   tickets this relay signed for day d (table `issued`, kept for good)
 *   spent    tickets redeemed at this relay's gateway on day d, any issuer (exchange_log.spent_at)
 *   expired  tickets of day d signed here that nobody spent, here or at a partner, before they
 *            expired (end of d + graceMs, the config's ticketHours); null while day d's tickets are still valid
 * The spend rows are pruned once their ticket expires, so the daily tallies are kept in the store's
 * meta table (one JSON value, last 60 days) and only ever raised: they survive pruning and restarts.
 */
export interface TicketDay {
  readonly day: string;
  readonly issued: number;
  readonly spent: number;
  readonly expired: number | null;
}

interface Tally {
  /** Redemptions here on this calendar day. */
  spent: number;
  /** Our tickets of this day spent anywhere we know of (here, or at a partner per its synced log). */
  spentOwn: number;
}

const META_KEY = 'dashboard.ticketDays';
const KEEP_DAYS = 60;

export class TicketDays {
  readonly #store: Store;
  readonly #isOwn: (issuer: string) => boolean;
  readonly #graceMs: number;
  readonly #tallies: Map<string, Tally>;
  #saved = '';
  readonly #st;

  /** `graceMs`: how long our tickets stay spendable after their day (the config's ticketHours). */
  constructor(store: Store, isOwnIssuer: (issuer: string) => boolean, graceMs: number) {
    if (!Number.isSafeInteger(graceMs) || graceMs < 0) throw new InputError('graceMs', 'expected a non-negative integer');
    this.#store = store;
    this.#isOwn = isOwnIssuer;
    this.#graceMs = graceMs;
    this.#tallies = loadTallies(store.meta(META_KEY));
    const db = store.db;
    this.#st = {
      issued: db.prepare('SELECT day, SUM(count) AS n FROM issued WHERE day >= ? GROUP BY day'),
      spentByDay: db.prepare("SELECT date(spent_at, 'unixepoch') AS day, COUNT(*) AS n FROM exchange_log WHERE spent_at >= ? GROUP BY day"),
      spendsByExpiry: db.prepare(
        'SELECT expires_at AS e, issuer, COUNT(*) AS n FROM (SELECT expires_at, issuer FROM exchange_log UNION ALL SELECT expires_at, issuer FROM exchange_remote) GROUP BY e, issuer',
      ),
    };
  }

  /** Reads the store, raises the kept tallies, and returns the last `count` days, newest first. */
  update(now: number, count = 14): TicketDay[] {
    const today = utcDay(now);
    const first = addDays(today, -(count - 1));
    for (const r of this.#st.spentByDay.all(Math.floor((now - count * DAY_MS) / 1000)) as Array<{ day: string; n: number }>) {
      this.#tally(r.day).spent = Math.max(this.#tally(r.day).spent, r.n);
    }
    const own = new Map<string, number>();
    for (const r of this.#st.spendsByExpiry.all() as Array<{ e: number; issuer: string; n: number }>) {
      if (!this.#isOwn(r.issuer)) continue;
      // The gateway stores ceil(expiresAt / 1000) with expiresAt = end of the ticket's day + grace.
      const day = utcDay(r.e * 1000 - DAY_MS - this.#graceMs);
      own.set(day, (own.get(day) ?? 0) + r.n);
    }
    for (const [day, n] of own) this.#tally(day).spentOwn = Math.max(this.#tally(day).spentOwn, n);
    this.#save(today);

    const issued = new Map<string, number>();
    for (const r of this.#st.issued.all(first) as Array<{ day: string; n: number }>) issued.set(r.day, r.n);
    const out: TicketDay[] = [];
    for (let i = 0; i < count; i++) {
      const day = addDays(today, -i);
      const n = issued.get(day) ?? 0;
      const t = this.#tallies.get(day);
      const over = now >= ticketExpiresAt(day, this.#graceMs);
      out.push({ day, issued: n, spent: t?.spent ?? 0, expired: over ? Math.max(0, n - (t?.spentOwn ?? 0)) : null });
    }
    return out;
  }

  #tally(day: string): Tally {
    let t = this.#tallies.get(day);
    if (t === undefined) {
      t = { spent: 0, spentOwn: 0 };
      this.#tallies.set(day, t);
    }
    return t;
  }

  #save(today: string): void {
    const oldest = addDays(today, -(KEEP_DAYS - 1));
    for (const day of this.#tallies.keys()) if (day < oldest) this.#tallies.delete(day);
    const text = JSON.stringify(Object.fromEntries([...this.#tallies].sort(([a], [b]) => (a < b ? -1 : 1))));
    if (text === this.#saved) return;
    this.#store.setMeta(META_KEY, text);
    this.#saved = text;
  }
}

/** The kept tallies; a damaged value is dropped (the live rows rebuild what they still hold). */
function loadTallies(text: string | undefined): Map<string, Tally> {
  const out = new Map<string, Tally>();
  if (text === undefined) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return out;
  }
  if (typeof parsed !== 'object' || parsed === null) return out;
  for (const [day, v] of Object.entries(parsed)) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || typeof v !== 'object' || v === null) continue;
    const { spent, spentOwn } = v as Record<string, unknown>;
    if (Number.isSafeInteger(spent) && Number.isSafeInteger(spentOwn)) out.set(day, { spent: spent as number, spentOwn: spentOwn as number });
  }
  return out;
}
