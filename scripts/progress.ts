/**
 * `npm start`'s live progress: one line a second with the hash rate, the shares the relay accepted
 * from the add-on and the tickets, read from the in-process daemon (and from the add-on when the
 * browser lets us read its status). With `once`, ends the job after the first accepted share.
 */
import type { RelayStats } from '../src/relay/index.js';

/** What the add-on reports about itself (Chromium's service worker storage); Firefox gives none. */
export interface AddonStatus {
  readonly hashRate: number;
  /** Share of the whole machine its workers keep busy (0..1). */
  readonly cpu: number;
  readonly tickets: number;
}

export interface ProgressOptions {
  readonly stats: () => Pick<RelayStats, 'shares' | 'tickets' | 'hashRate'>;
  readonly addonStatus: () => Promise<AddonStatus | null>;
  /** Stop with exit 0 after the first accepted share (exit 1 after `timeoutSeconds` without one). */
  readonly once: boolean;
  readonly timeoutSeconds: number;
  /** Ends the job; called at most once. */
  readonly finish: (code: number) => void;
  readonly intervalMs?: number;
  /** The clock's zero for the lines' timestamps (Date.now() ms; default: now). */
  readonly since?: number;
}

export function formatRate(hps: number): string {
  if (hps >= 1e6) return `${(hps / 1e6).toFixed(2)} MH/s`;
  if (hps >= 1e3) return `${(hps / 1e3).toFixed(1)} kH/s`;
  return `${Math.round(hps)} H/s`;
}

/** Starts printing; returns a function that stops the timer. */
export function startProgress(options: ProgressOptions): () => void {
  if (!Number.isInteger(options.timeoutSeconds) || options.timeoutSeconds < 1) {
    throw new RangeError(`timeoutSeconds: a whole number >= 1, got ${options.timeoutSeconds}`);
  }
  // Shares counted before the add-on starts (none on a fresh daemon) are not the add-on's.
  const base = options.stats().shares.accepted;
  const added = Date.now();
  const started = options.since ?? added;
  let done = false;
  let busy = false;
  const end = (code: number): void => {
    if (done) return;
    done = true;
    clearInterval(timer);
    options.finish(code);
  };
  const tick = async (): Promise<void> => {
    const s = options.stats();
    const addon = await options.addonStatus();
    if (done) return;
    const accepted = s.shares.accepted - base;
    const rejected = Object.values(s.shares.rejected).reduce((a, n) => a + n, 0);
    const rate = addon
      ? `${formatRate(addon.hashRate)} (workers busy ${(addon.cpu * 100).toFixed(1)}% of the machine)`
      : `~${formatRate(s.hashRate)} (relay estimate)`;
    const tickets = addon ? `${addon.tickets} in the wallet` : `${s.tickets.issued} issued`;
    const t = Math.round((Date.now() - started) / 1000);
    process.stdout.write(`[${String(t).padStart(4)}s] hash rate ${rate}  shares accepted ${accepted} rejected ${rejected}  tickets ${tickets}\n`);
    if (options.once && accepted >= 1) {
      process.stdout.write(`start: first share from the add-on accepted by the relay ${((Date.now() - added) / 1000).toFixed(1)} s after it was added\n`);
      end(0);
    } else if (options.once && Date.now() - added > options.timeoutSeconds * 1000) {
      process.stderr.write(`start: no accepted share in ${options.timeoutSeconds} s\n`);
      end(1);
    }
  };
  const timer = setInterval(() => {
    // One tick at a time: a slow status read must not stack up lines.
    if (busy || done) return;
    busy = true;
    tick()
      .catch((e: unknown) => process.stderr.write(`start: ${e instanceof Error ? e.message : String(e)}\n`))
      .finally(() => {
        busy = false;
      });
  }, options.intervalMs ?? 1000);
  return () => {
    done = true;
    clearInterval(timer);
  };
}
