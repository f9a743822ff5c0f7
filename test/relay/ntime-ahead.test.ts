import { afterEach, describe, expect, it } from 'vitest';
import { getAlgorithm } from '../../src/core/pow/registry.js';
import { ErrorCode } from '../../src/core/protocol/errors.js';
import { decodeSessionOpenResult } from '../../src/core/protocol/workpass.js';
import { MinerClient, mineShare } from '../../src/relay/miner-client.js';
import { rejection, startTestRelay, type TestRelay } from './helpers.js';

let t: TestRelay | undefined;
const clients: MinerClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await t?.stop();
  t = undefined;
});

describe('a job whose ntime is ahead of the relay clock', () => {
  it('takes its shares (the ntime window counts from the job), and still refuses an ntime far past it', async () => {
    // The job is made while the clock reads 2000 s ahead, as a pool with a fast clock would send it.
    let clock = Date.now() + 2_000_000;
    t = await startTestRelay({}, { now: () => clock }, { solo: { rollSeconds: 3600 } });
    const miner = await MinerClient.connect(t.relay.stratum.url);
    clients.push(miner);
    const open = decodeSessionOpenResult(await miner.request('workpass.session.open', [{ mode: 'tickets' }]));
    const sub = await miner.subscribe();
    await miner.authorize(open.token);
    const job = await miner.nextJob();
    clock -= 2_000_000;
    const sha256d = getAlgorithm('sha256d');
    const share = mineShare(sha256d, job, sub.extranonce1, '00'.repeat(sub.extranonce2Size))!;
    expect(await miner.request('mining.submit', [open.token, job.job.jobId, share.extranonce2, share.ntime, share.nonce])).toBe(true);
    // 700 s past the job's own ntime is out of range either way.
    const far = (parseInt(job.job.ntime, 16) + 700).toString(16).padStart(8, '0');
    const late = mineShare(sha256d, { ...job, job: { ...job.job, ntime: far } }, sub.extranonce1, '01'.padStart(2 * sub.extranonce2Size, '0'))!;
    expect(await rejection(miner.request('mining.submit', [open.token, job.job.jobId, late.extranonce2, far, late.nonce]))).toBe(ErrorCode.other);
  });
});
