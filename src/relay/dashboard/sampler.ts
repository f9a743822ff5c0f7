import type { ClassStats } from '../../core/htb/index.js';
import type { HtbTree } from '../../core/htb/index.js';
import type { RelayStats } from '../daemon.js';
import type { History } from './history.js';
import { TimeSeriesRing } from './ring.js';
import type { TicketDay, TicketDays } from './ticket-days.js';

/**
 * Samples the daemon's own counters every `intervalMs` into a bounded ring (default 1 point / 5 s
 * for an hour), from which the dashboard draws its charts. Rates (HTB bytes/s) are differences of
 * counters between two samples; cumulative counters are kept as they are and differenced by the page.
 * Each sample also goes to the coarse history in the store (history.ts), when one is given.
 */
export interface Sample {
  readonly sessions: number;
  /** Hashes per second, from accepted shares' assigned difficulty (the daemon's last-minute estimate). */
  readonly hashRate: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly forwarded: number;
  readonly upstreamAccepted: number;
  /** Bytes per second sent through each HTB class since the previous sample (gateway running). */
  readonly htb: Readonly<Record<string, number>>;
}

export interface HtbView {
  readonly tree: HtbTree;
  stats(): Map<string, ClassStats>;
}

export interface SamplerSources {
  stats(): RelayStats;
  /** The gateway's pacer and class tree, or null when no gateway runs. */
  htb(): HtbView | null;
  readonly ticketDays: TicketDays;
  readonly history?: History;
}

export const DEFAULT_INTERVAL_MS = 5_000;
export const DEFAULT_CAPACITY = 720;

export class Sampler {
  readonly ring: TimeSeriesRing<Sample>;
  readonly intervalMs: number;
  readonly #sources: SamplerSources;
  readonly #now: () => number;
  #lastSent: { t: number; bytes: Map<string, number> } | undefined;
  #htbNow: Record<string, number> = {};
  #days: TicketDay[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;
  #onError: (err: unknown) => void;

  constructor(sources: SamplerSources, now: () => number, onError: (err: unknown) => void, intervalMs = DEFAULT_INTERVAL_MS, capacity = DEFAULT_CAPACITY) {
    if (!Number.isSafeInteger(intervalMs) || intervalMs < 100) throw new RangeError('intervalMs: expected an integer >= 100');
    this.ring = new TimeSeriesRing<Sample>(capacity);
    this.intervalMs = intervalMs;
    this.#sources = sources;
    this.#now = now;
    this.#onError = onError;
  }

  /** Takes a sample now and then every interval. */
  start(): void {
    this.#safeSample();
    this.#timer ??= setInterval(() => this.#safeSample(), this.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** HTB bytes per second per class over the last sample interval. */
  get htbNow(): Readonly<Record<string, number>> {
    return this.#htbNow;
  }

  get ticketDays(): readonly TicketDay[] {
    return this.#days;
  }

  #safeSample(): void {
    try {
      this.sample();
    } catch (err) {
      this.#onError(err);
    }
  }

  sample(): Sample {
    const t = this.#now();
    const s = this.#sources.stats();
    this.#htbNow = this.#htbRates(t);
    this.#days = this.#sources.ticketDays.update(t);
    const rejected = Object.values(s.shares.rejected).reduce((a, b) => a + b, 0);
    const sample: Sample = {
      sessions: s.sessions,
      hashRate: s.hashRate,
      accepted: s.shares.accepted,
      rejected,
      forwarded: s.upstream.forwarded,
      upstreamAccepted: s.upstream.accepted,
      htb: this.#htbNow,
    };
    const last = this.ring.last();
    const at = last === undefined ? t : Math.max(t, last.t);
    this.ring.push(at, sample);
    this.#sources.history?.offer(at, sample);
    return sample;
  }

  #htbRates(t: number): Record<string, number> {
    const view = this.#sources.htb();
    if (view === null) return {};
    const bytes = new Map<string, number>();
    for (const [name, st] of view.stats()) bytes.set(name, st.sentBytes);
    const prev = this.#lastSent;
    this.#lastSent = { t, bytes };
    const out: Record<string, number> = {};
    const seconds = prev === undefined ? 0 : (t - prev.t) / 1000;
    for (const [name, b] of bytes) out[name] = seconds > 0 ? Math.max(0, b - (prev!.bytes.get(name) ?? 0)) / seconds : 0;
    return out;
  }
}
