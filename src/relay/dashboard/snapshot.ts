import type { RelayStats } from '../daemon.js';
import type { JobSourceStats } from '../jobs/source.js';
import { estimate, type Estimate } from './estimate.js';
import type { HtbView, Sampler } from './sampler.js';
import type { DashboardSettings } from './settings.js';
import type { TicketDay } from './ticket-days.js';

/**
 * GET /api/snapshot: everything the page shows, as one JSON object (version 1). Current values
 * are read when the request comes; `series` is the sampler's ring, column by column (one entry
 * per sample, times in `t`), so the page's charts need no other request.
 */
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
  stats(): RelayStats;
  htb(): HtbView | null;
  partners(): readonly PartnerView[];
  now(): number;
}

export function buildSnapshot(src: SnapshotSources): Snapshot {
  const s = src.stats();
  // Count upstream shares accepted since the last sample, so the estimate is current to this request.
  src.sampler.earnings.observe(s.upstream);
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
  return {
    version: 1,
    now: src.now(),
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
    estimate: estimate(src.settings, s.upstream, src.sampler.earnings, s.uptimeSeconds),
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
