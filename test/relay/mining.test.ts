import { afterEach, describe, expect, it } from 'vitest';
import { getAlgorithm } from '../../src/core/pow/registry.js';
import { nonceToHex } from '../../src/core/pow/stratum.js';
import { decodeSessionOpenResult, decodeSessionStatusResult } from '../../src/core/protocol/workpass.js';
import { MinerClient, mineShare } from '../../src/relay/miner-client.js';
import { getJson, rejection, startTestRelay, type TestRelay } from './helpers.js';

const sha256d = getAlgorithm('sha256d');
let t: TestRelay | undefined;
const clients: MinerClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await t?.stop();
  t = undefined;
});

async function client(url: string): Promise<MinerClient> {
  const c = await MinerClient.connect(url);
  clients.push(c);
  return c;
}

describe.each(['ws', 'stratum'] as const)('mining over %s', (transport) => {
  it('accepts a valid share, refuses a tampered nonce (23), a duplicate (22), a stale job (21)', async () => {
    t = await startTestRelay();
    const c = await client(t.relay[transport].url);
    const open = decodeSessionOpenResult(await c.request('workpass.session.open', [{ mode: 'tickets' }]));
    const sub = await c.subscribe('cpuminer/2.5.1');
    expect(sub.extranonce2Size).toBeGreaterThanOrEqual(1);
    expect(sub.extranonce2Size).toBeLessThanOrEqual(100);
    expect(await c.authorize(open.token)).toBe(true);
    const job = await c.nextJob();
    expect(job.difficulty).toBe(0.00001);
    const share = mineShare(sha256d, job, sub.extranonce1, '00'.repeat(sub.extranonce2Size))!;
    expect(share).not.toBeNull();
    expect(await c.request('mining.submit', [open.token, job.job.jobId, share.extranonce2, share.ntime, share.nonce])).toBe(true);
    expect(await rejection(c.request('mining.submit', [open.token, job.job.jobId, share.extranonce2, share.ntime, share.nonce]))).toBe(22);

    // A tampered nonce: search for a nonce that does NOT meet the target.
    let bad = (parseInt(share.nonce, 16) + 1) >>> 0;
    for (;;) {
      const s = mineShare(sha256d, job, sub.extranonce1, share.extranonce2, { startNonce: bad, maxTries: 1 });
      if (s === null) break;
      bad++;
    }
    const before = ((await getJson(`${t.relay.http.url}/stats`)) as { shares: { accepted: number } }).shares.accepted;
    expect(await rejection(c.request('mining.submit', [open.token, job.job.jobId, share.extranonce2, share.ntime, nonceToHex(bad)]))).toBe(23);
    const stats = (await getJson(`${t.relay.http.url}/stats`)) as { sessions: number; shares: { accepted: number; rejected: Record<string, number> } };
    expect(stats.shares.accepted).toBe(before);
    expect(stats.shares.accepted).toBe(1);
    expect(stats.shares.rejected['low-difficulty']).toBe(1);
    expect(stats.shares.rejected['duplicate']).toBe(1);
    expect(stats.sessions).toBe(1);

    expect(await rejection(c.request('mining.submit', [open.token, 'nosuchjob', share.extranonce2, share.ntime, share.nonce]))).toBe(21);

    const status = decodeSessionStatusResult(await c.request('workpass.session.status', [open.token]));
    expect(status.credit).toBeCloseTo(0.00001, 12);
    expect(status.mode).toBe('tickets');
  });

  it('refuses submit before subscribe (25) and for an unknown worker (24)', async () => {
    t = await startTestRelay();
    const c = await client(t.relay[transport].url);
    expect(await rejection(c.request('mining.submit', ['x', 'j', '00000000', '00000000', '00000000']))).toBe(25);
    await c.subscribe();
    expect(await rejection(c.request('mining.authorize', ['nobody', 'x']))).toBe(24);
    expect(await rejection(c.request('mining.submit', ['nobody', 'j', '00000000', '00000000', '00000000']))).toBe(24);
    expect(await c.request('mining.extranonce.subscribe', [])).toBe(true);
  });
});

describe.each([
  ['scrypt', '0.0002'],
  ['x11', '0.000001'],
] as const)('mining with --algo %s', (algo, difficulty) => {
  // Hashing with the reference implementations, CPU only: 1.7 s idle, up to 28 s at load 12 on 2 cores.
  it('accepts a share hashed with that algorithm and refuses one that misses its target', { timeout: 90_000 }, async () => {
    t = await startTestRelay({ algo, difficulty });
    const c = await client(t.relay.stratum.url);
    const open = decodeSessionOpenResult(await c.request('workpass.session.open', [{ mode: 'tickets' }]));
    expect(open.algo).toBe(algo);
    const sub = await c.subscribe();
    await c.authorize(open.token);
    const job = await c.nextJob();
    const share = mineShare(getAlgorithm(algo), job, sub.extranonce1, '00'.repeat(sub.extranonce2Size))!;
    expect(await c.request('mining.submit', [open.token, job.job.jobId, share.extranonce2, share.ntime, share.nonce])).toBe(true);
    // A nonce whose hash under this algorithm misses the target is refused (23).
    const en2 = '00'.repeat(sub.extranonce2Size - 1) + '01';
    let n = 0;
    while (mineShare(getAlgorithm(algo), job, sub.extranonce1, en2, { startNonce: n, maxTries: 1 }) !== null) n++;
    expect(await rejection(c.request('mining.submit', [open.token, job.job.jobId, en2, job.job.ntime, nonceToHex(n)]))).toBe(23);
  });
});
