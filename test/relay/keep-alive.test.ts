import { afterEach, describe, expect, it } from 'vitest';
import { getAlgorithm } from '../../src/core/pow/registry.js';
import { decodeSessionOpenResult } from '../../src/core/protocol/workpass.js';
import { MinerClient, mineShare } from '../../src/relay/miner-client.js';
import { startTestRelay, type TestRelay } from './helpers.js';

let t: TestRelay | undefined;
const clients: MinerClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await t?.stop();
  t = undefined;
});

async function until(cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Stratum keep-alive', () => {
  it('keeps a slow miner past the idle timeout, sends it the job again when the source is quiet, and drops it after minerIdleSeconds', async () => {
    let clock = Date.now();
    // No ntime roll from the solo source during the test: only the keep-alive sends jobs.
    t = await startTestRelay({}, { now: () => clock }, { limits: { idleSeconds: 2, minerIdleSeconds: 20, keepAliveSeconds: 5 }, solo: { rollSeconds: 3600 } });
    const idle = await MinerClient.connect(t.relay.stratum.url);
    const miner = await MinerClient.connect(t.relay.stratum.url);
    clients.push(idle, miner);
    await idle.subscribe();
    const open = decodeSessionOpenResult(await miner.request('workpass.session.open', [{ mode: 'tickets' }]));
    const sub = await miner.subscribe();
    await miner.authorize(open.token);
    const first = await miner.nextJob();

    // 3 s of silence: past idleSeconds, so the connection that only subscribed goes; the miner stays.
    clock += 3_000;
    await idle.whenClosed();
    expect(miner.closed).toBe(false);

    // 6 s since the last job: past keepAliveSeconds, the miner is sent the current job under a fresh id.
    clock += 3_000;
    const again = await miner.nextJob(5_000);
    expect(again.job.jobId).not.toBe(first.job.jobId);
    expect(again.job.prevhash).toBe(first.job.prevhash);
    const share = mineShare(getAlgorithm('sha256d'), again, sub.extranonce1, '00'.repeat(sub.extranonce2Size))!;
    expect(await miner.request('mining.submit', [open.token, again.job.jobId, share.extranonce2, share.ntime, share.nonce])).toBe(true);

    // Silent for longer than minerIdleSeconds: dropped after all.
    clock += 21_000;
    await miner.whenClosed();
    await until(() => t!.relay.stats().sessions === 0);
  });
});
