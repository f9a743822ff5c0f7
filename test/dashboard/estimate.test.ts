import { describe, expect, it } from 'vitest';
import { relayEconomics } from '../../src/core/economics/index.js';
import { Earnings, SECONDS_PER_MONTH, estimate } from '../../src/relay/dashboard/estimate.js';
import type { DashboardSettings } from '../../src/relay/dashboard/settings.js';
import type { JobSourceStats } from '../../src/relay/jobs/source.js';

const settings: DashboardSettings = { host: '127.0.0.1', port: 0, bandwidthKBps: 200_000, role: 'exit', revenueCentsPerDay: 3.8, usdPerShare: 1e-6, usdPerBlock: 250_000 };
const pool = (accepted: number, poolDifficulty: number): JobSourceStats => ({ kind: 'pool', state: 'ready', accepted, rejected: 0, forwarded: accepted, blocks: 0, poolDifficulty });

describe('live estimate', () => {
  it('values shares accepted upstream at the pool difficulty in force', () => {
    const e = new Earnings();
    e.observe(pool(10, 64));
    e.observe(pool(10, 64));
    e.observe(pool(15, 128));
    expect(e.work).toBe(10 * 64 + 5 * 128);
    const r = estimate(settings, pool(15, 128), e, 3600);
    expect(r.mode).toBe('pool');
    expect(r.units).toBe(1280);
    expect(r.earned).toBeCloseTo(1280 * 1e-6, 15);
    expect(r.earnedPerMonth).toBeCloseTo((1280 * 1e-6 * SECONDS_PER_MONTH) / 3600, 12);
  });

  it('counts from zero again when the source is replaced (its counter went down)', () => {
    const e = new Earnings();
    e.observe(pool(100, 1));
    e.observe(pool(3, 1));
    expect(e.work).toBe(103);
  });

  it('in solo mode is blocks found x the block reward', () => {
    const solo: JobSourceStats = { kind: 'solo', state: 'ready', accepted: 500, rejected: 0, forwarded: 0, blocks: 2, poolDifficulty: null };
    const r = estimate(settings, solo, new Earnings(), 86_400);
    expect(r).toMatchObject({ mode: 'solo', units: 2, earned: 500_000 });
  });

  it("puts the model's monthly income, pro-rated to the uptime, beside it", () => {
    const m = relayEconomics(200_000, { role: 'exit', revenueCentsPerDay: 3.8 });
    const r = estimate(settings, pool(0, 1), new Earnings(), 86_400);
    expect(r.model).toEqual({ incomePerMonth: m.income, costPerMonth: m.cost, profitPerMonth: m.profit, predicted: m.income / 30 });
    // The paper's headline: a top exit at 200,000 KB/s earns about 500 USD a month at 3.8 cents per client-day.
    expect(r.model!.incomePerMonth).toBeCloseTo(500, 6);
    expect(estimate({ ...settings, bandwidthKBps: null }, pool(0, 1), new Earnings(), 10).model).toBeNull();
    expect(r.inputs).toEqual({ bandwidthKBps: 200_000, role: 'exit', revenueCentsPerDay: 3.8, usdPerShare: 1e-6, usdPerBlock: 250_000 });
  });
});
