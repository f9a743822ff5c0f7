import { afterEach, describe, expect, it } from 'vitest';
import { getAlgorithm } from '../../src/core/pow/registry.js';
import { ErrorCode } from '../../src/core/protocol/errors.js';
import { decodeSessionOpenResult, decodeSessionStatusResult } from '../../src/core/protocol/workpass.js';
import { MinerClient, mineShare } from '../../src/relay/miner-client.js';
import { FakePool, until } from './fake-pool.js';
import { rejection, startTestRelay, type TestRelay } from './helpers.js';

/**
 * An extranonce1 freed by a closed connection is handed out again (here: a pool with 2 bytes of
 * extranonce2 leaves the relay a 1-byte slice, 256 extranonce1s, 255 of them held). A share the
 * first holder had credited must not be credited again to the next one on the same job: the header
 * is the same.
 */
const sha256d = getAlgorithm('sha256d');

let t: TestRelay | undefined;
let pool: FakePool | undefined;
const clients: MinerClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await t?.stop();
  await pool?.close();
  t = undefined;
  pool = undefined;
});


describe('a reused extranonce1', () => {
  it('does not take again, on the same job, a share its previous holder had credited', async () => {
    // 2 bytes of extranonce2 (sliceBytesFor(2) = 1: one for the relay, one for miners).
    pool = new FakePool({ extranonce1: 'c0ffee01', extranonce2Size: 2, difficulty: 1 });
    const port = await pool.listen();
    t = await startTestRelay({ pool: `stratum+tcp://127.0.0.1:${port}`, 'pool-user': 'u', 'pool-pass': 'p' });
    await until(() => t!.relay.stats().upstream.state === 'ready');
    const first = await MinerClient.connect(t.relay.stratum.url);
    clients.push(first);
    const open = decodeSessionOpenResult(await first.request('workpass.session.open', [{ mode: 'tickets' }]));
    const sub = await first.subscribe();
    expect(sub.extranonce2Size).toBe(1);
    await first.authorize(open.token);
    const job = await first.latestJob();
    const share = mineShare(sha256d, job, sub.extranonce1, '00')!;
    const params = [open.token, job.job.jobId, share.extranonce2, share.ntime, share.nonce];
    expect(await first.request('mining.submit', params)).toBe(true);
    first.close();
    await until(() => t!.relay.stats().sessions === 0);
    // Every other slice taken: the one the first miner had is the only one left.
    const holders = await Promise.all(Array.from({ length: 255 }, () => MinerClient.connect(t!.relay.stratum.url)));
    clients.push(...holders);
    const taken = new Set(await Promise.all(holders.map(async (h) => (await h.subscribe()).extranonce1)));
    expect(taken.size).toBe(255);
    expect(taken.has(sub.extranonce1)).toBe(false);

    const next = await MinerClient.connect(t.relay.stratum.url);
    clients.push(next);
    const again = await next.subscribe();
    expect(again.extranonce1).toBe(sub.extranonce1);
    await next.authorize(open.token);
    expect((await next.latestJob()).job.jobId).toBe(job.job.jobId);
    expect(await rejection(next.request('mining.submit', params))).toBe(ErrorCode.duplicateShare);
    const status = decodeSessionStatusResult(await next.request('workpass.session.status', [open.token]));
    expect(status.credit).toBeCloseTo(job.difficulty, 12);
  });
});
