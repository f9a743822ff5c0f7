import { InputError } from '../../core/util/errors.js';
import type { Store } from '../store/store.js';
import type { Sample } from './sampler.js';

/**
 * The dashboard's coarse history, kept in the store (table `dashboard_history`, migration 3) so the
 * charts still have a past after a restart. The sampler's fine points (ring.ts, memory only) are
 * folded into one point per `resolutionMs` (default a minute); points older than `keepMs` (default
 * 7 days) are deleted as new ones are written, and never more than keepMs / resolutionMs are kept
 * (the bound holds even if the clock jumps).
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
      since: db.prepare('SELECT t, ms, point FROM dashboard_history WHERE t > ? ORDER BY t'),
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
    this.#spanStart = t;
    this.#base = { accepted: s.accepted, rejected: s.rejected, forwarded: s.forwarded, upstreamAccepted: s.upstreamAccepted };
    this.#bytes = new Map();
    return point;
  }

  /** Kept points with t > `after`, oldest first; a damaged row is skipped. */
  since(after: number): HistoryPoint[] {
    if (typeof after !== 'number' || Number.isNaN(after)) throw new InputError('after', 'expected a time in ms');
    const out: HistoryPoint[] = [];
    for (const r of this.#st.since.all(after) as Array<{ t: number; ms: number; point: string }>) {
      const p = decodePoint(r.t, r.ms, r.point);
      if (p !== undefined) out.push(p);
    }
    return out;
  }
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
    const run = points.slice(i, i + per);
    const ms = run.reduce((a, p) => a + p.ms, 0);
    const avg = (f: (p: HistoryPoint) => number) => run.reduce((a, p) => a + f(p) * p.ms, 0) / ms;
    const sum = (f: (p: HistoryPoint) => number) => run.reduce((a, p) => a + f(p), 0);
    const classes = new Set(run.flatMap((p) => Object.keys(p.htb)));
    out.push({
      t: run[run.length - 1]!.t, ms, sessions: avg((p) => p.sessions), hashRate: avg((p) => p.hashRate),
      accepted: sum((p) => p.accepted), rejected: sum((p) => p.rejected), forwarded: sum((p) => p.forwarded), upstreamAccepted: sum((p) => p.upstreamAccepted),
      htb: Object.fromEntries([...classes].map((c) => [c, avg((p) => p.htb[c] ?? 0)])),
    });
  }
  return out;
}
