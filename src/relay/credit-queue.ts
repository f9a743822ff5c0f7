import type { SessionMode, Store } from './store/store.js';

/**
 * Group commit for accepted shares. Shares accepted in one turn of the event loop are credited in
 * ONE store transaction, and only after it commits are their `true` replies sent: an acknowledged
 * share is always in the database, and the per-share cost of a commit is shared by the batch.
 */
interface Pending {
  /** The algorithm mined, for the dashboard's earnings counters (same transaction). */
  readonly algo: string;
  readonly sessionId: number;
  readonly mode: SessionMode;
  readonly nano: bigint;
  readonly at: number;
  readonly done: (ok: boolean) => void;
}

export class CreditQueue {
  private pending: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly store: Store,
    private readonly onError: (err: unknown, count: number) => void,
  ) {}

  /** Queues a credit; `done(true)` runs after it committed, `done(false)` if the commit failed. */
  add(algo: string, sessionId: number, mode: SessionMode, nano: bigint, at: number, done: (ok: boolean) => void): void {
    this.pending.push({ algo, sessionId, mode, nano, at, done });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  get size(): number {
    return this.pending.length;
  }

  /** Commits everything queued so far, then runs the callbacks. */
  flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    let ok = true;
    try {
      this.store.db.transaction(() => {
        const perAlgo = new Map<string, { shares: number; nano: bigint; at: number }>();
        for (const p of batch) {
          this.store.creditShare(p.sessionId, p.mode, p.nano, p.at);
          const a = perAlgo.get(p.algo) ?? { shares: 0, nano: 0n, at: p.at };
          perAlgo.set(p.algo, { shares: a.shares + 1, nano: a.nano + p.nano, at: Math.max(a.at, p.at) });
        }
        for (const [algo, a] of perAlgo) this.store.earnings.addAccepted(algo, a.shares, Number(a.nano) / 1e9, a.at);
      })();
    } catch (err) {
      ok = false;
      this.onError(err, batch.length);
    }
    for (const p of batch) p.done(ok);
  }
}
