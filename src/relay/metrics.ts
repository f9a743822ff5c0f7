/**
 * In-process counters behind GET /stats (JSON) and GET /metrics (Prometheus text format 0.0.4).
 * Share counters are since this process started; totals from the database are added by the caller.
 */
export type RejectReason =
  | 'invalid'
  | 'stale'
  | 'ntime'
  | 'duplicate'
  | 'low-difficulty'
  | 'unauthorized'
  | 'not-subscribed'
  | 'rate-limited';

export class Metrics {
  sessions = 0;
  sharesAccepted = 0;
  readonly sharesRejected = new Map<RejectReason, number>();
  ticketsIssued = 0;
  ticketsSpent = 0;
  malformed = 0;
  /** Accepted work (difficulty x 2^32 = expected hashes) in 10-second buckets over the last minute. */
  private readonly work: number[] = new Array(6).fill(0);
  private bucketStart: number;

  constructor(now: number) {
    this.bucketStart = now;
  }

  accept(difficulty: number, now: number): void {
    this.sharesAccepted++;
    this.roll(now);
    this.work[this.work.length - 1]! += difficulty * 2 ** 32;
  }

  reject(reason: RejectReason): void {
    this.sharesRejected.set(reason, (this.sharesRejected.get(reason) ?? 0) + 1);
  }

  /** Estimated hashes per second from accepted shares' assigned difficulty over the last minute. */
  hashRate(now: number): number {
    this.roll(now);
    const seconds = Math.max(1, (this.work.length - 1) * 10 + (now - this.bucketStart) / 1000);
    return this.work.reduce((a, b) => a + b, 0) / seconds;
  }

  private roll(now: number): void {
    if (now - this.bucketStart >= 60_000) {
      this.work.fill(0);
      this.bucketStart = now;
      return;
    }
    while (now - this.bucketStart >= 10_000) {
      this.work.shift();
      this.work.push(0);
      this.bucketStart += 10_000;
    }
  }
}
