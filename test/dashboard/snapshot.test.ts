import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseHtbTree } from '../../src/core/htb/index.js';
import type { ClassStats } from '../../src/core/htb/index.js';
import { getAlgorithm } from '../../src/core/pow/registry.js';
import { decodeSessionOpenResult } from '../../src/core/protocol/workpass.js';
import { Sampler } from '../../src/relay/dashboard/sampler.js';
import type { Snapshot } from '../../src/relay/dashboard/snapshot.js';
import type { TicketDays } from '../../src/relay/dashboard/ticket-days.js';
import type { RelayStats } from '../../src/relay/daemon.js';
import { MinerClient, mineShare } from '../../src/relay/miner-client.js';
import { startRelay } from '../../src/relay/daemon.js';
import { getJson, startTestRelay, tempDir, testConfig, type TestRelay } from '../relay/helpers.js';

const sha256d = getAlgorithm('sha256d');
let t: TestRelay | undefined;
const clients: MinerClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await t?.stop();
  t = undefined;
});

async function snapshot(relay: TestRelay): Promise<Snapshot> {
  const token = readFileSync(join(relay.dataDir, 'dashboard.token'), 'utf8').trim();
  const res = await fetch(`${relay.relay.dashboard!.url}/api/snapshot`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as Snapshot;
}

describe('GET /api/snapshot from a running daemon', () => {
  it('matches /stats and carries the sampled series', async () => {
    t = await startTestRelay({ dashboard: '127.0.0.1:0' }, { dashboardSampleMs: 100 });
    const c = await MinerClient.connect(t.relay.stratum.url);
    clients.push(c);
    const open = decodeSessionOpenResult(await c.request('workpass.session.open', [{ mode: 'donation' }]));
    const sub = await c.subscribe();
    await c.authorize(open.token);
    const job = await c.latestJob();
    for (let i = 0; i < 3; i++) {
      const s = mineShare(sha256d, job, sub.extranonce1, i.toString(16).padStart(2 * sub.extranonce2Size, '0'))!;
      expect(await c.request('mining.submit', [open.token, job.job.jobId, s.extranonce2, s.ntime, s.nonce])).toBe(true);
    }
    // Three samples (every 100 ms), the last one taken after the shares.
    let snap = await snapshot(t);
    for (const end = Date.now() + 10_000; snap.series.t.length < 3 || snap.series.accepted.at(-1) !== 3;) {
      if (Date.now() > end) throw new Error(`no third sample after the shares: ${JSON.stringify(snap.series)}`);
      await new Promise((r) => setTimeout(r, 50));
      snap = await snapshot(t);
    }
    const stats = (await getJson(`${t.relay.http.url}/stats`)) as RelayStats;
    expect(snap.version).toBe(1);
    expect(snap.algo).toBe('sha256d');
    expect(snap.sessions).toBe(stats.sessions);
    expect(snap.shares).toEqual(stats.shares);
    expect(snap.shares.accepted).toBe(3);
    expect(snap.upstream).toEqual(stats.upstream);
    expect(snap.tickets.issued).toBe(stats.tickets.issued);
    expect(snap.htb).toBeNull();
    expect(snap.partners).toEqual([]);
    expect(snap.estimate).toMatchObject({ mode: 'solo', earned: 0, model: null });
    const n = snap.series.t.length;
    expect(n).toBeGreaterThanOrEqual(3);
    for (const col of [snap.series.sessions, snap.series.accepted, snap.series.rejected, snap.series.forwarded, snap.series.upstreamAccepted, snap.series.hashRate.sha256d!]) {
      expect(col).toHaveLength(n);
    }
    expect(snap.series.t).toEqual([...snap.series.t].sort((a, b) => a - b));
    expect(snap.series.accepted[n - 1]).toBe(3);
    expect(snap.series.hashRate.sha256d![n - 1]).toBeGreaterThan(0);
    expect(snap.tickets.days[0]!.day).toBe(new Date(snap.now).toISOString().slice(0, 10));
  });

  it('closes its listener with the daemon', async () => {
    t = await startTestRelay({ dashboard: '127.0.0.1:0' });
    const url = t.relay.dashboard!.url;
    expect((await fetch(url + '/')).status).toBe(200);
    await t.stop();
    t = undefined;
    await expect(fetch(url + '/')).rejects.toThrow();
  });

  it('fails the start cleanly when its port is taken: the other listeners close again', async () => {
    const listen = async (port = 0) => {
      const srv = createServer();
      await new Promise<void>((r, j) => srv.once('error', j).listen(port, '127.0.0.1', r));
      return { port: (srv.address() as AddressInfo).port, close: () => new Promise<void>((r) => srv.close(() => r())) };
    };
    const blocker = await listen();
    const ports: number[] = [];
    for (let i = 0; i < 3; i++) {
      const p = await listen();
      ports.push(p.port);
      await p.close();
    }
    const dir = tempDir();
    try {
      const flags = { ws: `127.0.0.1:${ports[0]}`, stratum: `127.0.0.1:${ports[1]}`, http: `127.0.0.1:${ports[2]}`, dashboard: `127.0.0.1:${blocker.port}` };
      await expect(startRelay(testConfig(dir, flags), { logger: pino({ level: 'silent' }) })).rejects.toThrow(/EADDRINUSE/);
      // The WebSocket, Stratum and HTTP ports the relay had bound are free again.
      for (const port of ports) await (await listen(port)).close();
    } finally {
      await blocker.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is absent unless configured', async () => {
    t = await startTestRelay();
    expect(t.relay.dashboard).toBeNull();
  });
});

describe('Sampler', () => {
  const stats = (): RelayStats => ({
    sessions: 2, shares: { accepted: 5, rejected: { stale: 1, duplicate: 2 } }, tickets: { issued: 0, spent: 0 }, malformed: 0, hashRate: 1e6,
    upstream: { kind: 'pool', state: 'ready', accepted: 4, rejected: 0, forwarded: 4, blocks: 0, poolDifficulty: 8 },
    store: { sessions: 0, shares: 0, issued: 0, spent: 0 }, uptimeSeconds: 1,
  } as unknown as RelayStats);
  const noDays = { update: () => [] } as unknown as TicketDays;

  it('turns HTB byte counters into bytes per second per class, and stays bounded', () => {
    let now = 1_000_000;
    let sent = 0;
    const tree = parseHtbTree({ name: 'root', rate: 1000, children: [{ name: 'a', rate: 500 }, { name: 'b', rate: 500 }] });
    const view = { tree, stats: () => new Map<string, ClassStats>([['a', { sentBytes: sent, queuedBytes: 0, queued: 0, tokens: 0, ctokens: 0, mode: 'green' }]]) };
    const s = new Sampler({ stats, htb: () => view, ticketDays: noDays }, () => now, (e) => { throw e; }, 1000, 3);
    expect(s.sample().htb).toEqual({ a: 0 });
    now += 2000;
    sent += 5000;
    expect(s.sample()).toMatchObject({ sessions: 2, accepted: 5, rejected: 3, forwarded: 4, upstreamAccepted: 4, htb: { a: 2500 } });
    for (let i = 0; i < 5; i++) {
      now += 1000;
      s.sample();
    }
    expect(s.ring.size).toBe(3);
    expect(s.htbNow).toEqual({ a: 0 });
  });

  it('refuses an interval under 100 ms', () => {
    expect(() => new Sampler({ stats, htb: () => null, ticketDays: noDays }, Date.now, () => {}, 10)).toThrow(RangeError);
  });
});
