import type { RelayStats } from '../daemon.js';
import { InputError } from '../../core/util/errors.js';
import type { JobSourceStats } from '../jobs/source.js';
import { totalsOf, type EarningsCounters, type EarningsTotals } from '../store/earnings.js';
import { estimate, type Estimate } from './estimate.js';
import type { History, HistoryPoint } from './history.js';
import type { HtbView, Sampler } from './sampler.js';
import type { DashboardSettings } from './settings.js';
import type { TicketDay } from './ticket-days.js';

/**
 * GET /api/snapshot: everything the page shows, as one JSON object (version 1). Current values
 * are read when the request comes; `series` is the sampler's ring, column by column (one entry
 * per sample, times in `t`), so the page's charts need no other request. `totals` and `history`
 * come from the store and outlive restarts: the earnings counters since counting began, and the
 * coarse history over `?history=1h|24h|7d` (default 1h), at most HISTORY_POINTS points.
 */
export const HISTORY_RANGES = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 } as const;
export type HistoryRange = keyof typeof HISTORY_RANGES;
export const HISTORY_POINTS = 720;

export function parseHistoryRange(raw: string | null): HistoryRange {
  if (raw === null) return '1h';
  if (Object.hasOwn(HISTORY_RANGES, raw)) return raw as HistoryRange;
  throw new InputError('history', `expected one of ${Object.keys(HISTORY_RANGES).join(', ')}`);
}

export interface TotalsView extends EarningsTotals {
  readonly since: number;
}

export interface PartnerView {
  /** The partner's Ed25519 exchange key, hex. */
  readonly publicKey: string;
  readonly url: string;
  readonly served: number;
  readonly paid: number;
  readonly conflicts: number;
  /** Tickets of theirs served here and not yet paid for (served + conflicts - paid). */
  readonly unpaid: number;
  readonly trustLimit: number;
  readonly accepting: boolean;
}

export interface HtbClassView {
  readonly name: string;
  readonly parent: string | null;
  readonly leaf: boolean;
  /** Bytes per second. */
  readonly rate: number;
  readonly ceil: number;
  /** Bytes per second over the last sample interval. */
  readonly now: number;
  readonly sentBytes: number;
  readonly queuedBytes: number;
  readonly mode: string;
}

export interface Snapshot {
  readonly version: 1;
  readonly now: number;
  readonly name: string;
  readonly algo: string;
  readonly uptimeSeconds: number;
  readonly sessions: number;
  readonly hashRate: number;
  readonly shares: RelayStats['shares'];
  readonly malformed: number;
  readonly upstream: JobSourceStats;
  readonly tickets: { readonly issued: number; readonly spent: number; readonly days: readonly TicketDay[] };
  readonly htb: readonly HtbClassView[] | null;
  readonly partners: readonly PartnerView[];
  readonly estimate: Estimate;
  /** Since counting began, per algorithm (store/earnings.ts); `since` is the dashboard algorithm's. */
  readonly totals: { readonly since: number; readonly algos: Readonly<Record<string, TotalsView>> };
  /** The stored history: per point, counters are counts in its span of `ms`, rates averages over it. */
  readonly history: {
    readonly range: HistoryRange;
    readonly resolutionMs: number;
    readonly keepMs: number;
    readonly t: number[];
    readonly ms: number[];
    readonly sessions: number[];
    readonly hashRate: Record<string, number[]>;
    readonly accepted: number[];
    readonly rejected: number[];
    readonly forwarded: number[];
    readonly upstreamAccepted: number[];
    readonly htb: Record<string, number[]>;
  };
  readonly series: {
    readonly intervalMs: number;
    readonly t: number[];
    readonly sessions: number[];
    /** Keyed by algorithm name (the daemon mines one algorithm). */
    readonly hashRate: Record<string, number[]>;
    readonly accepted: number[];
    readonly rejected: number[];
    readonly forwarded: number[];
    readonly upstreamAccepted: number[];
    /** Keyed by HTB class name; bytes per second. */
    readonly htb: Record<string, number[]>;
  };
}

export interface SnapshotSources {
  readonly name: string;
  readonly algo: string;
  readonly settings: DashboardSettings;
  readonly sampler: Sampler;
  readonly earnings: EarningsCounters;
  readonly history: History | null;
  stats(): RelayStats;
  htb(): HtbView | null;
  partners(): readonly PartnerView[];
  now(): number;
}

export function buildSnapshot(src: SnapshotSources, range: HistoryRange = '1h'): Snapshot {
  if (!Object.hasOwn(HISTORY_RANGES, range)) throw new InputError('history', 'unknown range');
  const s = src.stats();
  const now = src.now();
  const rows = src.earnings.all();
  const algos: Record<string, TotalsView> = Object.fromEntries(rows.map((r) => [r.algo, { ...totalsOf(r), since: r.since }]));
  const mine = algos[src.algo];
  const since = mine?.since ?? now - s.uptimeSeconds * 1000;
  const points = src.sampler.ring.points();
  const col = <K extends keyof (typeof points)[number]['v']>(k: K) => points.map((p) => p.v[k]);
  const view = src.htb();
  const htbNow = src.sampler.htbNow;
  let htb: HtbClassView[] | null = null;
  const htbSeries: Record<string, number[]> = {};
  if (view !== null) {
    const stats = view.stats();
    htb = view.tree.classes.map((c) => {
      const st = stats.get(c.name);
      return {
        name: c.name, parent: c.parent?.name ?? null, leaf: c.children.length === 0, rate: c.rate, ceil: c.ceil,
        now: htbNow[c.name] ?? 0, sentBytes: st?.sentBytes ?? 0, queuedBytes: st?.queuedBytes ?? 0, mode: st?.mode ?? 'green',
      };
    });
    for (const c of view.tree.classes) htbSeries[c.name] = points.map((p) => p.v.htb[c.name] ?? 0);
  }
  const kept: HistoryPoint[] = src.history === null ? [] : src.history.window(now - HISTORY_RANGES[range], HISTORY_POINTS);
  const hcol = (f: (p: HistoryPoint) => number) => kept.map(f);
  const historyHtb: Record<string, number[]> = {};
  if (view !== null) for (const c of view.tree.classes) historyHtb[c.name] = hcol((p) => p.htb[c.name] ?? 0);
  return {
    version: 1,
    now,
    name: src.name,
    algo: src.algo,
    uptimeSeconds: s.uptimeSeconds,
    sessions: s.sessions,
    hashRate: s.hashRate,
    shares: s.shares,
    malformed: s.malformed,
    upstream: s.upstream,
    tickets: { issued: s.tickets.issued, spent: s.tickets.spent, days: src.sampler.ticketDays },
    htb,
    partners: src.partners(),
    estimate: estimate(src.settings, {
      mode: s.upstream.kind, total: mine ?? src.earnings.sinceOpen(src.algo), run: src.earnings.sinceOpen(src.algo), since, now, uptimeSeconds: s.uptimeSeconds,
    }),
    totals: { since, algos },
    history: {
      range,
      resolutionMs: src.history?.resolutionMs ?? 0,
      keepMs: src.history?.keepMs ?? 0,
      t: hcol((p) => p.t),
      ms: hcol((p) => p.ms),
      sessions: hcol((p) => p.sessions),
      hashRate: { [src.algo]: hcol((p) => p.hashRate) },
      accepted: hcol((p) => p.accepted),
      rejected: hcol((p) => p.rejected),
      forwarded: hcol((p) => p.forwarded),
      upstreamAccepted: hcol((p) => p.upstreamAccepted),
      htb: historyHtb,
    },
    series: {
      intervalMs: src.sampler.intervalMs,
      t: points.map((p) => p.t),
      sessions: col('sessions'),
      hashRate: { [src.algo]: col('hashRate') },
      accepted: col('accepted'),
      rejected: col('rejected'),
      forwarded: col('forwarded'),
      upstreamAccepted: col('upstreamAccepted'),
      htb: htbSeries,
    },
  };
}
