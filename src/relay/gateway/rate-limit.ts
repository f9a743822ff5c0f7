import { InputError } from '../../core/util/errors.js';

/**
 * Keyed token-bucket request limiter: each key may make `burst` requests at once and `perSecond`
 * on average. The number of tracked keys is bounded (`maxKeys`): when full, the least recently
 * seen key is forgotten (it comes back with a full bucket, which is the permissive choice; a
 * global key can sit beside per-client keys to bound the total).
 */
export interface RateLimitOptions {
  readonly perSecond: number;
  readonly burst: number;
  readonly maxKeys?: number;
}

interface Bucket {
  tokens: number;
  last: number;
}

export class RateLimiter {
  readonly #perSecond: number;
  readonly #burst: number;
  readonly #maxKeys: number;
  // Map iteration order is insertion order; re-inserting on use makes it an LRU.
  readonly #buckets = new Map<string, Bucket>();

  constructor(opts: RateLimitOptions) {
    if (!(Number.isFinite(opts.perSecond) && opts.perSecond > 0)) throw new InputError('perSecond', 'expected a positive number');
    if (!(Number.isFinite(opts.burst) && opts.burst >= 1)) throw new InputError('burst', 'expected a number >= 1');
    const maxKeys = opts.maxKeys ?? 10_000;
    if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new InputError('maxKeys', 'expected a positive integer');
    this.#perSecond = opts.perSecond;
    this.#burst = opts.burst;
    this.#maxKeys = maxKeys;
  }

  /**
   * Takes one token for `key` at `nowMs` (milliseconds, any monotonic origin).
   * Returns 0 when allowed, else the seconds until a token is available (for Retry-After).
   */
  take(key: string, nowMs: number): number {
    let b = this.#buckets.get(key);
    if (b === undefined) {
      b = { tokens: this.#burst, last: nowMs };
      if (this.#buckets.size >= this.#maxKeys) {
        const oldest = this.#buckets.keys().next().value as string;
        this.#buckets.delete(oldest);
      }
    } else {
      this.#buckets.delete(key);
      const elapsed = Math.max(0, nowMs - b.last) / 1000;
      b.tokens = Math.min(this.#burst, b.tokens + elapsed * this.#perSecond);
      b.last = nowMs;
    }
    this.#buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return (1 - b.tokens) / this.#perSecond;
  }

  get size(): number {
    return this.#buckets.size;
  }
}
