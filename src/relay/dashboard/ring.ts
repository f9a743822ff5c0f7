import { InputError } from '../../core/util/errors.js';

/**
 * A bounded time series: the newest `capacity` points, oldest first. Memory stays fixed however
 * long the daemon runs (the dashboard keeps 1 point every 5 s for an hour: 720 points).
 */
export interface Point<T> {
  /** Milliseconds since 1970. */
  readonly t: number;
  readonly v: T;
}

export class TimeSeriesRing<T> {
  readonly capacity: number;
  readonly #points: Array<Point<T> | undefined>;
  /** Index the next point goes to. */
  #next = 0;
  #size = 0;

  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1 || capacity > 1_000_000) throw new InputError('capacity', 'expected an integer in [1, 1000000]');
    this.capacity = capacity;
    this.#points = new Array<Point<T> | undefined>(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** Appends a point; a time before the newest point's is refused (the series stays ordered). */
  push(t: number, v: T): void {
    if (typeof t !== 'number' || !Number.isFinite(t)) throw new InputError('t', 'expected a finite time in ms');
    const last = this.last();
    if (last !== undefined && t < last.t) throw new InputError('t', `time ${t} is before the newest point (${last.t})`);
    this.#points[this.#next] = { t, v };
    this.#next = (this.#next + 1) % this.capacity;
    if (this.#size < this.capacity) this.#size++;
  }

  last(): Point<T> | undefined {
    return this.#size === 0 ? undefined : this.#points[(this.#next - 1 + this.capacity) % this.capacity];
  }

  /** All points, oldest first. */
  points(): Point<T>[] {
    const out: Point<T>[] = [];
    const start = (this.#next - this.#size + this.capacity) % this.capacity;
    for (let i = 0; i < this.#size; i++) out.push(this.#points[(start + i) % this.capacity]!);
    return out;
  }

  /** Points with t > `after`, oldest first. */
  since(after: number): Point<T>[] {
    return this.points().filter((p) => p.t > after);
  }
}
