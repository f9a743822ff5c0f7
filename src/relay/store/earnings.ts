import type Database from 'better-sqlite3';
import { InputError } from '../../core/util/errors.js';

/**
 * The cumulative counters behind the dashboard's earnings (table `earnings`, migration 3), one row
 * per mined algorithm, counted since the row was made and never reset. Each count is written where
 * the event is counted: accepted shares inside the credit transaction that acknowledges them
 * (CreditQueue), the pool's answers and forwarded shares as they happen, blocks beside the solo
 * chain tip. A crash therefore loses nothing that was acknowledged.
 *
 * `sinceOpen` gives the part counted by this process: the totals minus what the rows held when the
 * store was opened.
 */
export interface EarningsTotals {
  /** Shares accepted from miners. */
  readonly accepted: number;
  /** Their assigned difficulty, summed (difficulty-1 share equivalents). */
  readonly work: number;
  /** Shares forwarded upstream (they met the pool's difficulty). */
  readonly forwarded: number;
  readonly upstreamAccepted: number;
  readonly upstreamRejected: number;
  /** Pool difficulty summed over the shares the pool accepted (what pool-mode earnings are paid on). */
  readonly upstreamWork: number;
  readonly blocks: number;
}

export interface EarningsRow extends EarningsTotals {
  readonly algo: string;
  /** When counting began for this algorithm (ms). */
  readonly since: number;
  readonly updatedAt: number;
}

export type UpstreamEvent = 'forwarded' | 'accepted' | 'rejected';

export const ZERO_TOTALS: EarningsTotals = Object.freeze({ accepted: 0, work: 0, forwarded: 0, upstreamAccepted: 0, upstreamRejected: 0, upstreamWork: 0, blocks: 0 });

const COLUMNS = 'algo, accepted, work, forwarded, upstream_accepted AS upstreamAccepted, upstream_rejected AS upstreamRejected, upstream_work AS upstreamWork, blocks, since, updated_at AS updatedAt';

function checkAlgo(algo: unknown): asserts algo is string {
  if (typeof algo !== 'string' || !/^[a-z0-9][a-z0-9_-]{0,31}$/.test(algo)) throw new InputError('algo', 'expected an algorithm name (1-32 of a-z, 0-9, _ and -)');
}
function checkCount(name: string, v: unknown): asserts v is number {
  if (!Number.isSafeInteger(v) || (v as number) < 0) throw new InputError(name, 'expected a non-negative integer');
}
function checkAmount(name: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new InputError(name, 'expected a finite number >= 0');
}
function checkTime(now: unknown): asserts now is number {
  if (typeof now !== 'number' || !Number.isFinite(now) || now < 0 || now > Number.MAX_SAFE_INTEGER) throw new InputError('now', 'expected a time in ms since 1970');
}

export class EarningsCounters {
  readonly #st;
  readonly #atOpen: Map<string, EarningsTotals>;

  constructor(db: Database.Database) {
    // A new row starts at the event's counts, with since = now; an existing one is raised.
    const upsert = (set: string) =>
      db.prepare(
        `INSERT INTO earnings (algo, accepted, work, forwarded, upstream_accepted, upstream_rejected, upstream_work, blocks, since, updated_at)
         VALUES (@algo, @accepted, @work, @forwarded, @upstreamAccepted, @upstreamRejected, @upstreamWork, @blocks, @now, @now)
         ON CONFLICT (algo) DO UPDATE SET ${set}, updated_at = MAX(updated_at, excluded.updated_at)`,
      );
    this.#st = {
      open: db.prepare('INSERT OR IGNORE INTO earnings (algo, since, updated_at) VALUES (?, ?, ?)'),
      accepted: upsert('accepted = accepted + excluded.accepted, work = work + excluded.work'),
      upstream: upsert(
        'forwarded = forwarded + excluded.forwarded, upstream_accepted = upstream_accepted + excluded.upstream_accepted, upstream_rejected = upstream_rejected + excluded.upstream_rejected, upstream_work = upstream_work + excluded.upstream_work',
      ),
      blocks: upsert('blocks = blocks + excluded.blocks'),
      all: db.prepare(`SELECT ${COLUMNS} FROM earnings ORDER BY algo`),
      one: db.prepare(`SELECT ${COLUMNS} FROM earnings WHERE algo = ?`),
    };
    this.#atOpen = new Map(this.all().map((r) => [r.algo, totalsOf(r)]));
  }

  /** Makes the algorithm's row if it has none (counting begins now). */
  open(algo: string, now: number): void {
    checkAlgo(algo);
    checkTime(now);
    this.#st.open.run(algo, Math.floor(now), Math.floor(now));
  }

  /** `shares` accepted from miners with `work` difficulty in all; run inside the credit transaction. */
  addAccepted(algo: string, shares: number, work: number, now: number): void {
    checkAlgo(algo);
    checkCount('shares', shares);
    checkAmount('work', work);
    checkTime(now);
    this.#st.accepted.run({ ...ZERO_TOTALS, algo, accepted: shares, work, now: Math.floor(now) });
  }

  /** One share forwarded to the pool, or one answer from it; `poolDifficulty` values an accepted share. */
  addUpstream(algo: string, event: UpstreamEvent, poolDifficulty: number, now: number): void {
    checkAlgo(algo);
    if (event !== 'forwarded' && event !== 'accepted' && event !== 'rejected') throw new InputError('event', "expected 'forwarded', 'accepted' or 'rejected'");
    checkAmount('poolDifficulty', poolDifficulty);
    checkTime(now);
    this.#st.upstream.run({
      ...ZERO_TOTALS, algo, now: Math.floor(now),
      forwarded: event === 'forwarded' ? 1 : 0,
      upstreamAccepted: event === 'accepted' ? 1 : 0,
      upstreamRejected: event === 'rejected' ? 1 : 0,
      upstreamWork: event === 'accepted' ? poolDifficulty : 0,
    });
  }

  addBlock(algo: string, now: number): void {
    checkAlgo(algo);
    checkTime(now);
    this.#st.blocks.run({ ...ZERO_TOTALS, algo, blocks: 1, now: Math.floor(now) });
  }

  all(): EarningsRow[] {
    return this.#st.all.all() as EarningsRow[];
  }

  get(algo: string): EarningsRow | undefined {
    checkAlgo(algo);
    return this.#st.one.get(algo) as EarningsRow | undefined;
  }

  /** What this process counted for `algo` (totals now minus the totals when the store was opened). */
  sinceOpen(algo: string): EarningsTotals {
    const now = this.get(algo);
    if (now === undefined) return ZERO_TOTALS;
    const base = this.#atOpen.get(algo) ?? ZERO_TOTALS;
    const t = totalsOf(now);
    return {
      accepted: t.accepted - base.accepted, work: t.work - base.work, forwarded: t.forwarded - base.forwarded,
      upstreamAccepted: t.upstreamAccepted - base.upstreamAccepted, upstreamRejected: t.upstreamRejected - base.upstreamRejected,
      upstreamWork: t.upstreamWork - base.upstreamWork, blocks: t.blocks - base.blocks,
    };
  }
}

export function totalsOf(r: EarningsTotals): EarningsTotals {
  const { accepted, work, forwarded, upstreamAccepted, upstreamRejected, upstreamWork, blocks } = r;
  return { accepted, work, forwarded, upstreamAccepted, upstreamRejected, upstreamWork, blocks };
}
