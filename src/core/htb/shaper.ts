import { InputError } from '../util/errors.js';
import { MAX_DEPTH, parseHtbTree, type HtbClass, type HtbTree } from './tree.js';

/**
 * The HTB packet scheduler for real byte streams, synchronous and clock-free: every call takes
 * `now` in milliseconds, so it is deterministic under test. Rates are bytes per second.
 *
 * Per class, two token buckets as in Linux HTB: `tokens` refill at `rate` up to `burst`,
 * `ctokens` at `ceil` up to `cburst`. A class's mode (the HTB theory page's colours):
 *   red    (can't send)  ctokens < 0
 *   green  (can send)    tokens >= 0
 *   yellow (may borrow)  otherwise
 * A backlogged leaf may send through the first green class on its way to the root, provided
 * every class before that one is yellow (a red class blocks it). Leaves served by their own
 * tokens (level 0) go first, then leaves borrowing from the deepest lender (the nearest
 * ancestor lends first), and within one lender level lower prio numbers go first. Leaves with
 * the same level and prio share by quantum: start-time fair queuing with weight = quantum,
 * which gives DRR's long-run shares without DRR's need for quantum > packet size.
 * Sending n bytes takes n from ctokens of every class up to the root and from tokens of the
 * lender and its ancestors; classes below the lender borrowed and are not charged.
 */

/** Default bucket depths: 50 ms of the rate (or ceil), at least one 1500-byte packet. */
export const DEFAULT_BURST_SECONDS = 0.05;
export const MIN_BURST = 1500;
/** HTB "will remember negative bursts up to 1 minute". */
const DEBT_SECONDS = 60;

export type ClassMode = 'red' | 'yellow' | 'green';

interface Queued<T> {
  readonly size: number;
  readonly item: T;
}

interface ClassState<T> {
  readonly cls: HtbClass;
  readonly index: number;
  readonly burst: number;
  readonly cburst: number;
  tokens: number;
  ctokens: number;
  sentBytes: number;
  /** Leaves only. */
  readonly queue: Queued<T>[];
  queueHead: number;
  queuedBytes: number;
  /** Start-time fair queuing tag per (level, prio) group. */
  readonly finishTag: Map<number, number>;
}

export interface Dequeued<T> {
  readonly leaf: string;
  readonly size: number;
  readonly item: T;
}

export interface ClassStats {
  readonly sentBytes: number;
  readonly queuedBytes: number;
  readonly queued: number;
  readonly tokens: number;
  readonly ctokens: number;
  readonly mode: ClassMode;
}

export class HtbShaper<T = unknown> {
  readonly tree: HtbTree;
  private readonly states: ClassState<T>[];
  private readonly byClass = new Map<HtbClass, ClassState<T>>();
  private readonly groupTime = new Map<number, number>();
  private last: number;
  private backlog = 0;

  constructor(treeOrSpec: HtbTree | unknown, now: number) {
    this.tree = treeOrSpec instanceof Object && (treeOrSpec as HtbTree).byName instanceof Map
      ? (treeOrSpec as HtbTree)
      : parseHtbTree(treeOrSpec);
    this.last = checkTime(now);
    this.states = this.tree.classes.map((cls, index) => {
      const burst = cls.burst ?? Math.max(MIN_BURST, cls.rate * DEFAULT_BURST_SECONDS);
      const cburst = cls.cburst ?? Math.max(MIN_BURST, cls.ceil * DEFAULT_BURST_SECONDS);
      const st: ClassState<T> = {
        cls, index, burst, cburst, tokens: burst, ctokens: cburst, sentBytes: 0,
        queue: [], queueHead: 0, queuedBytes: 0, finishTag: new Map(),
      };
      this.byClass.set(cls, st);
      return st;
    });
  }

  /** Queues `size` bytes (an integer > 0) on leaf class `leaf`, carrying `item` back out of dequeue. */
  enqueue(leaf: string, size: number, item: T): void {
    const st = this.leafState(leaf);
    if (!Number.isSafeInteger(size) || size <= 0) throw new InputError('size', 'expected a positive integer byte count');
    st.queue.push({ size, item });
    st.queuedBytes += size;
    this.backlog++;
  }

  /** Removes every queued entry of `leaf` whose item satisfies `match`; returns how many. */
  cancel(leaf: string, match: (item: T) => boolean): number {
    const st = this.leafState(leaf);
    const keep: Queued<T>[] = [];
    let removed = 0;
    for (let i = st.queueHead; i < st.queue.length; i++) {
      const q = st.queue[i]!;
      if (match(q.item)) {
        removed++;
        st.queuedBytes -= q.size;
      } else keep.push(q);
    }
    st.queue.length = 0;
    st.queue.push(...keep);
    st.queueHead = 0;
    this.backlog -= removed;
    return removed;
  }

  /** The next entry HTB would send at time `now`, or undefined if every leaf is idle or throttled. */
  dequeue(now: number): Dequeued<T> | undefined {
    this.refill(now);
    if (this.backlog === 0) return undefined;
    let best: { st: ClassState<T>; lender: ClassState<T>; group: number; start: number } | undefined;
    for (const st of this.states) {
      if (st.queue.length === st.queueHead) continue;
      const lender = this.lenderOf(st);
      if (lender === undefined) continue;
      // level: 0 for the leaf's own tokens, then the deeper the lender the lower (Linux numbering)
      const level = lender === st ? 0 : MAX_DEPTH - lender.cls.depth;
      const group = level * 8 + st.cls.prio;
      const start = Math.max(st.finishTag.get(group) ?? 0, this.groupTime.get(group) ?? 0);
      if (best === undefined || group < best.group || (group === best.group && start < best.start)) {
        best = { st, lender, group, start };
      }
    }
    if (best === undefined) return undefined;
    const { st, lender, group, start } = best;
    const q = st.queue[st.queueHead]!;
    st.queue[st.queueHead++] = undefined as unknown as Queued<T>;
    if (st.queueHead === st.queue.length) {
      st.queue.length = 0;
      st.queueHead = 0;
    }
    st.queuedBytes -= q.size;
    this.backlog--;
    this.groupTime.set(group, start);
    st.finishTag.set(group, start + q.size / st.cls.quantum);
    this.charge(st, lender, q.size);
    return { leaf: st.cls.name, size: q.size, item: q.item };
  }

  /**
   * Milliseconds from `now` until a dequeue may succeed: 0 if one would now, undefined if
   * nothing is queued. Otherwise the first moment a throttled class's bucket reaches zero.
   */
  nextDelay(now: number): number | undefined {
    this.refill(now);
    if (this.backlog === 0) return undefined;
    let wait = Infinity;
    for (const st of this.states) {
      if (st.queue.length === st.queueHead) continue;
      if (this.lenderOf(st) !== undefined) return 0;
      for (let c: HtbClass | undefined = st.cls; c !== undefined; c = c.parent) {
        const s = this.byClass.get(c)!;
        if (s.ctokens < 0) wait = Math.min(wait, (-s.ctokens / c.ceil) * 1000);
        if (s.tokens < 0) wait = Math.min(wait, (-s.tokens / c.rate) * 1000);
      }
    }
    // a throttled leaf always has a negative bucket on its path; round up so it is non-negative then
    return Number.isFinite(wait) ? wait + 1e-6 : 0;
  }

  /** Bytes queued across all leaves. */
  get queuedBytes(): number {
    let n = 0;
    for (const st of this.states) n += st.queuedBytes;
    return n;
  }

  stats(now: number): Map<string, ClassStats> {
    this.refill(now);
    const out = new Map<string, ClassStats>();
    for (const st of this.states) {
      out.set(st.cls.name, {
        sentBytes: st.sentBytes, queuedBytes: st.queuedBytes, queued: st.queue.length - st.queueHead,
        tokens: st.tokens, ctokens: st.ctokens, mode: mode(st),
      });
    }
    return out;
  }

  private leafState(leaf: string): ClassState<T> {
    const cls = typeof leaf === 'string' ? this.tree.byName.get(leaf) : undefined;
    if (cls === undefined || cls.children.length > 0) throw new InputError('classId', `no leaf class named '${String(leaf)}'`);
    return this.byClass.get(cls)!;
  }

  private lenderOf(leaf: ClassState<T>): ClassState<T> | undefined {
    for (let c: HtbClass | undefined = leaf.cls; c !== undefined; c = c.parent) {
      const s = this.byClass.get(c)!;
      const m = mode(s);
      if (m === 'red') return undefined;
      if (m === 'green') return s;
    }
    return undefined;
  }

  private charge(leaf: ClassState<T>, lender: ClassState<T>, size: number): void {
    let funded = false;
    for (let c: HtbClass | undefined = leaf.cls; c !== undefined; c = c.parent) {
      const s = this.byClass.get(c)!;
      if (s === lender) funded = true;
      s.sentBytes += size;
      s.ctokens = Math.max(s.ctokens - size, -c.ceil * DEBT_SECONDS);
      if (funded) s.tokens = Math.max(s.tokens - size, -c.rate * DEBT_SECONDS);
    }
  }

  private refill(now: number): void {
    checkTime(now);
    const dt = Math.max(0, now - this.last) / 1000;
    if (dt === 0) return;
    this.last = now;
    for (const st of this.states) {
      st.tokens = Math.min(st.burst, st.tokens + st.cls.rate * dt);
      st.ctokens = Math.min(st.cburst, st.ctokens + st.cls.ceil * dt);
    }
  }
}

function mode(s: { tokens: number; ctokens: number }): ClassMode {
  if (s.ctokens < 0) return 'red';
  return s.tokens >= 0 ? 'green' : 'yellow';
}

function checkTime(now: number): number {
  if (typeof now !== 'number' || !Number.isFinite(now)) throw new InputError('now', 'expected a finite time in milliseconds');
  return now;
}
