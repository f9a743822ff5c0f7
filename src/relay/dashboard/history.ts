import { InputError } from '../../core/util/errors.js';
import type { Store } from '../store/store.js';
import type { Sample } from './sampler.js';

/**
 * The dashboard's coarse history, kept in the store (table `dashboard_history`, migration 3) so the
 * charts still have a past after a restart. The sampler's fine points (ring.ts, memory only) are
 * folded into one point per `resolutionMs` (default a minute); points older than `keepMs` (default
 * 7 days) are deleted as new ones are written, and never more than keepMs / resolutionMs are kept
 * (the bound holds even if the clock jumps). The rows are read once, at the first `since`, into a
 * mirror kept in step with the table, so a snapshot request does not parse a week of JSON each time.
 *
 * A point covers the span `ms` ending at `t`. Gauges (sessions, hash rate) are their value at t;
 * counters are what happened in the span (restart-proof: the first span of a run counts from the
 * process start, when the daemon's counters were 0); HTB rates are bytes per second averaged over it.
 */
export interface HistoryPoint {
  readonly t: number;
  readonly ms: number;
  readonly sessions: number;
  readonly hashRate: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly forwarded: number;
  readonly upstreamAccepted: number;
  readonly htb: Readonly<Record<string, number>>;
}

export const HISTORY_RESOLUTION_MS = 60_000;
export const HISTORY_KEEP_MS = 7 * 86_400_000;
const MAX_CLASSES = 256;

type Counters = Pick<Sample, 'accepted' | 'rejected' | 'forwarded' | 'upstreamAccepted'>;
const COUNTERS = ['accepted', 'rejected', 'forwarded', 'upstreamAccepted'] as const;

export interface HistoryOptions {
  readonly resolutionMs?: number;
  readonly keepMs?: number;
}

export class History {
  readonly resolutionMs: number;
  readonly keepMs: number;
  /** The most points ever kept. */
  readonly maxPoints: number;
  readonly #st;
  /** The span being filled: its start, the counters at its start, HTB bytes sent in it. */
  #spanStart: number | undefined;
  #base: Counters = { accepted: 0, rejected: 0, forwarded: 0, upstreamAccepted: 0 };
  #prevT = 0;
  #bytes = new Map<string, number>();
  /** The table's points in memory, oldest first (loaded at the first `since`). */
  #mirror: HistoryPoint[] | undefined;
  /** Recent `window` answers, reused until a point comes or leaves the window (once a minute). */
  readonly #windows = new Map<string, HistoryPoint[]>();

  constructor(store: Store, opts: HistoryOptions = {}) {
    const resolutionMs = opts.resolutionMs ?? HISTORY_RESOLUTION_MS;
    const keepMs = opts.keepMs ?? HISTORY_KEEP_MS;
    if (!Number.isSafeInteger(resolutionMs) || resolutionMs < 1000) throw new InputError('resolutionMs', 'expected an integer >= 1000');
    if (!Number.isSafeInteger(keepMs) || keepMs < resolutionMs || keepMs / resolutionMs > 100_000) {
      throw new InputError('keepMs', 'expected an integer from resolutionMs to 100000 x resolutionMs');
    }
    this.resolutionMs = resolutionMs;
    this.keepMs = keepMs;
    this.maxPoints = Math.ceil(keepMs / resolutionMs);
    const db = store.db;
    this.#st = {
      insert: db.prepare('INSERT OR REPLACE INTO dashboard_history (t, ms, point) VALUES (?, ?, ?)'),
      pruneOld: db.prepare('DELETE FROM dashboard_history WHERE t <= ?'),
      pruneExtra: db.prepare('DELETE FROM dashboard_history WHERE t < (SELECT t FROM dashboard_history ORDER BY t DESC LIMIT 1 OFFSET ?)'),
      all: db.prepare('SELECT t, ms, point FROM dashboard_history ORDER BY t'),
      count: db.prepare('SELECT COUNT(*) AS n FROM dashboard_history'),
    };
  }

  get size(): number {
    return (this.#st.count.get() as { n: number }).n;
  }

  /**
   * Takes one of the sampler's samples (at time t, non-decreasing); once the span reaches
   * resolutionMs, writes its point, prunes, and returns the point.
   */
  offer(t: number, s: Sample): HistoryPoint | undefined {
    if (typeof t !== 'number' || !Number.isSafeInteger(Math.floor(t)) || t < 0) throw new InputError('t', 'expected a time in ms since 1970');
    t = Math.floor(t);
    if (this.#spanStart === undefined || t < this.#prevT) {
      // First sample of this run (or the clock went back): a span starts here.
      this.#spanStart = t;
      this.#prevT = t;
      this.#bytes = new Map();
      return undefined;
    }
    const seconds = (t - this.#prevT) / 1000;
    for (const [name, rate] of Object.entries(s.htb)) {
      if (this.#bytes.size >= MAX_CLASSES && !this.#bytes.has(name)) continue;
      this.#bytes.set(name, (this.#bytes.get(name) ?? 0) + rate * seconds);
    }
    this.#prevT = t;
    const ms = t - this.#spanStart;
    if (ms < this.resolutionMs) return undefined;
    const htb: Record<string, number> = {};
    for (const [name, bytes] of this.#bytes) htb[name] = bytes / (ms / 1000);
    const delta = (k: (typeof COUNTERS)[number]) => (s[k] >= this.#base[k] ? s[k] - this.#base[k] : s[k]);
    const point: HistoryPoint = {
      t, ms, sessions: s.sessions, hashRate: s.hashRate,
      accepted: delta('accepted'), rejected: delta('rejected'), forwarded: delta('forwarded'), upstreamAccepted: delta('upstreamAccepted'), htb,
    };
    const body = { sessions: point.sessions, hashRate: point.hashRate, accepted: point.accepted, rejected: point.rejected, forwarded: point.forwarded, upstreamAccepted: point.upstreamAccepted, htb };
    this.#st.insert.run(t, ms, JSON.stringify(body));
    this.#st.pruneOld.run(t - this.keepMs);
    this.#st.pruneExtra.run(this.maxPoints - 1);
    if (this.#mirror !== undefined) this.#mirrorInsert(this.#mirror, point);
    this.#spanStart = t;
    this.#base = { accepted: s.accepted, rejected: s.rejected, forwarded: s.forwarded, upstreamAccepted: s.upstreamAccepted };
    this.#bytes = new Map();
    return point;
  }

  /** Kept points with t > `after`, oldest first; a damaged row is skipped. */
  since(after: number): HistoryPoint[] {
    if (typeof after !== 'number' || Number.isNaN(after)) throw new InputError('after', 'expected a time in ms');
    this.#mirror ??= this.#load();
    return this.#mirror.slice(firstAfter(this.#mirror, after));
  }

  /** `since(after)` downsampled to at most `max` points; recomputed only when that set of points changed. */
  window(after: number, max: number): HistoryPoint[] {
    const all = this.since(after);
    const key = `${max}:${all.length}:${all[0]?.t ?? ''}:${all.at(-1)?.t ?? ''}`;
    let points = this.#windows.get(key);
    if (points === undefined) {
      if (this.#windows.size >= 8) this.#windows.clear();
      points = downsample(all, max);
      this.#windows.set(key, points);
    }
    return points;
  }

  #load(): HistoryPoint[] {
    const out: HistoryPoint[] = [];
    for (const r of this.#st.all.all() as Array<{ t: number; ms: number; point: string }>) {
      const p = decodePoint(r.t, r.ms, r.point);
      if (p !== undefined) out.push(p);
    }
    return out;
  }

  /** What the INSERT OR REPLACE and the two DELETEs did to the table, done to the mirror. */
  #mirrorInsert(m: HistoryPoint[], p: HistoryPoint): void {
    const i = firstAfter(m, p.t - 1);
    m.splice(i, i < m.length && m[i]!.t === p.t ? 1 : 0, p);
    m.splice(0, firstAfter(m, p.t - this.keepMs));
    if (m.length > this.maxPoints) m.splice(0, m.length - this.maxPoints);
  }
}

/** Index of the first point with t > `after` (points sorted by t). */
function firstAfter(points: readonly HistoryPoint[], after: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid]!.t > after) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** A stored point, checked field by field (the row may come from a damaged or edited file). */
export function decodePoint(t: number, ms: number, text: string): HistoryPoint | undefined {
  if (!Number.isSafeInteger(t) || !Number.isSafeInteger(ms) || ms <= 0) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const nums = ['sessions', 'hashRate', ...COUNTERS] as const;
  if (!nums.every((k) => finite(o[k]))) return undefined;
  if (typeof o.htb !== 'object' || o.htb === null || Array.isArray(o.htb)) return undefined;
  const entries = Object.entries(o.htb as Record<string, unknown>);
  if (entries.length > MAX_CLASSES || !entries.every(([, r]) => finite(r))) return undefined;
  const n = (k: (typeof nums)[number]) => o[k] as number;
  return {
    t, ms, sessions: n('sessions'), hashRate: n('hashRate'), accepted: n('accepted'), rejected: n('rejected'),
    forwarded: n('forwarded'), upstreamAccepted: n('upstreamAccepted'), htb: Object.fromEntries(entries) as Record<string, number>,
  };
}

/**
 * At most `max` points: runs of consecutive points merged into one (counters summed, gauges and
 * rates averaged over time), so a week of minutes reaches the page as a few hundred points.
 */
export function downsample(points: readonly HistoryPoint[], max: number): HistoryPoint[] {
  if (!Number.isSafeInteger(max) || max < 1) throw new InputError('max', 'expected a positive integer');
  if (points.length <= max) return [...points];
  const per = Math.ceil(points.length / max);
  const out: HistoryPoint[] = [];
  for (let i = 0; i < points.length; i += per) {
    const end = Math.min(points.length, i + per);
    let ms = 0, sessions = 0, hashRate = 0, accepted = 0, rejected = 0, forwarded = 0, upstreamAccepted = 0;
    const htb: Record<string, number> = {};
    for (let j = i; j < end; j++) {
      const p = points[j]!;
      ms += p.ms;
      sessions += p.sessions * p.ms;
      hashRate += p.hashRate * p.ms;
      accepted += p.accepted;
      rejected += p.rejected;
      forwarded += p.forwarded;
      upstreamAccepted += p.upstreamAccepted;
      for (const [name, rate] of Object.entries(p.htb)) htb[name] = (htb[name] ?? 0) + rate * p.ms;
    }
    for (const name of Object.keys(htb)) htb[name]! /= ms;
    out.push({ t: points[end - 1]!.t, ms, sessions: sessions / ms, hashRate: hashRate / ms, accepted, rejected, forwarded, upstreamAccepted, htb });
  }
  return out;
}
