import { relayEconomics } from '../../core/economics/index.js';
import type { JobSourceStats } from '../jobs/source.js';
import type { DashboardSettings } from './settings.js';

/**
 * The live estimate (issue 9 item 4): what the relay has earned since it started, next to what the
 * paper's model (src/core/economics) predicts for a relay of its consensus bandwidth and role.
 *   pool mode: earned = sum over shares the pool accepted of (pool difficulty x usdPerShare)
 *   solo mode: earned = blocks found x usdPerBlock
 * The model gives USD per month (30 days); `predicted` is that rate times the uptime.
 */
export const SECONDS_PER_MONTH = 30 * 86_400;

export interface Estimate {
  readonly mode: 'pool' | 'solo';
  /** USD earned since the daemon started. */
  readonly earned: number;
  /** The same, as USD per month at the rate seen so far. */
  readonly earnedPerMonth: number;
  /** Difficulty-1 shares the pool accepted (pool mode) or blocks found (solo). */
  readonly units: number;
  readonly model: { readonly incomePerMonth: number; readonly costPerMonth: number; readonly profitPerMonth: number; readonly predicted: number } | null;
  readonly uptimeSeconds: number;
  /** The configured values the figures come from, shown beside them. */
  readonly inputs: Pick<DashboardSettings, 'bandwidthKBps' | 'role' | 'revenueCentsPerDay' | 'usdPerShare' | 'usdPerBlock'>;
}

/**
 * Accumulates accepted upstream work from successive job-source stats. The pool's counter is
 * sampled, so shares accepted between two samples are valued at the pool difficulty seen at the
 * second one (it changes rarely; the error is bounded by one sample's shares).
 */
export class Earnings {
  #lastAccepted: number | undefined;
  /** Difficulty-1 share equivalents accepted upstream. */
  work = 0;

  observe(upstream: JobSourceStats): void {
    if (upstream.kind !== 'pool') return;
    const prev = this.#lastAccepted ?? 0;
    // A reconnect does not reset the pool source's counters; a smaller value means a new source.
    const delta = upstream.accepted >= prev ? upstream.accepted - prev : upstream.accepted;
    this.work += delta * (upstream.poolDifficulty ?? 0);
    this.#lastAccepted = upstream.accepted;
  }
}

export function estimate(settings: DashboardSettings, upstream: JobSourceStats, earnings: Earnings, uptimeSeconds: number): Estimate {
  const solo = upstream.kind === 'solo';
  const units = solo ? upstream.blocks : earnings.work;
  const earned = solo ? upstream.blocks * settings.usdPerBlock : earnings.work * settings.usdPerShare;
  const up = Math.max(1, uptimeSeconds);
  let model: Estimate['model'] = null;
  if (settings.bandwidthKBps !== null) {
    const m = relayEconomics(settings.bandwidthKBps, { role: settings.role, revenueCentsPerDay: settings.revenueCentsPerDay });
    model = { incomePerMonth: m.income, costPerMonth: m.cost, profitPerMonth: m.profit, predicted: (m.income * up) / SECONDS_PER_MONTH };
  }
  const { bandwidthKBps, role, revenueCentsPerDay, usdPerShare, usdPerBlock } = settings;
  return {
    mode: solo ? 'solo' : 'pool', earned, earnedPerMonth: (earned * SECONDS_PER_MONTH) / up, units, model, uptimeSeconds,
    inputs: { bandwidthKBps, role, revenueCentsPerDay, usdPerShare, usdPerBlock },
  };
}
