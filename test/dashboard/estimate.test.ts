import { describe, expect, it } from 'vitest';
import { relayEconomics } from '../../src/core/economics/index.js';
import { InputError } from '../../src/core/util/errors.js';
import { SECONDS_PER_MONTH, estimate, type EstimateInput } from '../../src/relay/dashboard/estimate.js';
import type { DashboardSettings } from '../../src/relay/dashboard/settings.js';
import { ZERO_TOTALS } from '../../src/relay/store/earnings.js';

const settings: DashboardSettings = { host: '127.0.0.1', port: 0, bandwidthKBps: 200_000, role: 'exit', revenueCentsPerDay: 3.8, usdPerShare: 1e-6, usdPerBlock: 250_000 };
const T0 = 1_800_000_000_000;
const input = (over: Partial<EstimateInput>): EstimateInput => ({ mode: 'pool', total: ZERO_TOTALS, run: ZERO_TOTALS, since: T0, now: T0 + 3_600_000, uptimeSeconds: 3600, ...over });

describe('live estimate', () => {
  it('values the pool-accepted work (pool difficulty summed) at usdPerShare, over the period since counting began', () => {
    const r = estimate(settings, input({
      total: { ...ZERO_TOTALS, upstreamAccepted: 15, upstreamWork: 1280 },
      run: { ...ZERO_TOTALS, upstreamAccepted: 5, upstreamWork: 640 },
      now: T0 + 7_200_000, uptimeSeconds: 1800,
    }));
    expect(r.mode).toBe('pool');
    expect(r.units).toBe(1280);
    expect(r.earned).toBeCloseTo(1280 * 1e-6, 15);
    expect(r.periodSeconds).toBe(7200);
    // The pace is over the whole period (downtime included), not this run's uptime.
    expect(r.earnedPerMonth).toBeCloseTo((1280 * 1e-6 * SECONDS_PER_MONTH) / 7200, 12);
    expect(r.run).toEqual({ earned: 640 * 1e-6, units: 640, uptimeSeconds: 1800 });
    expect(r.since).toBe(T0);
  });

  it('in solo mode is blocks found x the block reward', () => {
    const r = estimate(settings, input({ mode: 'solo', total: { ...ZERO_TOTALS, blocks: 2, upstreamWork: 99 }, run: { ...ZERO_TOTALS, blocks: 1 }, now: T0 + 86_400_000, uptimeSeconds: 60 }));
    expect(r).toMatchObject({ mode: 'solo', units: 2, earned: 500_000, run: { units: 1, earned: 250_000 } });
  });

  it("puts the model's monthly income, pro-rated to the period, beside it", () => {
    const m = relayEconomics(200_000, { role: 'exit', revenueCentsPerDay: 3.8 });
    const r = estimate(settings, input({ now: T0 + 86_400_000, uptimeSeconds: 10 }));
    expect(r.model).toEqual({ incomePerMonth: m.income, costPerMonth: m.cost, profitPerMonth: m.profit, predicted: m.income / 30 });
    // The paper's headline: a top exit at 200,000 KB/s earns about 500 USD a month at 3.8 cents per client-day.
    expect(r.model!.incomePerMonth).toBeCloseTo(500, 6);
    expect(estimate({ ...settings, bandwidthKBps: null }, input({})).model).toBeNull();
    expect(r.inputs).toEqual({ bandwidthKBps: 200_000, role: 'exit', revenueCentsPerDay: 3.8, usdPerShare: 1e-6, usdPerBlock: 250_000 });
  });

  it('counts at least this run as the period when the clock was set back', () => {
    const r = estimate(settings, input({ since: T0, now: T0 - 5_000_000, uptimeSeconds: 120 }));
    expect(r.periodSeconds).toBe(120);
    expect(Number.isFinite(r.earnedPerMonth)).toBe(true);
  });

  it('refuses a bad mode, time or uptime', () => {
    expect(() => estimate(settings, input({ mode: 'both' as 'pool' }))).toThrow(InputError);
    expect(() => estimate(settings, input({ since: NaN }))).toThrow(InputError);
    expect(() => estimate(settings, input({ uptimeSeconds: -1 }))).toThrow(InputError);
  });
});
