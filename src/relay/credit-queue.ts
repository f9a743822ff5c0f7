import type { SessionMode, Store } from './store/store.js';

/**
 * Group commit for accepted shares. Shares accepted in one turn of the event loop are credited in
 * ONE store transaction, and only after it commits are their `true` replies sent: an acknowledged
 * share is always in the database, and the per-share cost of a commit is shared by the batch.
 */
interface Pending {
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
  add(sessionId: number, mode: SessionMode, nano: bigint, at: number, done: (ok: boolean) => void): void {
    this.pending.push({ sessionId, mode, nano, at, done });
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
        for (const p of batch) this.store.creditShare(p.sessionId, p.mode, p.nano, p.at);
      })();
    } catch (err) {
      ok = false;
      this.onError(err, batch.length);
    }
    for (const p of batch) p.done(ok);
  }
}
