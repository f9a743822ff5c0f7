import { InputError } from '../util/errors.js';
import { systemClock, type Clock } from './clock.js';
import { HtbShaper, type ClassStats } from './shaper.js';
import type { HtbTree } from './tree.js';

/** Thrown by send() when a class already has `maxQueued` writes waiting. */
export class QueueFullError extends Error {
  override readonly name = 'QueueFullError';
}

/** Rejects the pending sends when the pacer is closed. */
export class PacerClosedError extends Error {
  override readonly name = 'PacerClosedError';
}

export interface PacerOptions {
  clock?: Clock;
  /** Writes are split into pieces of at most this many bytes so no single one overdraws a bucket. */
  pieceSize?: number;
  /** Most pending send() calls per leaf class. */
  maxQueued?: number;
}

interface Pending {
  remaining: number;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

/**
 * Paces writes through an HTB class tree (rates in bytes per second). A gateway awaits
 * `send(classId, chunk)` before writing the chunk to its socket; the promise resolves when
 * HTB lets those bytes go. Writes of one class go out in the order they were sent.
 */
export class HtbPacer {
  private readonly shaper: HtbShaper<Pending>;
  private readonly clock: Clock;
  private readonly pieceSize: number;
  private readonly maxQueued: number;
  private readonly pendingPerLeaf = new Map<string, number>();
  private timer: unknown;
  private timerAt = Infinity;
  private closed = false;

  constructor(tree: HtbTree | unknown, options: PacerOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.pieceSize = options.pieceSize ?? 16_384;
    this.maxQueued = options.maxQueued ?? 4096;
    if (!Number.isSafeInteger(this.pieceSize) || this.pieceSize < 1) throw new InputError('pieceSize', 'expected a positive integer');
    if (!Number.isSafeInteger(this.maxQueued) || this.maxQueued < 1) throw new InputError('maxQueued', 'expected a positive integer');
    this.shaper = new HtbShaper<Pending>(tree, this.clock.now());
  }

  /** Resolves when `chunk` (bytes, or a byte count) may be written for leaf class `classId`. */
  send(classId: string, chunk: Uint8Array | number, signal?: AbortSignal): Promise<void> {
    const size = chunk instanceof Uint8Array ? chunk.length : chunk;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
      throw new InputError('chunk', 'expected a Uint8Array or a byte count >= 0');
    }
    if (!this.shaper.tree.byName.has(classId) || this.shaper.tree.byName.get(classId)!.children.length > 0) {
      throw new InputError('classId', `no leaf class named '${String(classId)}'`);
    }
    if (this.closed) return Promise.reject(new PacerClosedError('pacer is closed'));
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    if (size === 0) return Promise.resolve();
    const waiting = this.pendingPerLeaf.get(classId) ?? 0;
    if (waiting >= this.maxQueued) return Promise.reject(new QueueFullError(`class '${classId}' has ${waiting} writes waiting`));
    return new Promise<void>((resolve, reject) => {
      const done = (): void => {
        this.pendingPerLeaf.set(classId, this.pendingPerLeaf.get(classId)! - 1);
        signal?.removeEventListener('abort', onAbort);
      };
      const pending: Pending = {
        remaining: Math.ceil(size / this.pieceSize),
        resolve: () => {
          done();
          resolve();
        },
        reject: (err) => {
          done();
          reject(err);
        },
      };
      const onAbort = (): void => {
        this.shaper.cancel(classId, (p) => p === pending);
        pending.reject(signal!.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pendingPerLeaf.set(classId, waiting + 1);
      for (let off = 0; off < size; off += this.pieceSize) this.shaper.enqueue(classId, Math.min(this.pieceSize, size - off), pending);
      this.pump();
    });
  }

  /** Per-class counters: bytes sent through the class, bytes waiting, bucket levels, mode. */
  stats(): Map<string, ClassStats> {
    return this.shaper.stats(this.clock.now());
  }

  /** Rejects every pending send with PacerClosedError and stops the timer. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.cancelTimer();
    const err = new PacerClosedError('pacer is closed');
    for (const leaf of this.shaper.tree.leaves) {
      const seen = new Set<Pending>();
      this.shaper.cancel(leaf.name, (p) => {
        seen.add(p);
        return true;
      });
      for (const p of seen) p.reject(err);
    }
  }

  private pump(): void {
    if (this.closed) return;
    const now = this.clock.now();
    for (let d = this.shaper.dequeue(now); d !== undefined; d = this.shaper.dequeue(now)) {
      if (--d.item.remaining === 0) d.item.resolve();
    }
    const delay = this.shaper.nextDelay(now);
    if (delay === undefined) {
      this.cancelTimer();
      return;
    }
    const at = now + delay;
    if (this.timer !== undefined && this.timerAt <= at) return;
    this.cancelTimer();
    this.timerAt = at;
    this.timer = this.clock.setTimer(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.pump();
    }, delay);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }
}
