import { afterEach, describe, expect, it } from 'vitest';
import { getAlgorithm } from '../../src/core/pow/registry.js';
import { hashMeetsTarget, targetFromDifficulty } from '../../src/core/pow/target.js';
import { decodeSessionOpenResult } from '../../src/core/protocol/workpass.js';
import { sliceBytesFor } from '../../src/relay/jobs/pool.js';
import { MinerClient, RemoteError, mineShare } from '../../src/relay/miner-client.js';
import { FakePool, until } from './fake-pool.js';
import { startTestRelay, type TestRelay } from './helpers.js';

const sha256d = getAlgorithm('sha256d');

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


describe('upstream pool job source', () => {
  it('slices extranonce space, forwards only shares meeting the pool difficulty, counts answers', async () => {
    expect(sliceBytesFor(8)).toBe(4);
    expect(sliceBytesFor(4)).toBe(2);
    pool = new FakePool({ credentials: { user: 'pooluser', pass: 'poolpass' }, merkleBranches: ['11'.repeat(32), '22'.repeat(32)] });
    const port = await pool.listen();
    t = await startTestRelay({ pool: `stratum+tcp://127.0.0.1:${port}`, 'pool-user': 'pooluser', 'pool-pass': 'poolpass', difficulty: '0.000001' });
    await until(() => t!.relay.stats().upstream.state === 'ready');
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
    await until(() => t!.relay.stats().upstream.accepted === forwardedExpected);
    expect(pool.submits.length).toBe(forwardedExpected);
    expect(pool.submits.every((s) => s.ok)).toBe(true);
    const st = t.relay.stats();
    expect(st.upstream.forwarded).toBe(forwardedExpected);
    expect(st.upstream.rejected).toBe(0);
    expect(st.shares.accepted).toBe(accepted);
  });

  it('reconnects after the pool drops, and sends client.reconnect when the extranonce changes', async () => {
    pool = new FakePool({ credentials: { user: 'pooluser', pass: 'poolpass' }, merkleBranches: ['11'.repeat(32), '22'.repeat(32)] });
    const port = await pool.listen();
    t = await startTestRelay({ pool: `stratum+tcp://127.0.0.1:${port}`, 'pool-user': 'pooluser', 'pool-pass': 'poolpass' });
    await until(() => t!.relay.stats().upstream.state === 'ready');
    const c = await MinerClient.connect(t.relay.stratum.url);
    clients.push(c);
    const open = decodeSessionOpenResult(await c.request('workpass.session.open', [{ mode: 'donation' }]));
    await c.subscribe();
    await c.authorize(open.token);
    await c.latestJob();
    pool.extranonce1 = 'cafe0001';
    pool.refusing = true;
    pool.dropAll();
    await until(() => t!.relay.stats().upstream.state !== 'ready');
    // While the pool is down there is no work: a new subscribe is told to retry later (36).
    const d = await MinerClient.connect(t.relay.ws.url);
    clients.push(d);
    await expect(d.subscribe()).rejects.toSatisfy((e) => e instanceof RemoteError && e.code === 36);
    pool.refusing = false;
    await until(() => pool!.subscribes >= 2 && t!.relay.stats().upstream.state === 'ready', 15_000);
    await c.whenClosed();
    expect(c.notices.some((n) => n.method === 'client.reconnect')).toBe(true);
    const again = await MinerClient.connect(t.relay.ws.url);
    clients.push(again);
    expect((await again.subscribe()).extranonce1.startsWith('cafe0001')).toBe(true);
  });

  it('a miner that leaves while the pool is down gives its extranonce back without an error', async () => {
    pool = new FakePool({ credentials: { user: 'pooluser', pass: 'poolpass' }, merkleBranches: ['11'.repeat(32), '22'.repeat(32)] });
    const port = await pool.listen();
    t = await startTestRelay({ pool: `stratum+tcp://127.0.0.1:${port}`, 'pool-user': 'pooluser', 'pool-pass': 'poolpass' });
    await until(() => t!.relay.stats().upstream.state === 'ready');
    const c = await MinerClient.connect(t.relay.stratum.url);
    await c.subscribe();
    pool.refusing = true;
    pool.dropAll();
    await until(() => t!.relay.stats().upstream.state !== 'ready');
    // The relay disposes of the connection with no layout in force: this used to throw inside the
    // socket's close handler (an uncaught exception that would take the daemon down).
    const before = t.relay.stats().sessions;
    c.close();
    await until(() => t!.relay.stats().sessions === before - 1);
    pool.refusing = false;
    await until(() => t!.relay.stats().upstream.state === 'ready', 15_000);
    const again = await MinerClient.connect(t.relay.stratum.url);
    clients.push(again);
    expect((await again.subscribe()).extranonce1.startsWith('f00dbabe')).toBe(true);
  });
});
