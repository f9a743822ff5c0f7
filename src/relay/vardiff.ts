/**
 * Per-session variable difficulty aiming at one share every `targetSeconds`. After a window of
 * `retargetSeconds` (or `fastShares` shares, whichever comes first) the difficulty is scaled by
 * target / observed seconds-per-share, at most 4x either way; a session that finds nothing for a
 * whole window is scaled down as if it had found one share at the window's end. The caller applies a
 * new difficulty from the next job it sends.
 *
 * A share counts for the difficulty it was found at, relative to the current one: a miner keeps
 * hashing the work it has until it takes the next job (cpuminer only switches when it finds a share
 * or the header it hashes changes), so shares at the old, lower difficulty keep arriving after a
 * retarget. Counted as whole shares they would look like a miner still too fast for the new
 * difficulty, and vardiff would raise it again and again.
 */
export interface VardiffOptions {
  readonly targetSeconds: number;
  readonly retargetSeconds: number;
  readonly fastShares: number;
  readonly min: number;
  readonly max: number;
}

/** Rounds to 3 significant digits and to whole nano-difficulty units, within [min, max]. */
export function quantizeDifficulty(d: number, min: number, max: number): number {
  const clamped = Math.min(max, Math.max(min, d));
  const rounded = Number(clamped.toPrecision(3));
  return Math.max(1e-9, Math.round(rounded * 1e9) / 1e9);
}

export class Vardiff {
  private windowStart: number;
  /** Shares in this window, each weighted by its difficulty / the current difficulty. */
  private shares = 0;

  constructor(
    private readonly opts: VardiffOptions,
    private difficulty: number,
    now: number,
  ) {
    this.windowStart = now;
  }

  get current(): number {
    return this.difficulty;
  }

  /**
   * Records an accepted share found at `difficulty` (the one assigned with its job; default: the
   * current one); returns the new difficulty when it should change.
   */
  onShare(now: number, difficulty: number = this.difficulty): number | undefined {
    this.shares += difficulty / this.difficulty;
    const elapsed = (now - this.windowStart) / 1000;
    if (elapsed < this.opts.retargetSeconds && this.shares < this.opts.fastShares) return undefined;
    return this.retarget(Math.max(elapsed, 0.001) / this.shares, now);
  }

  /** Periodic check for sessions that stopped finding shares. */
  onTick(now: number): number | undefined {
    const elapsed = (now - this.windowStart) / 1000;
    if (this.shares > 0 || elapsed < this.opts.retargetSeconds * 2) return undefined;
    return this.retarget(elapsed, now);
  }

  private retarget(secondsPerShare: number, now: number): number | undefined {
    this.windowStart = now;
    this.shares = 0;
    const factor = Math.min(4, Math.max(0.25, this.opts.targetSeconds / secondsPerShare));
    if (factor > 0.8 && factor < 1.25) return undefined;
    const next = quantizeDifficulty(this.difficulty * factor, this.opts.min, this.opts.max);
    if (next === this.difficulty) return undefined;
    this.difficulty = next;
    return next;
  }
}
