import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { getAlgorithm } from '../../src/core/pow/registry.js';
import { ErrorCode } from '../../src/core/protocol/errors.js';
import { decodeSessionOpenResult, decodeSessionStatusResult } from '../../src/core/protocol/workpass.js';
import { LineSplitter } from '../../src/relay/transport/lines.js';
import { MinerClient, mineShare } from '../../src/relay/miner-client.js';
import { rejection, startTestRelay, type TestRelay } from './helpers.js';

/**
 * An extranonce1 freed by a closed connection is handed out again (here: a pool with 2 bytes of
 * extranonce2 leaves the relay a 1-byte slice, 256 extranonce1s, 255 of them held). A share the
 * first holder had credited must not be credited again to the next one on the same job: the header
 * is the same.
 */
const sha256d = getAlgorithm('sha256d');

/** A pool that gives 2 bytes of extranonce2 (sliceBytesFor(2) = 1: one for the relay, one for miners) and one job. */
function startPool(): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const ntime = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0');
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    const split = new LineSplitter(1 << 16);
    const send = (o: unknown) => s.write(JSON.stringify(o) + '\n');
    s.on('data', (chunk: Buffer) => {
      const lines = split.push(chunk);
      if (lines === 'overflow') return s.destroy();
      for (const line of lines) {
        const m = JSON.parse(line) as { id: number; method: string };
        if (m.method === 'mining.subscribe') send({ id: m.id, result: [[['mining.notify', 'x']], 'c0ffee01', 2], error: null });
        else if (m.method === 'mining.authorize') {
          send({ id: m.id, result: true, error: null });
          send({ id: null, method: 'mining.set_difficulty', params: [1] });
          send({ id: null, method: 'mining.notify', params: ['J1', '00000000'.repeat(7) + '0000abcd', '01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff20', '0c2f66616b65706f6f6c2fffffffff0100f2052a01000000016a00000000', [], '20000000', '1d00ffff', ntime, true] });
        } else send({ id: m.id, result: true, error: null });
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        port: (server.address() as { port: number }).port,
        close: () => {
          for (const s of sockets) s.destroy();
          return new Promise<void>((r) => server.close(() => r()));
        },
      }),
    ),
  );
}

let t: TestRelay | undefined;
let pool: Awaited<ReturnType<typeof startPool>> | undefined;
const clients: MinerClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await t?.stop();
  await pool?.close();
  t = undefined;
  pool = undefined;
});

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a reused extranonce1', () => {
  it('does not take again, on the same job, a share its previous holder had credited', async () => {
    pool = await startPool();
    t = await startTestRelay({ pool: `stratum+tcp://127.0.0.1:${pool.port}`, 'pool-user': 'u', 'pool-pass': 'p' });
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
