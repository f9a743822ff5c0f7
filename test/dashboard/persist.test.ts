import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { getAlgorithm } from '../../src/core/pow/registry.js';
import { decodeSessionOpenResult } from '../../src/core/protocol/workpass.js';
import type { Snapshot } from '../../src/relay/dashboard/snapshot.js';
import { MinerClient, mineShare, type ReceivedJob } from '../../src/relay/miner-client.js';
import { startTestRelay, tempDir, type TestRelay } from '../relay/helpers.js';

/**
 * The dashboard's earnings and history outlive the daemon: an in-process daemon mines, is stopped,
 * and a second one on the same data dir shows the first one's totals and stored history points.
 * The daemon's clock is injected (`now`), so a minute passes for the history without waiting.
 */
const sha256d = getAlgorithm('sha256d');
const USD_PER_BLOCK = 100;
// Solo with regtest nBits: every share at the relay's difficulty also solves a block.
const FILE = { solo: { nbits: '207fffff' }, dashboard: { usdPerBlock: USD_PER_BLOCK } };

let t: TestRelay | undefined;
let dir: string | undefined;
const clients: MinerClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await t?.stop();
  t = undefined;
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function snapshot(relay: TestRelay, query = ''): Promise<Snapshot> {
  const token = readFileSync(join(relay.dataDir, 'dashboard.token'), 'utf8').trim();
  const res = await fetch(`${relay.relay.dashboard!.url}/api/snapshot${query}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as Snapshot;
}

/** Mines `n` shares over Stratum, each on the newest job (each one is a block and moves the tip). */
async function mine(relay: TestRelay, n: number): Promise<void> {
  const c = await MinerClient.connect(relay.relay.stratum.url);
  clients.push(c);
  const open = decodeSessionOpenResult(await c.request('workpass.session.open', [{ mode: 'donation' }]));
  const sub = await c.subscribe();
  await c.authorize(open.token);
  let job: ReceivedJob = await c.nextJob();
  for (let i = 0; i < n; i++) {
    const s = mineShare(sha256d, job, sub.extranonce1, i.toString(16).padStart(2 * sub.extranonce2Size, '0'))!;
    expect(await c.request('mining.submit', [open.token, job.job.jobId, s.extranonce2, s.ntime, s.nonce])).toBe(true);
    job = await c.nextJob();
  }
  c.close();
}

describe('dashboard totals and history across a daemon restart', () => {
  it('shows the first run\'s shares, blocks, earnings and history points after a restart on the same data dir', async () => {
    dir = tempDir();
    let skew = 0;
    const deps = { now: () => Date.now() + skew, dashboardSampleMs: 3_600_000 };
    t = await startTestRelay({ dashboard: '127.0.0.1:0' }, deps, FILE, dir);
    const firstStart = Date.now();
    await mine(t, 3);
    // A minute on the daemon's clock, then a sample: the history gets its first stored point.
    skew += 61_000;
    t.relay.dashboard!.sampler.sample();
    const before = await snapshot(t);
    expect(before.shares.accepted).toBe(3);
    expect(before.upstream.blocks).toBe(3);
    expect(before.totals.algos.sha256d).toMatchObject({ accepted: 3, blocks: 3 });
    expect(before.estimate).toMatchObject({ mode: 'solo', units: 3, earned: 3 * USD_PER_BLOCK, run: { units: 3 } });
    expect(before.history.t).toHaveLength(1);
    expect(before.history.accepted).toEqual([3]);
    await t.stop();

    t = await startTestRelay({ dashboard: '127.0.0.1:0' }, deps, FILE, dir);
    const after = await snapshot(t);
    // The daemon's own counters start again; the stored ones do not.
    expect(after.shares.accepted).toBe(0);
    expect(after.upstream.blocks).toBe(0);
    expect(after.totals.algos.sha256d).toMatchObject({ accepted: 3, blocks: 3 });
    expect(after.totals.since).toBe(before.totals.since);
    expect(after.totals.since).toBeGreaterThanOrEqual(firstStart - 60_000);
    expect(after.estimate).toMatchObject({ units: 3, earned: 3 * USD_PER_BLOCK, since: before.estimate.since, run: { units: 0, earned: 0 } });
    expect(after.history.t).toEqual(before.history.t);
    expect(after.history.accepted).toEqual([3]);

    // Counting goes on from the stored totals.
    await mine(t, 2);
    const more = await snapshot(t);
    expect(more.totals.algos.sha256d).toMatchObject({ accepted: 5, blocks: 5 });
    expect(more.estimate).toMatchObject({ units: 5, run: { units: 2 } });
    expect(more.shares.accepted).toBe(2);
  });

  it('answers the stored history over 1h, 24h or 7d, and 400 for any other range', async () => {
    dir = tempDir();
    t = await startTestRelay({ dashboard: '127.0.0.1:0' }, {}, FILE, dir);
    for (const r of ['1h', '24h', '7d'] as const) expect((await snapshot(t, `?history=${r}`)).history.range).toBe(r);
    expect((await snapshot(t)).history).toMatchObject({ range: '1h', resolutionMs: 60_000, keepMs: 7 * 86_400_000 });
    const token = readFileSync(join(t.dataDir, 'dashboard.token'), 'utf8').trim();
    for (const q of ['?history=1y', '?history=', '?history=__proto__', '?history=constructor']) {
      const res = await fetch(`${t.relay.dashboard!.url}/api/snapshot${q}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/history/);
    }
  });
});
