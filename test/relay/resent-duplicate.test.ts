import { afterEach, describe, expect, it } from 'vitest';
import { getAlgorithm } from '../../src/core/pow/registry.js';
import { ErrorCode } from '../../src/core/protocol/errors.js';
import { decodeSessionOpenResult, decodeSessionStatusResult } from '../../src/core/protocol/workpass.js';
import { MinerClient, mineShare } from '../../src/relay/miner-client.js';
import { rejection, startTestRelay, type TestRelay } from './helpers.js';

let t: TestRelay | undefined;
const clients: MinerClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await t?.stop();
  t = undefined;
});

describe('A job resent under a fresh id', () => {
  it('does not take a share again that was already credited under an earlier id of the same job', async () => {
    let clock = Date.now();
    // Only the keep-alive sends jobs: the solo source does not roll during the test.
    t = await startTestRelay({}, { now: () => clock }, { limits: { keepAliveSeconds: 5 }, solo: { rollSeconds: 3600 } });
    const miner = await MinerClient.connect(t.relay.stratum.url);
    clients.push(miner);
    const open = decodeSessionOpenResult(await miner.request('workpass.session.open', [{ mode: 'tickets' }]));
    const sub = await miner.subscribe();
    await miner.authorize(open.token);
    const first = await miner.nextJob();
    const share = mineShare(getAlgorithm('sha256d'), first, sub.extranonce1, '00'.repeat(sub.extranonce2Size))!;
    const params = [share.extranonce2, share.ntime, share.nonce];
    expect(await miner.request('mining.submit', [open.token, first.job.jobId, ...params])).toBe(true);

    clock += 6_000;
    const again = await miner.nextJob(5_000);
    expect(again.job.jobId).not.toBe(first.job.jobId);
    // The same extranonce2, ntime and nonce under the new id: the very same header, already credited.
    expect(await rejection(miner.request('mining.submit', [open.token, again.job.jobId, ...params]))).toBe(ErrorCode.duplicateShare);
    expect(await rejection(miner.request('mining.submit', [open.token, first.job.jobId, ...params]))).toBe(ErrorCode.duplicateShare);
    // One share's credit (difficulty 0.00001), not two.
    const status = decodeSessionStatusResult(await miner.request('workpass.session.status', [open.token]));
    expect(status.credit).toBeCloseTo(0.00001, 12);
  });
});
