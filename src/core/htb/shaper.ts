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
 *
 * One refinement over Linux: a leaf borrowing at its ceil turns red for a moment after every
 * packet. In Linux the lender's spare then goes to whoever is eligible (a lower prio leaf), and the
 * capped leaf later makes up its ceil from a farther ancestor, taking spare that the rules give to
 * others. Here, while a backlogged leaf held back only by a red class has a better claim (lower
 * prio, or equal prio and an earlier fair-queuing tag) on an inner lender, that lender lends to
 * others only from the upper half of its bucket; the rest waits for the blocked leaf. A lender never
 * idles with a full bucket, so nothing is wasted.
 * Measured against allocate() on 800 random two-level trees (12 s of fake time, 1500-byte packets):
 * the worst leaf was off by 2.4 % of the link with this refinement, 5.2 % without; on the paper's
 * Fig. 1 and the user guide's examples every leaf is within 3 % of its rate.
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
    const claims = this.claims();
    for (const st of this.states) {
      if (st.queue.length === st.queueHead) continue;
      const lender = this.lenderOf(st, claims);
      if (lender === undefined) continue;
      const group = this.groupOf(st, lender);
      const start = this.startTag(st, group);
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
    const claims = this.claims();
    for (const s of claims.keys()) {
      if (s.tokens < s.burst / 2) wait = Math.min(wait, ((s.burst / 2 - s.tokens) / s.cls.rate) * 1000);
    }
    for (const st of this.states) {
      if (st.queue.length === st.queueHead) continue;
      if (this.lenderOf(st, claims) !== undefined) return 0;
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

  /** Group key: lender level (0 = the leaf's own tokens; deeper lenders lower, as Linux numbers them) and prio. */
  private groupOf(leaf: ClassState<T>, lender: ClassState<T>): number {
    const level = lender === leaf ? 0 : MAX_DEPTH - lender.cls.depth;
    return level * 8 + leaf.cls.prio;
  }

  private startTag(leaf: ClassState<T>, group: number): number {
    return Math.max(leaf.finishTag.get(group) ?? 0, this.groupTime.get(group) ?? 0);
  }

  /**
   * For each inner class, the best claim (prio, then fair-queuing start) of a backlogged leaf
   * below it that would borrow from it but is held back by a red class on the way.
   */
  private claims(): Map<ClassState<T>, { prio: number; start: number }> {
    const out = new Map<ClassState<T>, { prio: number; start: number }>();
    for (const st of this.states) {
      if (st.queue.length === st.queueHead) continue;
      let blocked = false;
      for (let c: HtbClass | undefined = st.cls; c !== undefined; c = c.parent) {
        const s = this.byClass.get(c)!;
        if (s.ctokens < 0) blocked = true;
        if (s.tokens < 0) continue;
        if (blocked && s !== st && s.ctokens >= 0) {
          const claim = { prio: st.cls.prio, start: this.startTag(st, this.groupOf(st, s)) };
          const prev = out.get(s);
          if (prev === undefined || better(claim, prev)) out.set(s, claim);
        }
        break;
      }
    }
    return out;
  }

  private lenderOf(leaf: ClassState<T>, claims: Map<ClassState<T>, { prio: number; start: number }>): ClassState<T> | undefined {
    for (let c: HtbClass | undefined = leaf.cls; c !== undefined; c = c.parent) {
      const s = this.byClass.get(c)!;
      const m = mode(s);
      if (m === 'red') return undefined;
      if (m !== 'green') continue;
      const claim = s === leaf ? undefined : claims.get(s);
      // a better-placed leaf is waiting for this lender: lend to others only from the upper half
      if (claim !== undefined && s.tokens < s.burst / 2 &&
          better(claim, { prio: leaf.cls.prio, start: this.startTag(leaf, this.groupOf(leaf, s)) })) continue;
      return s;
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

function better(a: { prio: number; start: number }, b: { prio: number; start: number }): boolean {
  return a.prio < b.prio || (a.prio === b.prio && a.start < b.start);
}

function mode(s: { tokens: number; ctokens: number }): ClassMode {
  if (s.ctokens < 0) return 'red';
  return s.tokens >= 0 ? 'green' : 'yellow';
}

function checkTime(now: number): number {
  if (typeof now !== 'number' || !Number.isFinite(now)) throw new InputError('now', 'expected a finite time in milliseconds');
  return now;
}
