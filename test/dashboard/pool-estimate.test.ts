import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { getAlgorithm } from '../../src/core/pow/registry.js';
import { decodeSessionOpenResult } from '../../src/core/protocol/workpass.js';
import type { Snapshot } from '../../src/relay/dashboard/snapshot.js';
import { MinerClient, mineShare } from '../../src/relay/miner-client.js';
import { FakePool, until } from '../relay/fake-pool.js';
import { startTestRelay, tempDir, type TestRelay } from '../relay/helpers.js';

const sha256d = getAlgorithm('sha256d');
const POOL_DIFFICULTY = 0.000004;
const USD_PER_SHARE = 0.5;
let t: TestRelay | undefined;
let pool: FakePool | undefined;
let dir: string | undefined;
const clients: MinerClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await t?.stop();
  await pool?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  t = undefined;
  pool = undefined;
  dir = undefined;
});

async function snapshotOf(relay: TestRelay): Promise<Snapshot> {
  const token = readFileSync(join(relay.dataDir, 'dashboard.token'), 'utf8').trim();
  return (await (await fetch(`${relay.relay.dashboard!.url}/api/snapshot`, { headers: { authorization: `Bearer ${token}` } })).json()) as Snapshot;
}

async function startPooled(port: number, dataDir?: string): Promise<TestRelay> {
  const relay = await startTestRelay(
    { pool: `stratum+tcp://127.0.0.1:${port}`, difficulty: '0.000001', dashboard: '127.0.0.1:0' },
    { dashboardSampleMs: 100 },
    { dashboard: { usdPerShare: USD_PER_SHARE, bandwidthKBps: 200_000, role: 'exit' } },
    dataDir,
  );
  await until(() => relay.relay.stats().upstream.state === 'ready');
  return relay;
}

/** Mines `n` shares over WebSocket at the relay's difficulty (about 1 in 4 meets the pool's and is forwarded). */
async function mine(relay: TestRelay, n: number, from = 0): Promise<void> {
  const c = await MinerClient.connect(relay.relay.ws.url);
  clients.push(c);
  const open = decodeSessionOpenResult(await c.request('workpass.session.open', [{ mode: 'donation' }]));
  const sub = await c.subscribe();
  await c.authorize(open.token);
  const job = await c.latestJob();
  for (let i = from; i < from + n; i++) {
    const s = mineShare(sha256d, job, sub.extranonce1, i.toString(16).padStart(2 * sub.extranonce2Size, '0'))!;
    expect(await c.request('mining.submit', [open.token, job.job.jobId, s.extranonce2, s.ntime, s.nonce])).toBe(true);
  }
}


describe('live estimate in pool mode, from a running daemon', () => {
  it('is the shares the pool accepted x pool difficulty x the payout per difficulty-1 share', async () => {
    const p = (pool = new FakePool({ extranonce1: 'cafe0001', difficulty: POOL_DIFFICULTY }));
    const port = await p.listen();
    t = await startTestRelay(
      { pool: `stratum+tcp://127.0.0.1:${port}`, difficulty: '0.000001', dashboard: '127.0.0.1:0' },
      { dashboardSampleMs: 100 },
      { dashboard: { usdPerShare: USD_PER_SHARE, bandwidthKBps: 200_000, role: 'exit' } },
    );
    await until(() => t!.relay.stats().upstream.state === 'ready');
    const c = await MinerClient.connect(t.relay.ws.url);
    clients.push(c);
    const open = decodeSessionOpenResult(await c.request('workpass.session.open', [{ mode: 'donation' }]));
    const sub = await c.subscribe();
    await c.authorize(open.token);
    const job = await c.latestJob();
    for (let i = 0; i < 32; i++) {
      const s = mineShare(sha256d, job, sub.extranonce1, i.toString(16).padStart(2 * sub.extranonce2Size, '0'))!;
      expect(await c.request('mining.submit', [open.token, job.job.jobId, s.extranonce2, s.ntime, s.nonce])).toBe(true);
    }
    await until(() => t!.relay.stats().upstream.accepted === p.accepted() && p.accepted() > 0);
    const snap = await snapshotOf(t);
    expect(snap.estimate.mode).toBe('pool');
    expect(snap.upstream.accepted).toBe(p.accepted());
    expect(snap.estimate.units).toBeCloseTo(p.accepted() * POOL_DIFFICULTY, 12);
    expect(snap.estimate.earned).toBeCloseTo(p.accepted() * POOL_DIFFICULTY * USD_PER_SHARE, 12);
    expect(snap.estimate.model!.incomePerMonth).toBeCloseTo(500, 6);
    // Uptime counts at least one second (the pace divides by it).
    expect(snap.estimate.model!.predicted).toBeCloseTo((500 * Math.max(1, snap.estimate.periodSeconds)) / (30 * 86_400), 12);
    expect(snap.estimate.periodSeconds).toBeGreaterThanOrEqual(snap.uptimeSeconds);
  });

  it('keeps the pool-accepted work in the store: after a restart the earnings still count it', async () => {
    const p = (pool = new FakePool({ extranonce1: 'cafe0001', difficulty: POOL_DIFFICULTY }));
    const port = await p.listen();
    dir = tempDir();
    t = await startPooled(port, dir);
    await mine(t, 32);
    await until(() => t!.relay.stats().upstream.accepted === p.accepted() && p.accepted() > 0);
    const first = p.accepted();
    const forwarded = t.relay.stats().upstream.forwarded;
    await t.stop();

    t = await startPooled(port, dir);
    const snap = await snapshotOf(t);
    expect(snap.upstream.accepted).toBe(0);
    expect(snap.totals.algos.sha256d).toMatchObject({ upstreamAccepted: first, forwarded, accepted: 32 });
    expect(snap.totals.algos.sha256d!.upstreamWork).toBeCloseTo(first * POOL_DIFFICULTY, 12);
    expect(snap.estimate.units).toBeCloseTo(first * POOL_DIFFICULTY, 12);
    expect(snap.estimate.earned).toBeCloseTo(first * POOL_DIFFICULTY * USD_PER_SHARE, 12);
    expect(snap.estimate.run).toMatchObject({ units: 0, earned: 0 });

    await mine(t, 32, 32);
    await until(() => t!.relay.stats().upstream.accepted === p.accepted() - first && p.accepted() > first);
    const later = await snapshotOf(t);
    expect(later.totals.algos.sha256d!.upstreamAccepted).toBe(p.accepted());
    expect(later.estimate.units).toBeCloseTo(p.accepted() * POOL_DIFFICULTY, 12);
    expect(later.estimate.run.units).toBeCloseTo((p.accepted() - first) * POOL_DIFFICULTY, 12);
  });
});
