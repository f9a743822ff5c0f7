import { afterEach, describe, expect, it } from 'vitest';
import { getAlgorithm } from '../../src/core/pow/registry.js';
import { verifyDescriptor } from '../../src/core/protocol/descriptor.js';
import { decodeSessionOpenResult, decodeSessionStatusResult } from '../../src/core/protocol/workpass.js';
import { verifyTicket } from '../../src/core/tickets/index.js';
import { MinerClient, mineShare } from '../../src/relay/miner-client.js';
import { getJson, rejection, startTestRelay, type TestRelay } from './helpers.js';
import { collectTicket } from './ticket-client.js';

const sha256d = getAlgorithm('sha256d');
let t: TestRelay | undefined;
const clients: MinerClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await t?.stop();
  t = undefined;
});

/** Opens a session on `c`, subscribes, authorizes and submits `n` valid shares. */
async function earn(c: MinerClient, n: number, mode: 'tickets' | 'donation' = 'tickets'): Promise<string> {
  const open = decodeSessionOpenResult(await c.request('workpass.session.open', [{ mode }]));
  const sub = await c.subscribe();
  await c.authorize(open.token);
  const job = await c.latestJob();
  for (let i = 0; i < n; i++) {
    const en2 = i.toString(16).padStart(2 * sub.extranonce2Size, '0');
    const s = mineShare(sha256d, job, sub.extranonce1, en2)!;
    expect(await c.request('mining.submit', [open.token, job.job.jobId, s.extranonce2, s.ntime, s.nonce])).toBe(true);
  }
  return open.token;
}

describe('ticket issuance', () => {
  it('issues a blind-signed ticket that verifies against the descriptor key, deducting the price', async () => {
    t = await startTestRelay({ difficulty: '0.00001', price: '0.00002' });
    const c = await MinerClient.connect(t.relay.ws.url);
    clients.push(c);
    const token = await earn(c, 3);
    const desc = await getJson(t.relay.http.url + '/.well-known/workpass/descriptor.json');
    expect(verifyDescriptor(desc)).toBe(true);
    const { ticket, keyring, e, sid } = await collectTicket(c, token, desc);
    const check = verifyTicket(ticket, keyring, Date.now());
    expect(check.ok).toBe(true);
    const status = decodeSessionStatusResult(await c.request('workpass.session.status', [token]));
    expect(status.issued).toBe(1);
    expect(status.credit).toBeCloseTo(0.00001, 12);
    // Same (sid, e) again: the stored response, no second deduction.
    const again = await c.request('ticket.sign', [token, sid, e]);
    expect(again).toBeTypeOf('object');
    expect(decodeSessionStatusResult(await c.request('workpass.session.status', [token])).issued).toBe(1);
    // A different e for the answered session: 33.
    const otherE = e.slice(0, -2) + (e.endsWith('AA') ? 'AQ' : 'AA');
    expect(await rejection(c.request('ticket.sign', [token, sid, otherE]))).toBe(33);
    // Remaining credit 0.00001 < price: 30.
    expect(await rejection(c.request('ticket.commit', [token]))).toBe(30);
  });

  it('refuses tickets to donation sessions and unknown signing sessions', async () => {
    t = await startTestRelay({ difficulty: '0.00001', price: '0.00001' });
    const c = await MinerClient.connect(t.relay.stratum.url);
    clients.push(c);
    const token = await earn(c, 2, 'donation');
    expect(await rejection(c.request('ticket.commit', [token]))).toBe(30);
    const status = decodeSessionStatusResult(await c.request('workpass.session.status', [token]));
    expect(status.credit).toBe(0);
    expect(status.mode).toBe('donation');
    expect(await rejection(c.request('ticket.sign', [token, '0'.repeat(32), 'A'.repeat(43)]))).toBe(32);
  });

  it('bounds open signing sessions per key and day (31)', async () => {
    t = await startTestRelay({ difficulty: '0.00001', price: '0.00001' }, {}, { maxOpenSigning: 2 });
    const c = await MinerClient.connect(t.relay.ws.url);
    clients.push(c);
    const token = await earn(c, 4);
    await c.request('ticket.commit', [token]);
    await c.request('ticket.commit', [token]);
    expect(await rejection(c.request('ticket.commit', [token]))).toBe(31);
  });
});
