import { relayEconomics } from '../../core/economics/index.js';
import { InputError } from '../../core/util/errors.js';
import type { EarningsTotals } from '../store/earnings.js';
import type { DashboardSettings } from './settings.js';

/**
 * The live estimate (issue 9 item 4): what the relay has earned, next to what the paper's model
 * (src/core/economics) predicts for a relay of its consensus bandwidth and role.
 *   pool mode: earned = sum over shares the pool accepted of (pool difficulty x usdPerShare)
 *   solo mode: earned = blocks found x usdPerBlock
 * The counts come from the store (store/earnings.ts), so they add up across restarts: the period is
 * from `since` (when counting began) to now, calendar time, and `run` is this daemon's part.
 * The model gives USD per month (30 days); `predicted` is that rate times the period.
 */
export const SECONDS_PER_MONTH = 30 * 86_400;

export interface Estimate {
  readonly mode: 'pool' | 'solo';
  /** USD earned since `since`. */
  readonly earned: number;
  /** The same, as USD per month at the rate seen over the period. */
  readonly earnedPerMonth: number;
  /** Difficulty-1 shares the pool accepted (pool mode) or blocks found (solo), since `since`. */
  readonly units: number;
  /** When counting began (ms): the first start of a daemon with this store's earnings table. */
  readonly since: number;
  readonly periodSeconds: number;
  /** The part of it this daemon counted since it started. */
  readonly run: { readonly earned: number; readonly units: number; readonly uptimeSeconds: number };
  readonly model: { readonly incomePerMonth: number; readonly costPerMonth: number; readonly profitPerMonth: number; readonly predicted: number } | null;
  readonly uptimeSeconds: number;
  /** The configured values the figures come from, shown beside them. */
  readonly inputs: Pick<DashboardSettings, 'bandwidthKBps' | 'role' | 'revenueCentsPerDay' | 'usdPerShare' | 'usdPerBlock'>;
}

export interface EstimateInput {
  readonly mode: 'pool' | 'solo';
  /** Counted since `since` (the store's totals for the dashboard's algorithm). */
  readonly total: EarningsTotals;
  /** Counted by this daemon. */
  readonly run: EarningsTotals;
  readonly since: number;
  readonly now: number;
  readonly uptimeSeconds: number;
}

export function estimate(settings: DashboardSettings, input: EstimateInput): Estimate {
  const { mode, total, run, since, now, uptimeSeconds } = input;
  if (mode !== 'pool' && mode !== 'solo') throw new InputError('mode', "expected 'pool' or 'solo'");
  if (!Number.isFinite(since) || !Number.isFinite(now)) throw new InputError('since', 'expected finite times in ms');
  if (!Number.isFinite(uptimeSeconds) || uptimeSeconds < 0) throw new InputError('uptimeSeconds', 'expected a finite number >= 0');
  const solo = mode === 'solo';
  const unitsOf = (t: EarningsTotals) => (solo ? t.blocks : t.upstreamWork);
  const price = solo ? settings.usdPerBlock : settings.usdPerShare;
  const units = unitsOf(total);
  const earned = units * price;
  // The period is at least this run's uptime (a clock set back cannot shorten it below that).
  const periodSeconds = Math.max(uptimeSeconds, Math.floor((now - since) / 1000));
  const period = Math.max(1, periodSeconds);
  let model: Estimate['model'] = null;
  if (settings.bandwidthKBps !== null) {
    const m = relayEconomics(settings.bandwidthKBps, { role: settings.role, revenueCentsPerDay: settings.revenueCentsPerDay });
    model = { incomePerMonth: m.income, costPerMonth: m.cost, profitPerMonth: m.profit, predicted: (m.income * period) / SECONDS_PER_MONTH };
  }
  const { bandwidthKBps, role, revenueCentsPerDay, usdPerShare, usdPerBlock } = settings;
  return {
    mode, earned, earnedPerMonth: (earned * SECONDS_PER_MONTH) / period, units, since, periodSeconds,
    run: { earned: unitsOf(run) * price, units: unitsOf(run), uptimeSeconds },
    model, uptimeSeconds,
    inputs: { bandwidthKBps, role, revenueCentsPerDay, usdPerShare, usdPerBlock },
  };
}
