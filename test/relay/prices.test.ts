import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { getAlgorithm, type Algorithm } from '../../src/core/pow/registry.js';
import { algorithmPrice, decodeDescriptor, verifyDescriptor } from '../../src/core/protocol/descriptor.js';
import { decodeSessionOpenResult, decodeSessionStatusResult, type SessionOpenResult } from '../../src/core/protocol/workpass.js';
import { verifyTicket } from '../../src/core/tickets/index.js';
import { MinerClient, mineShare, type ReceivedJob } from '../../src/relay/miner-client.js';
import { fromNano } from '../../src/relay/store/store.js';
import { CellClient } from './cell-client.js';
import { getJson, rejection, startTestRelay, tempDir, type TestRelay } from './helpers.js';
import { collectTicket } from './ticket-client.js';

let t: TestRelay | undefined;
const clients: MinerClient[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await t?.stop();
  t = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function connect(url: string): Promise<MinerClient> {
  const c = await MinerClient.connect(url);
  clients.push(c);
  return c;
}

/** Opens a ticket session on `c` and submits `n` valid shares of `algo`; returns the open result and the job mined. */
async function earn(c: MinerClient, algo: Algorithm, n: number): Promise<{ open: SessionOpenResult; job: ReceivedJob; extranonce1: string; extranonce2Size: number }> {
  const open = decodeSessionOpenResult(await c.request('workpass.session.open', [{ mode: 'tickets' }]));
  const sub = await c.subscribe();
  await c.authorize(open.token);
  const job = await c.latestJob();
  for (let i = 0; i < n; i++) {
    const s = mineShare(algo, job, sub.extranonce1, i.toString(16).padStart(2 * sub.extranonce2Size, '0'))!;
    expect(await c.request('mining.submit', [open.token, job.job.jobId, s.extranonce2, s.ntime, s.nonce])).toBe(true);
  }
  return { open, job, extranonce1: sub.extranonce1, extranonce2Size: sub.extranonce2Size };
}

// sha256d on WebSocket at the default price; scrypt on TCP at a price of its own.
const FLAGS = { difficulty: '0.00001', price: '0.00003', 'stratum-algo': 'scrypt', 'stratum-difficulty': '0.0002', 'price-scrypt': '0.0005' };

describe('a ticket price per algorithm', () => {
  it('charges a sha256d and a scrypt session on one daemon their own prices, exactly', async () => {
    t = await startTestRelay(FLAGS);
    const descJson = await getJson(`${t.relay.http.url}/.well-known/workpass/descriptor.json`);
    expect(verifyDescriptor(descJson)).toBe(true);
    const desc = decodeDescriptor(descJson);
    expect(desc.tickets.price).toBe(0.00003);
    expect(desc.algorithms.map((a) => [a.name, a.price])).toEqual([['sha256d', undefined], ['scrypt', 0.0005]]);
    expect([algorithmPrice(desc, 'sha256d'), algorithmPrice(desc, 'scrypt'), algorithmPrice(desc, 'x11')]).toEqual([0.00003, 0.0005, undefined]);

    const ws = await connect(t.relay.ws.url);
    const sha = await earn(ws, getAlgorithm('sha256d'), 4);
    expect([sha.open.algo, sha.open.price, sha.job.difficulty]).toEqual(['sha256d', 0.00003, 0.00001]);
    const tcp = await connect(t.relay.stratum.url);
    const scr = await earn(tcp, getAlgorithm('scrypt'), 2);
    expect([scr.open.algo, scr.open.price, scr.job.difficulty]).toEqual(['scrypt', 0.0005, 0.0002]);

    // 2 scrypt shares = 0.0004 of credit: 13 tickets at the default price, none at scrypt's.
    expect(await rejection(tcp.request('ticket.commit', [scr.open.token]))).toBe(30);
    const job = scr.job;
    const s = mineShare(getAlgorithm('scrypt'), job, scr.extranonce1, 'ff'.repeat(scr.extranonce2Size))!;
    expect(await tcp.request('mining.submit', [scr.open.token, job.job.jobId, s.extranonce2, s.ntime, s.nonce])).toBe(true);

    for (const [c, token] of [[ws, sha.open.token], [tcp, scr.open.token]] as const) {
      const { ticket, keyring } = await collectTicket(c, token, descJson);
      expect(verifyTicket(ticket, keyring, Date.now()).ok).toBe(true);
      expect(await rejection(c.request('ticket.commit', [token]))).toBe(30);
    }

    // credit = shares x assigned difficulty - issued x the session's price, in nano-difficulty units.
    const expected = [
      [sha.open.token, 0.00003, 4n * 10_000n - 30_000n],
      [scr.open.token, 0.0005, 3n * 200_000n - 500_000n],
    ] as const;
    for (const [token, price, nano] of expected) {
      expect(t.relay.store.sessionByToken(token)!.credit).toBe(nano);
      const status = decodeSessionStatusResult(await ws.request('workpass.session.status', [token]));
      expect([status.price, status.credit, status.issued]).toEqual([price, fromNano(nano), 1]);
    }
  });

  it('authorizes a session only on listeners of its algorithm (no credit crosses algorithms)', async () => {
    t = await startTestRelay(FLAGS);
    const ws = await connect(t.relay.ws.url);
    const tcp = await connect(t.relay.stratum.url);
    const shaToken = decodeSessionOpenResult(await ws.request('workpass.session.open', [{ mode: 'tickets' }])).token;
    const scryptToken = decodeSessionOpenResult(await tcp.request('workpass.session.open', [{ mode: 'tickets' }])).token;
    await tcp.subscribe();
    await ws.subscribe();
    expect(await rejection(tcp.request('mining.authorize', [shaToken, '']))).toBe(24);
    expect(await rejection(ws.request('mining.authorize', [scryptToken, '']))).toBe(24);
    expect(await tcp.request('mining.authorize', [scryptToken, ''])).toBe(true);
    expect(await ws.request('mining.authorize', [shaToken, ''])).toBe(true);
  });

  it('hangs up on a cells register resuming a session of another algorithm, and lists the cells algorithm\'s price', async () => {
    t = await startTestRelay({ ...FLAGS, cells: '127.0.0.1:0', 'cells-algo': 'x11', 'price-x11': '0.0009' });
    const ws = await connect(t.relay.ws.url);
    const open = decodeSessionOpenResult(await ws.request('workpass.session.open', [{ mode: 'tickets' }]));
    const resumed = await CellClient.connect(t.relay.cells!.port);
    try {
      resumed.send({ type: 'register', donationOnly: false, algorithms: ['x11'], resume: new Uint8Array(Buffer.from(open.token, 'base64url')) });
      await resumed.whenClosed;
    } finally {
      resumed.close();
    }
    const fresh = await CellClient.connect(t.relay.cells!.port);
    try {
      fresh.send({ type: 'register', donationOnly: false, algorithms: ['x11'], resume: new Uint8Array(0) });
      // A session of its own algorithm mines.
      expect((await fresh.next('job')).algorithm).toBe('x11');
    } finally {
      fresh.close();
    }
    const desc = decodeDescriptor(await getJson(`${t.relay.http.url}/.well-known/workpass/descriptor.json`));
    expect(desc.algorithms.map((a) => [a.name, a.price, a.endpoints])).toEqual([['sha256d', undefined, ['ws']], ['scrypt', 0.0005, ['stratum']], ['x11', 0.0009, ['cells']]]);
  });

  it('keeps a session\'s algorithm, and so its price, across a restart', async () => {
    const dir = tempDir();
    dirs.push(dir);
    t = await startTestRelay(FLAGS, {}, undefined, dir);
    const tcp = await connect(t.relay.stratum.url);
    const { open } = await earn(tcp, getAlgorithm('scrypt'), 1);
    for (const c of clients.splice(0)) c.close();
    await t.stop();
    // The operator raises the scrypt price: the session pays the new scrypt price, never the default.
    t = await startTestRelay({ ...FLAGS, 'price-scrypt': '0.0007' }, {}, undefined, dir);
    const ws = await connect(t.relay.ws.url);
    const status = decodeSessionStatusResult(await ws.request('workpass.session.status', [open.token]));
    expect([status.price, status.credit]).toEqual([0.0007, 0.0002]);
  });
});
