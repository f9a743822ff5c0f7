import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { getAlgorithm } from '../../src/core/pow/registry.js';
import { verifyDescriptor, decodeDescriptor } from '../../src/core/protocol/descriptor.js';
import { decodeSessionOpenResult, decodeSessionStatusResult } from '../../src/core/protocol/workpass.js';
import { MinerClient, RemoteError, mineShare, type ReceivedJob } from '../../src/relay/miner-client.js';
import { getJson, startTestRelay, tempDir, type TestRelay } from './helpers.js';

const sha256d = getAlgorithm('sha256d');
let t: TestRelay | undefined;
const clients: MinerClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await t?.stop();
  t = undefined;
});

async function miner(url: string): Promise<{ c: MinerClient; token: string; en1: string; en2Size: number }> {
  const c = await MinerClient.connect(url);
  clients.push(c);
  const open = decodeSessionOpenResult(await c.request('workpass.session.open', [{ mode: 'tickets' }]));
  const sub = await c.subscribe();
  await c.authorize(open.token);
  return { c, token: open.token, en1: sub.extranonce1, en2Size: sub.extranonce2Size };
}

let en2Counter = 0;
async function submit(m: Awaited<ReturnType<typeof miner>>, job: ReceivedJob): Promise<unknown> {
  const s = mineShare(sha256d, job, m.en1, (en2Counter++).toString(16).padStart(2 * m.en2Size, '0'))!;
  return m.c.request('mining.submit', [m.token, job.job.jobId, s.extranonce2, s.ntime, s.nonce]);
}

describe('relay daemon', () => {
  it('vardiff: set_difficulty before the notify it applies to; earlier jobs still count at their difficulty', async () => {
    t = await startTestRelay({ difficulty: '0.000001' });
    const m = await miner(t.relay.ws.url);
    const first = await m.c.nextJob();
    expect(first.difficulty).toBe(0.000001);
    // 12 quick shares trigger a retarget (4x up).
    for (let i = 0; i < 12; i++) expect(await submit(m, first)).toBe(true);
    const second = await m.c.nextJob();
    expect(second.difficulty).toBe(0.000004);
    expect(second.job.jobId).not.toBe(first.job.jobId);
    const order = m.c.notices.map((n) => n.method);
    const setIdx = order.lastIndexOf('mining.set_difficulty');
    expect(order[setIdx + 1]).toBe('mining.notify');
    // A share for the earlier job id, mined at the earlier difficulty, is still accepted...
    expect(await submit(m, first)).toBe(true);
    // ...and one for the new job at the new difficulty.
    expect(await submit(m, second)).toBe(true);
    const status = decodeSessionStatusResult(await m.c.request('workpass.session.status', [m.token]));
    // Credit is the ASSIGNED difficulty: 13 x 1e-6 + 1 x 4e-6.
    expect(status.credit).toBeCloseTo(13 * 0.000001 + 0.000004, 12);
  });

  it('solo: a share that solves a block moves the tip; jobs on the old prevhash become stale (21)', async () => {
    t = await startTestRelay({ difficulty: '0.000001' }, {}, { solo: { nbits: '207fffff' } });
    const m = await miner(t.relay.stratum.url);
    const job = await m.c.nextJob();
    expect(await submit(m, job)).toBe(true);
    const next = await m.c.nextJob();
    expect(next.job.cleanJobs).toBe(true);
    expect(next.job.prevhash).not.toBe(job.job.prevhash);
    expect(t.relay.stats().upstream.blocks).toBe(1);
    try {
      await submit(m, job);
      throw new Error('accepted a stale share');
    } catch (err) {
      expect((err as RemoteError).code).toBe(21);
    }
  });

  it('solo coinbase pays the configured script', async () => {
    const script = '0014' + '11'.repeat(20);
    t = await startTestRelay({ 'payout-script': script });
    const m = await miner(t.relay.ws.url);
    const job = await m.c.nextJob();
    expect(job.job.coinb2).toContain(script);
    expect(job.job.merkleBranches).toEqual([]);
  });

  it('serves the signed descriptor, /metrics and a 404 for anything else', async () => {
    t = await startTestRelay({ name: 'relay-one' }, {}, { partners: ['http://partner.example/.well-known/workpass/descriptor.json'] });
    const doc = await getJson(`${t.relay.http.url}/.well-known/workpass/descriptor.json`);
    expect(verifyDescriptor(doc)).toBe(true);
    const d = decodeDescriptor(doc);
    expect(d.name).toBe('relay-one');
    expect(d.endpoints.ws).toBe(t.relay.ws.url);
    expect(d.tickets.keys.length).toBe(1);
    expect(d.partners).toHaveLength(1);
    const metrics = await (await fetch(`${t.relay.http.url}/metrics`)).text();
    expect(metrics).toMatch(/^workpass_sessions 0$/m);
    expect(metrics).toMatch(/^workpass_shares_total\{result="accepted"\} 0$/m);
    expect(metrics).toMatch(/^# TYPE workpass_hash_rate gauge$/m);
    expect((await fetch(`${t.relay.http.url}/nope`)).status).toBe(404);
    expect((await fetch(`${t.relay.http.url}/stats`, { method: 'POST' })).status).toBe(405);
  });

  it('keeps the descriptor key across restarts, rotates ticket keys and lists old ones until they expire', async () => {
    const dir = tempDir();
    let clock = Date.UTC(2026, 11, 1, 12);
    t = await startTestRelay({}, { now: () => clock }, { keyDays: 2, ticketHours: 48 }, dir);
    const d1 = decodeDescriptor(t.relay.descriptor());
    await t.stop();
    clock += 3 * 86_400_000;
    t = await startTestRelay({}, { now: () => clock }, { keyDays: 2, ticketHours: 48 }, dir);
    const d2 = decodeDescriptor(t.relay.descriptor());
    expect(d2.descriptorKey).toBe(d1.descriptorKey);
    expect(d2.tickets.keys.map((k) => k.keyId)).toEqual([d1.tickets.keys[0]!.keyId, expect.any(String)]);
    expect(d2.tickets.keys[1]!.keyId).not.toBe(d1.tickets.keys[0]!.keyId);
    expect(d2.tickets.keys[0]!.lastDay).toBe('2026-12-02');
    expect(d2.tickets.keys[1]!.firstDay).toBe('2026-12-04');
    await t.stop();
    clock += 5 * 86_400_000;
    t = await startTestRelay({}, { now: () => clock }, { keyDays: 2, ticketHours: 48 }, dir);
    const d3 = decodeDescriptor(t.relay.descriptor());
    expect(d3.tickets.keys.map((k) => k.keyId)).not.toContain(d1.tickets.keys[0]!.keyId);
    await t.stop();
    t = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('spendOnce is atomic and pruned past expiry', async () => {
    t = await startTestRelay();
    const id = new Uint8Array(32).fill(9);
    expect(t.relay.store.spendOnce(id, Date.now() + 1000)).toBe(true);
    expect(t.relay.store.spendOnce(id, Date.now() + 1000)).toBe(false);
    expect(t.relay.store.prune(Date.now() + 2000, 0).spent).toBe(1);
    expect(t.relay.store.totals().spent).toBe(0);
  });

  it('graceful shutdown sends client.reconnect to every client', async () => {
    t = await startTestRelay();
    const a = await miner(t.relay.ws.url);
    const b = await miner(t.relay.stratum.url);
    await t.relay.close();
    await Promise.all([a.c.whenClosed(), b.c.whenClosed()]);
    for (const m of [a, b]) expect(m.c.notices.some((n) => n.method === 'client.reconnect')).toBe(true);
  });
});
