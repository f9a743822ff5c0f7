import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { RELAY_MINING_JOB, RELAY_MINING_REGISTER } from '../../src/core/protocol/cells/commands.js';
import type { MiningJob } from '../../src/core/protocol/cells/job.js';
import { encodeRelayCell } from '../../src/core/protocol/cells/relay-cell.js';
import { encodeFragment } from '../../src/core/protocol/cells/fragment.js';
import { decodeDescriptor } from '../../src/core/protocol/descriptor.js';
import { getAlgorithm } from '../../src/core/pow/registry.js';
import { targetFromDifficulty } from '../../src/core/pow/target.js';
import {
  Keyring,
  PublicKey,
  createTicket,
  dayFromNumber,
  decodeCommitment,
  decodeResponse,
  encodeChallenge,
  infoForDay,
  newTicketSecret,
  userBlind,
  userUnblind,
  verifyTicket,
} from '../../src/core/tickets/index.js';
import { concatBytes, hexToBytes } from '../../src/core/util/bytes.js';
import { MinerClient } from '../../src/relay/miner-client.js';
import { CellClient, mineCellShare } from './cell-client.js';
import { getJson, startTestRelay, type TestRelay } from './helpers.js';

const sha256d = getAlgorithm('sha256d');
const rand = (n: number) => new Uint8Array(randomBytes(n));
let t: TestRelay | undefined;
const clients: CellClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await t?.stop();
  t = undefined;
});

async function client(): Promise<CellClient> {
  const c = await CellClient.connect(t!.relay.cells!.port);
  clients.push(c);
  return c;
}

async function registered(): Promise<{ c: CellClient; job: MiningJob }> {
  const c = await client();
  c.send({ type: 'register', donationOnly: false, algorithms: ['sha256d'], resume: new Uint8Array(0) });
  return { c, job: await c.next('job') };
}

function submit(job: MiningJob, extranonce2: Uint8Array, nonce: number, wantsTicket = false) {
  return { type: 'submit' as const, jobId: job.jobId, extranonce2, ntime: job.ntime, nonce, wantsTicket };
}

async function until(cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A raw 509-byte cell whose relay header says `command` and carries `body` (no checks). */
function rawCell(command: number, body: Uint8Array, length = body.length): Uint8Array {
  const out = new Uint8Array(509);
  out[0] = command;
  out[9] = length >>> 8;
  out[10] = length & 0xff;
  out.set(body.subarray(0, 498), 11);
  return out;
}

describe('cells transport', () => {
  // CPU-bound (reference hashing, signing): 0.5-3 s idle, 13-30 s at load 12 on 2 cores.
  it('registers, gets a job, has a share accepted and runs a blind signing to a verified ticket', { timeout: 90_000 }, async () => {
    t = await startTestRelay({ cells: '127.0.0.1:0', difficulty: '0.00001', price: '0.00002' });
    expect(t.relay.cells!.url).toMatch(/^cells\+tcp:\/\/127\.0\.0\.1:\d+$/);
    const { c, job } = await registered();
    expect(job.algorithm).toBe('sha256d');
    expect(job.cleanJobs).toBe(true);
    expect(job.extranonce1.length).toBeGreaterThan(0);
    const want = targetFromDifficulty(sha256d, 0.00001).toString(16).padStart(64, '0');
    expect(Buffer.from(job.shareTarget).toString('hex')).toBe(want);

    const en2 = new Uint8Array(job.extranonce2Size);
    const n1 = mineCellShare(sha256d, job, en2);
    c.send(submit(job, en2, n1, true));
    // Credit 0.00001 < price 0.00002: accepted, no signing session yet.
    expect(await c.next('result')).toEqual({ type: 'result', jobId: job.jobId, nonce: n1, status: 0, sessionId: new Uint8Array(0) });
    c.send(submit(job, en2, n1));
    expect((await c.next('result')).status).toBe(22);
    const miss = mineCellShare(sha256d, job, en2, { startNonce: n1 + 1, miss: true });
    c.send(submit(job, en2, miss));
    expect((await c.next('result')).status).toBe(23);
    c.send({ ...submit(job, en2, n1), jobId: 'nosuchjob' });
    expect((await c.next('result')).status).toBe(21);
    expect(t.relay.stats().shares.accepted).toBe(1);

    const n2 = mineCellShare(sha256d, job, en2, { startNonce: n1 + 1 });
    c.send(submit(job, en2, n2, true));
    const result = await c.next('result');
    expect(result.status).toBe(0);
    expect(result.sessionId.length).toBe(16);
    const commit = await c.next('commit');
    expect(commit.sessionId).toEqual(result.sessionId);

    // The user's side of Protocol 1 step 7, over cells.
    const desc = decodeDescriptor(await getJson(t.relay.http.url + '/.well-known/workpass/descriptor.json'));
    const day = dayFromNumber(commit.day);
    const keyInfo = desc.tickets.keys.find((k) => k.firstDay <= day && day <= k.lastDay)!;
    const pk = PublicKey.fromText(keyInfo.publicKey);
    const { x, msg } = newTicketSecret(rand);
    const { challenge, state } = userBlind(pk, infoForDay(day), msg, decodeCommitment(concatBytes(commit.a, commit.b)), rand);
    c.send({ type: 'challenge', sessionId: commit.sessionId, e: encodeChallenge(challenge) });
    const r = await c.next('response');
    expect(r.sessionId).toEqual(commit.sessionId);
    const signature = userUnblind(state, decodeResponse(concatBytes(r.r, r.c, r.s, r.d)));
    const ticket = createTicket({ keyId: hexToBytes('keyId', keyInfo.keyId, 32), day, x, signature });
    const keyring = new Keyring(desc.tickets.graceHours * 3_600_000);
    keyring.addPublic(pk, keyInfo.firstDay, keyInfo.lastDay);
    expect(verifyTicket(ticket, keyring, Date.now()).ok).toBe(true);
    expect(t.relay.stats().tickets.issued).toBe(1);
    expect(t.relay.stats().shares.accepted).toBe(2);

    // The same challenge again is not a second ticket: the session was used, the connection ends.
    c.send({ type: 'challenge', sessionId: commit.sessionId, e: encodeChallenge(challenge) });
    await c.whenClosed;
    expect(t.relay.stats().tickets.issued).toBe(1);
  });

  it('answers a share before registration with 25 and mines on a resumed session', async () => {
    t = await startTestRelay({ cells: '127.0.0.1:0' });
    const c = await client();
    c.send({ type: 'submit', jobId: 'j', extranonce2: new Uint8Array(4), ntime: 0, nonce: 0, wantsTicket: false });
    expect((await c.next('result')).status).toBe(25);
    // A session opened elsewhere (e.g. by the add-on over WebSocket) is resumed by its token's bytes.
    const open = await openSession(t);
    c.send({ type: 'register', donationOnly: false, algorithms: ['x11', 'sha256d'], resume: open });
    const job = await c.next('job');
    const en2 = new Uint8Array(job.extranonce2Size);
    c.send(submit(job, en2, mineCellShare(sha256d, job, en2)));
    expect((await c.next('result')).status).toBe(0);
    const row = t.relay.store.sessionByToken(Buffer.from(open).toString('base64url'))!;
    expect(row.credit).toBeGreaterThan(0n);
  });

  it('hangs up on a register for an algorithm it does not mine, a second register, an unknown signing session and a spend', async () => {
    t = await startTestRelay({ cells: '127.0.0.1:0' });
    const cases: Array<(c: CellClient) => void> = [
      (c) => c.send({ type: 'register', donationOnly: false, algorithms: ['scrypt'], resume: new Uint8Array(0) }),
      (c) => {
        c.send({ type: 'register', donationOnly: true, algorithms: ['sha256d'], resume: new Uint8Array(0) });
        c.send({ type: 'register', donationOnly: true, algorithms: ['sha256d'], resume: new Uint8Array(0) });
      },
      (c) => {
        c.send({ type: 'register', donationOnly: false, algorithms: ['sha256d'], resume: new Uint8Array(0) });
        c.send({ type: 'challenge', sessionId: new Uint8Array(16), e: new Uint8Array(32) });
      },
      (c) => c.send({ type: 'register', donationOnly: false, algorithms: ['sha256d'], resume: new Uint8Array(5) }),
      (c) => c.send({ type: 'spend', ticket: new Uint8Array(100) }),
      (c) => c.send({ type: 'result', jobId: 'x', nonce: 1, status: 0, sessionId: new Uint8Array(0) }),
    ];
    for (const act of cases) {
      const c = await client();
      act(c);
      await c.whenClosed;
    }
    await until(() => t!.relay.stats().sessions === 0);
  });

  it('closes on garbage, oversized cells and fragment floods, and keeps serving', async () => {
    t = await startTestRelay({ cells: '127.0.0.1:0' });
    const attacks: Uint8Array[] = [
      // Not a relay cell: recognized != 0.
      Uint8Array.from({ length: 509 }, (_, i) => (i === 1 ? 1 : (i * 37) & 0xff)),
      // A length field past the 498-byte body.
      rawCell(RELAY_MINING_JOB, new Uint8Array(498), 600),
      // A command that is not one of ours.
      rawCell(3, new Uint8Array(20)),
      // Five multi-fragment messages left open: past the reassembler's four pending.
      concatBytes(...[1, 2, 3, 4, 5].map((id) => rawCell(RELAY_MINING_REGISTER, encodeFragment({ messageId: id, index: 0, count: 3, data: new Uint8Array(492) })))),
      // The same fragment twice (overlap).
      concatBytes(...[0, 1].map(() => rawCell(RELAY_MINING_JOB, encodeFragment({ messageId: 9, index: 0, count: 2, data: new Uint8Array(492) })))),
      // A whole message that is not a valid register.
      rawCell(RELAY_MINING_REGISTER, encodeFragment({ messageId: 1, index: 0, count: 1, data: Uint8Array.of(1, 0, 0, 0) })),
      // A non-zero stream id.
      encodeRelayCell({ command: RELAY_MINING_JOB, streamId: 7, body: encodeFragment({ messageId: 1, index: 0, count: 1, data: Uint8Array.of(1) }) }),
    ];
    for (const bytes of attacks) {
      const c = await client();
      c.write(bytes);
      await c.whenClosed;
    }
    // A fuzz of random and bit-flipped cells over several connections: each gets a close or a
    // reply, and the daemon stays up.
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
    const valid = new CellClientEncoder();
    for (let k = 0; k < 40; k++) {
      const c = await client();
      const cell = k % 2 === 0 ? Uint8Array.from({ length: 509 * (1 + (k % 3)) }, () => next() & 0xff) : valid.mutated(next);
      c.write(cell);
      await Promise.race([c.whenClosed, new Promise((r) => setTimeout(r, 100))]);
      c.close();
    }
    // A flood of shares in one write: rate-limited answers (status 20), then the connection is dropped.
    const flood = await registered();
    const share = submit(flood.job, new Uint8Array(flood.job.extranonce2Size), 1);
    flood.c.write(concatBytes(...Array.from({ length: 400 }, () => flood.c.stream.encode(share))));
    await flood.c.whenClosed;
    const { job } = await registered();
    expect(job.algorithm).toBe('sha256d');
    await until(() => t!.relay.stats().sessions === 1);
    expect(t.relay.stats().malformed).toBeGreaterThan(50);
  });
});

/** Valid register and submit cells with one byte of the fragment or message flipped. */
class CellClientEncoder {
  private readonly cells: Uint8Array[] = [
    rawCell(RELAY_MINING_REGISTER, encodeFragment({ messageId: 0, index: 0, count: 1, data: Uint8Array.of(1, 0, 1, 1, 0) })),
    rawCell(RELAY_MINING_JOB, encodeFragment({ messageId: 1, index: 0, count: 1, data: Uint8Array.of(1, 2, 1, 0x41, 4, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 1) })),
  ];

  mutated(next: () => number): Uint8Array {
    const cell = this.cells[next() % this.cells.length]!.slice();
    const at = 11 + (next() % 24);
    cell[at] = cell[at]! ^ (1 << (next() % 8));
    return cell;
  }
}

async function openSession(relay: TestRelay): Promise<Uint8Array> {
  const ws = await MinerClient.connect(relay.relay.ws.url);
  try {
    const r = (await ws.request('workpass.session.open', [{ mode: 'tickets' }])) as { token: string };
    return new Uint8Array(Buffer.from(r.token, 'base64url'));
  } finally {
    ws.close();
  }
}
