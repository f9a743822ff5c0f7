import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { getAlgorithm } from '../../src/core/pow/registry.js';
import { buildHeader, type StratumJob } from '../../src/core/pow/stratum.js';
import { hashMeetsTarget, targetFromDifficulty } from '../../src/core/pow/target.js';
import { decodeSessionOpenResult } from '../../src/core/protocol/workpass.js';
import { LineSplitter } from '../../src/relay/transport/lines.js';
import { sliceBytesFor } from '../../src/relay/jobs/pool.js';
import { MinerClient, RemoteError, mineShare } from '../../src/relay/miner-client.js';
import { startTestRelay, type TestRelay } from './helpers.js';

const sha256d = getAlgorithm('sha256d');

/** A small Stratum v1 pool on 127.0.0.1 that checks every submitted share itself. */
class FakePool {
  readonly server: Server;
  readonly sockets = new Set<Socket>();
  readonly submits: Array<{ ok: boolean; params: string[] }> = [];
  subscribes = 0;
  /** While set, every connection is closed at once: the pool stays down for as long as a test needs. */
  refusing = false;
  extranonce1 = 'f00dbabe';
  readonly extranonce2Size = 8;
  readonly difficulty = 0.000004;
  readonly job: StratumJob = {
    jobId: 'PoolJob1',
    prevhash: '00000000'.repeat(7) + '0000abcd',
    coinb1: '01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff20',
    coinb2: '0c2f66616b65706f6f6c2fffffffff0100f2052a01000000016a00000000',
    merkleBranches: ['11'.repeat(32), '22'.repeat(32)],
    version: '20000000',
    nbits: '1d00ffff',
    ntime: Math.floor(Date.now() / 1000).toString(16).padStart(8, '0'),
    cleanJobs: true,
  };

  constructor() {
    this.server = createServer((s) => this.serve(s));
  }

  async listen(): Promise<number> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    return (this.server.address() as { port: number }).port;
  }

  dropAll(): void {
    for (const s of this.sockets) s.destroy();
  }

  close(): Promise<void> {
    this.dropAll();
    return new Promise((r) => this.server.close(() => r()));
  }

  private serve(s: Socket): void {
    if (this.refusing) {
      s.destroy();
      return;
    }
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
    s.on('error', () => undefined);
    const split = new LineSplitter(1 << 16);
    const send = (o: unknown) => s.write(JSON.stringify(o) + '\n');
    s.on('data', (chunk: Buffer) => {
      const lines = split.push(chunk);
      if (lines === 'overflow') return s.destroy();
      for (const line of lines) {
        const m = JSON.parse(line) as { id: number; method: string; params: string[] };
        if (m.method === 'mining.subscribe') {
          this.subscribes++;
          send({ id: m.id, result: [[['mining.notify', 'x']], this.extranonce1, this.extranonce2Size], error: null });
        } else if (m.method === 'mining.authorize') {
          send({ id: m.id, result: m.params[0] === 'pooluser' && m.params[1] === 'poolpass', error: null });
          send({ id: null, method: 'mining.set_difficulty', params: [this.difficulty] });
          const j = this.job;
          // Uppercase hex, as some pools send it; the job id keeps its case.
          send({ id: null, method: 'mining.notify', params: [j.jobId, j.prevhash.toUpperCase(), j.coinb1, j.coinb2, j.merkleBranches, j.version, j.nbits, j.ntime, true] });
        } else if (m.method === 'mining.submit') {
          const [, jobId, en2, ntime, nonce] = m.params as [string, string, string, string, string];
          const ok = jobId === this.job.jobId && en2.length === 2 * this.extranonce2Size &&
            hashMeetsTarget(sha256d.referenceHash(buildHeader(this.job, this.extranonce1, en2, ntime, nonce)), targetFromDifficulty(sha256d, this.difficulty));
          this.submits.push({ ok, params: m.params });
          send(ok ? { id: m.id, result: true, error: null } : { id: m.id, result: null, error: [23, 'low difficulty share', null] });
        }
      }
    });
  }
}

let pool: FakePool | undefined;
let t: TestRelay | undefined;
const clients: MinerClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await t?.stop();
  await pool?.close();
  t = undefined;
  pool = undefined;
});

async function waitUntil(f: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('upstream pool job source', () => {
  it('slices extranonce space, forwards only shares meeting the pool difficulty, counts answers', async () => {
    expect(sliceBytesFor(8)).toBe(4);
    expect(sliceBytesFor(4)).toBe(2);
    pool = new FakePool();
    const port = await pool.listen();
    t = await startTestRelay({ pool: `stratum+tcp://127.0.0.1:${port}`, 'pool-user': 'pooluser', 'pool-pass': 'poolpass', difficulty: '0.000001' });
    await waitUntil(() => t!.relay.stats().upstream.state === 'ready');
    const a = await MinerClient.connect(t.relay.ws.url);
    const b = await MinerClient.connect(t.relay.stratum.url);
    clients.push(a, b);
    let forwardedExpected = 0;
    let accepted = 0;
    for (const c of [a, b]) {
      const open = decodeSessionOpenResult(await c.request('workpass.session.open', [{ mode: 'tickets' }]));
      const sub = await c.subscribe();
      expect(sub.extranonce1.startsWith('f00dbabe')).toBe(true);
      expect(sub.extranonce1.length).toBe(16);
      expect(sub.extranonce2Size).toBe(4);
      await c.authorize(open.token);
      const job = await c.latestJob();
      expect(job.job.jobId).toBe('PoolJob1');
      for (let i = 0; i < 20; i++) {
        const s = mineShare(sha256d, job, sub.extranonce1, i.toString(16).padStart(8, '0'))!;
        expect(await c.request('mining.submit', [open.token, job.job.jobId, s.extranonce2, s.ntime, s.nonce])).toBe(true);
        accepted++;
        if (hashMeetsTarget(s.hash, targetFromDifficulty(sha256d, pool.difficulty))) forwardedExpected++;
      }
    }
    expect(forwardedExpected).toBeGreaterThan(0);
    expect(forwardedExpected).toBeLessThan(accepted);
    expect(a.subscription!.extranonce1).not.toBe(b.subscription!.extranonce1);
    await waitUntil(() => t!.relay.stats().upstream.accepted === forwardedExpected);
    expect(pool.submits.length).toBe(forwardedExpected);
    expect(pool.submits.every((s) => s.ok)).toBe(true);
    const st = t.relay.stats();
    expect(st.upstream.forwarded).toBe(forwardedExpected);
    expect(st.upstream.rejected).toBe(0);
    expect(st.shares.accepted).toBe(accepted);
  });

  it('reconnects after the pool drops, and sends client.reconnect when the extranonce changes', async () => {
    pool = new FakePool();
    const port = await pool.listen();
    t = await startTestRelay({ pool: `stratum+tcp://127.0.0.1:${port}`, 'pool-user': 'pooluser', 'pool-pass': 'poolpass' });
    await waitUntil(() => t!.relay.stats().upstream.state === 'ready');
    const c = await MinerClient.connect(t.relay.stratum.url);
    clients.push(c);
    const open = decodeSessionOpenResult(await c.request('workpass.session.open', [{ mode: 'donation' }]));
    await c.subscribe();
    await c.authorize(open.token);
    await c.latestJob();
    pool.extranonce1 = 'cafe0001';
    pool.refusing = true;
    pool.dropAll();
    await waitUntil(() => t!.relay.stats().upstream.state !== 'ready');
    // While the pool is down there is no work: a new subscribe is told to retry later (36).
    const d = await MinerClient.connect(t.relay.ws.url);
    clients.push(d);
    await expect(d.subscribe()).rejects.toSatisfy((e) => e instanceof RemoteError && e.code === 36);
    pool.refusing = false;
    await waitUntil(() => pool!.subscribes >= 2 && t!.relay.stats().upstream.state === 'ready', 15_000);
    await c.whenClosed();
    expect(c.notices.some((n) => n.method === 'client.reconnect')).toBe(true);
    const again = await MinerClient.connect(t.relay.ws.url);
    clients.push(again);
    expect((await again.subscribe()).extranonce1.startsWith('cafe0001')).toBe(true);
  });

  it('a miner that leaves while the pool is down gives its extranonce back without an error', async () => {
    pool = new FakePool();
    const port = await pool.listen();
    t = await startTestRelay({ pool: `stratum+tcp://127.0.0.1:${port}`, 'pool-user': 'pooluser', 'pool-pass': 'poolpass' });
    await waitUntil(() => t!.relay.stats().upstream.state === 'ready');
    const c = await MinerClient.connect(t.relay.stratum.url);
    await c.subscribe();
    pool.refusing = true;
    pool.dropAll();
    await waitUntil(() => t!.relay.stats().upstream.state !== 'ready');
    // The relay disposes of the connection with no layout in force: this used to throw inside the
    // socket's close handler (an uncaught exception that would take the daemon down).
    const before = t.relay.stats().sessions;
    c.close();
    await waitUntil(() => t!.relay.stats().sessions === before - 1);
    pool.refusing = false;
    await waitUntil(() => t!.relay.stats().upstream.state === 'ready', 15_000);
    const again = await MinerClient.connect(t.relay.stratum.url);
    clients.push(again);
    expect((await again.subscribe()).extranonce1.startsWith('f00dbabe')).toBe(true);
  });
});
