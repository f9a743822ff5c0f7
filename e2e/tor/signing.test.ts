/**
 * Ticket signing over the private Tor network when the circuit dies (issue 8 item 5): our own Node
 * miner reaches the daemon's Stratum onion port through the client's SOCKS port, one circuit per
 * connection (SOCKS credentials, IsolateSOCKSAuth), earns credit, and the test kills its circuit with
 * CLOSECIRCUIT (control-spec 3.17) at each point of the signing rounds (docs/protocol.md "Ticket
 * purchase": ticket.commit, then ticket.sign, which is idempotent per (sid, e)). On a new circuit the
 * client carries on, and the daemon's database shows that no credit was lost and no ticket was paid
 * for twice.
 *
 * Which side of the relay a killed request ends up on is forced, not left to chance:
 * - lost before the relay: the tor client is held with SIGSTOP while both the CLOSECIRCUIT and the
 *   ticket.sign line are written, the CLOSECIRCUIT first. When tor runs again both sockets are ready
 *   at once and it handles them in that order (epoll reports readiness first-come first-served), so
 *   the circuit is marked for close before the request is read, and a relay cell for a marked
 *   circuit is never sent (tor, relay.c circuit_package_relay_cell). Checked, not assumed: once the
 *   daemon's side of the connection has closed (its bytes all handled), the signing session is still
 *   open. The other order (ticket.sign handed to tor first, CLOSECIRCUIT right after, same SIGSTOP)
 *   does not lose the request: in 2 runs of 2 the relay signed (tor had packaged the data cell before
 *   it marked the circuit, and the cell still left). So a close "right after the request is written"
 *   ends in the second case below; the request is lost only if tor sees the close first.
 * - lost after the relay: the client stops reading its socket before sending ticket.sign, the test
 *   waits until the database shows the session signed, then kills the circuit and drops the socket
 *   with whatever reply tor may have put in it unread.
 */
import { readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getAlgorithm } from '../../src/core/pow/registry.js';
import { decodeDescriptor, verifyDescriptor, type Descriptor } from '../../src/core/protocol/descriptor.js';
import { decodeSessionOpenResult } from '../../src/core/protocol/workpass.js';
import { verifyTicket, type Keyring } from '../../src/core/tickets/index.js';
import { MinerClient, mineShare } from '../../src/relay/miner-client.js';
import { rejection } from '../../test/relay/helpers.js';
import { waitFor } from '../lib/relay.js';
import { CircuitLog } from './circuits.js';
import type { TorControl } from './control.js';
import { startTorNetwork, type TorNetwork } from './network.js';
import { ONION_STRATUM_PORT, startOnionRelay, type OnionRelay } from './onion-relay.js';
import { httpGetViaSocks } from './probe.js';
import { socksConnect } from './socks.js';
import { blindChallenge, keyringOf } from './ticket-rounds.js';
import { startDelayProxy, type DelayProxy } from './delay-proxy.js';

const sha256d = getAlgorithm('sha256d');
/** About 43 000 sha256d hashes a share: a fraction of a second for the reference hash. */
const DIFFICULTY = 0.00001;
const SHARES_PER_TICKET = 4;
const PRICE = DIFFICULTY * SHARES_PER_TICKET;
const E_INSUFFICIENT_CREDIT = 30;
const E_SESSION_EXPIRED = 34;

let net: TorNetwork;
let watcher: TorControl;
let circuits: CircuitLog;
let daemon: OnionRelay;
let descriptor: Descriptor;
let keyring: Keyring;
/** The tor client whose SOCKS port the miner uses. */
let torPid: number;
let torStopped = false;
const clients: MinerClient[] = [];
const rtt = { commit: [] as number[], sign: [] as number[] };
let nextUser = 0;

beforeAll(async () => {
  net = await startTorNetwork({ log: (line) => console.log(`[tor] ${line}`) });
  watcher = await net.control();
  circuits = await CircuitLog.attach(watcher);
  torPid = Number(await watcher.getInfo('process/pid'));
  expect(net.pids()).toContain(torPid);
  // Signing sessions expire after 10 s (the daemon's minimum is 5), so the orphan case waits less.
  daemon = await startOnionRelay(net, DIFFICULTY, PRICE, undefined, { signingSeconds: 10 });
  // The user's view of the relay: its descriptor, fetched over the onion service and checked.
  const page = await httpGetViaSocks({ socksPort: net.socksPort, url: daemon.descriptorUrl, auth: { username: 'signing-test:descriptor', password: 'p' } });
  expect(page.status).toBe(200);
  const json = JSON.parse(page.body) as unknown;
  expect(verifyDescriptor(json)).toBe(true);
  descriptor = decodeDescriptor(json);
  keyring = keyringOf(descriptor);
}, 150_000);

// Each case starts with no connection to the daemon, so its connection counts are its own.
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  if (daemon !== undefined) await daemonConnections(0);
});

afterAll(async () => {
  if (torStopped) process.kill(torPid, 'SIGCONT');
  for (const c of clients.splice(0)) c.close();
  await daemon?.close();
  watcher?.close();
  await net?.stop();
});

interface OnionMiner {
  readonly client: MinerClient;
  readonly socket: Socket;
  /** The client's rendezvous circuit that carries this connection. */
  readonly circuit: string;
}

/**
 * A Stratum connection to the daemon's onion port through SOCKS, on a circuit of its own. With
 * `delay`, through the delaying proxy in front of the SOCKS port (the stream is then found by its
 * SOCKS username, since its source port is the proxy's).
 */
async function connectMiner(delay?: DelayProxy): Promise<OnionMiner> {
  const auth = { username: `signing-test:${++nextUser}`, password: 'p' };
  const proxyPort = delay?.port ?? net.socksPort;
  const { socket } = await socksConnect({ proxyPort, host: daemon.onion, port: ONION_STRATUM_PORT, auth, timeoutMs: 60_000 });
  socket.setNoDelay(true);
  const client = MinerClient.overSocket(socket);
  clients.push(client);
  const stream = delay === undefined
    ? await circuits.streamOfLocalPort(socket.localPort!)
    : await waitFor('the delayed stream', async () => [...circuits.streams.values()].find((st) => st.socksUsername === auth.username && st.status === 'SUCCEEDED'), (st) => st !== undefined, 30_000);
  const circuit = circuits.circuits.get(stream!.circuitId) ?? await circuits.circuitOfLocalPort(socket.localPort!);
  expect(stream!.socksUsername).toBe(auth.username);
  expect(circuit.purpose).toMatch(/HS_CLIENT_REND/);
  return { client, socket, circuit: circuit.id };
}

/** Opens a ticket session on `m` and mines `shares` accepted shares for it; returns its token. */
async function earn(m: OnionMiner, shares: number): Promise<string> {
  const { token } = decodeSessionOpenResult(await m.client.request('workpass.session.open', [{ mode: 'tickets' }]));
  const sub = await m.client.subscribe();
  expect(await m.client.authorize(token)).toBe(true);
  let job = await m.client.latestJob();
  for (let i = 0; i < shares; i++) {
    if (m.client.jobs.length > 0) job = await m.client.latestJob();
    expect(job.difficulty).toBe(DIFFICULTY);
    const s = mineShare(sha256d, job, sub.extranonce1, i.toString(16).padStart(2 * sub.extranonce2Size, '0'))!;
    expect(await m.client.request('mining.submit', [token, job.job.jobId, s.extranonce2, s.ntime, s.nonce])).toBe(true);
  }
  return token;
}

interface SigningRow {
  sid: string;
  state: 'open' | 'signed';
  response: string | null;
  createdAt: number;
  expiresAt: number;
}

/** The daemon's books for one session: its sessions row (via sessions()) and its signing sessions. */
function books(token: string) {
  const id = daemon.relay.store.sessionByToken(token)?.id;
  const row = daemon.sessions().find((r) => r.id === id);
  if (id === undefined || row === undefined) throw new Error('no such session in the database');
  const signing = daemon.relay.store.db
    .prepare<[number], SigningRow>('SELECT sid, state, response, created_at AS createdAt, expires_at AS expiresAt FROM signing WHERE session_id = ? ORDER BY created_at')
    .all(id);
  return { row, signing };
}

/** Everything the session earned is credit or paid for its `issued` tickets, each paid by one signed session. */
function expectBooks(token: string, issued: number): void {
  const { row, signing } = books(token);
  expect(row.issued).toBe(issued);
  expect(row.credit + BigInt(row.issued) * daemon.priceNano).toBe(row.work);
  expect(signing.filter((s) => s.state === 'signed')).toHaveLength(issued);
}

const signingState = (token: string, sid: string) => books(token).signing.find((s) => s.sid === sid)?.state;

/** Resolves once the log has seen circuit `id` closed (CIRC ... CLOSED or FAILED). */
function circuitGone(id: string, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const gone = (): boolean => /^(CLOSED|FAILED)$/.test(circuits.circuits.get(id)?.status ?? '');
    const done = (err?: Error): void => {
      off();
      clearTimeout(timer);
      if (err === undefined) resolve();
      else reject(err);
    };
    // Registered after the CircuitLog's own listener, so the log is up to date when this runs.
    const off = watcher.on('CIRC', () => {
      if (gone()) done();
    });
    const timer = setTimeout(() => done(new Error(`circuit ${id} not closed within ${timeoutMs} ms`)), timeoutMs);
    if (gone()) done();
  });
}

async function closeCircuit(id: string): Promise<void> {
  const gone = circuitGone(id);
  await watcher.command(`CLOSECIRCUIT ${id}`);
  await gone;
}

/** Runs `f` while the tor client is stopped (SIGSTOP, checked in /proc), then lets it run again. */
async function whileTorStopped<T>(f: () => T): Promise<T> {
  // /proc/<pid>/stat: "pid (comm) state ...".
  const state = (): string => /\) (\S)/.exec(readFileSync(`/proc/${torPid}/stat`, 'utf8'))?.[1] ?? '?';
  process.kill(torPid, 'SIGSTOP');
  torStopped = true;
  try {
    await waitFor('the tor client stopped', async () => state(), (s) => s === 'T', 5_000);
    const out = f();
    // Anything libuv had to queue goes to the kernel in the poll phase, before this resolves.
    await new Promise((r) => setImmediate(r));
    return out;
  } finally {
    process.kill(torPid, 'SIGCONT');
    torStopped = false;
  }
}

/** How a request on a killed connection ended: its result never arrived. */
const outcome = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'answered',
    (err: Error) => err.message,
  );

/** The daemon's count of open client connections is back to `n` (it has handled the close). */
const daemonConnections = (n: number) => waitFor(`${n} daemon connections`, async () => daemon.relay.stats().sessions, (v) => v === n, 15_000);

async function timed<T>(samples: number[], f: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await f();
  samples.push(performance.now() - t0);
  return out;
}

describe('MinerClient.overSocket', () => {
  it('refuses a socket that is not connected, or no longer', async () => {
    expect(() => MinerClient.overSocket(new Socket())).toThrow(/not connected/);
    const { socket } = await socksConnect({ proxyPort: net.socksPort, host: daemon.onion, port: ONION_STRATUM_PORT, auth: { username: 'signing-test:closed', password: 'p' } });
    socket.destroy();
    expect(() => MinerClient.overSocket(socket)).toThrow(/not connected/);
  });
});

/** Set by the first case, finished by the last one once its signing session has expired. */
let orphan: { token: string; sid: string; expiresAt: number } | undefined;

describe('a circuit killed between ticket.commit and ticket.sign', () => {
  it('commit reached the relay, its reply died with the circuit: the credit stays held by the open session', async () => {
    const a = await connectMiner();
    const token = await earn(a, SHARES_PER_TICKET);
    // Credit for exactly one ticket, so the open session is what stops a second commit.
    expect(books(token).row.credit).toBe(daemon.priceNano);
    const connected = daemon.relay.stats().sessions;
    a.socket.pause();
    const lost = outcome(a.client.request('ticket.commit', [token]));
    const [opened] = (await waitFor('the relay opened a signing session', async () => books(token).signing, (s) => s.length === 1, 20_000));
    await closeCircuit(a.circuit);
    a.client.close();
    expect(await lost).toBe('connection closed');
    await daemonConnections(connected - 1);

    const b = await connectMiner();
    expect(b.circuit).not.toBe(a.circuit);
    // The client never learnt the sid. Its credit is not lost, only held by that session: a new
    // commit on the same token is refused for want of credit until the session expires.
    expect(await rejection(b.client.request('ticket.commit', [token]))).toBe(E_INSUFFICIENT_CREDIT);
    const { row, signing } = books(token);
    expect(row).toMatchObject({ issued: 0, credit: daemon.priceNano, work: daemon.priceNano });
    expect(signing).toEqual([expect.objectContaining({ sid: opened!.sid, state: 'open' })]);
    // Open for signingSeconds from the commit (the two stamps come from two clock reads).
    const ttl = opened!.expiresAt - opened!.createdAt;
    expect(ttl).toBeGreaterThanOrEqual(daemon.relay.config.signingSeconds * 1000);
    expect(ttl).toBeLessThan(daemon.relay.config.signingSeconds * 1000 + 1000);
    b.client.close();
    orphan = { token, sid: opened!.sid, expiresAt: opened!.expiresAt };
  });

  it('commit answered, circuit killed before sign: the session completes on a new circuit, then a new commit works', async () => {
    const a = await connectMiner();
    const token = await earn(a, 2 * SHARES_PER_TICKET);
    const first = blindChallenge(descriptor, await timed(rtt.commit, () => a.client.request('ticket.commit', [token])));
    await closeCircuit(a.circuit);
    await a.client.whenClosed();
    expect(signingState(token, first.commit.sid)).toBe('open');
    expectBooks(token, 0);

    const b = await connectMiner();
    expect(b.circuit).not.toBe(a.circuit);
    const ticket = first.unblind(await timed(rtt.sign, () => b.client.request('ticket.sign', [token, first.commit.sid, first.e])));
    expect(verifyTicket(ticket, keyring, Date.now()).ok).toBe(true);
    expectBooks(token, 1);
    // The finished session no longer counts against the open-session bound: the next round works.
    const second = blindChallenge(descriptor, await timed(rtt.commit, () => b.client.request('ticket.commit', [token])));
    const again = second.unblind(await timed(rtt.sign, () => b.client.request('ticket.sign', [token, second.commit.sid, second.e])));
    expect(verifyTicket(again, keyring, Date.now()).ok).toBe(true);
    expectBooks(token, 2);
    expect(books(token).signing.filter((s) => s.state === 'open')).toEqual([]);
    b.client.close();
  });
});

describe('a circuit killed with ticket.sign in flight', () => {
  it('the request died before the relay: retried with the same (sid, e) on a new circuit, it signs once', async () => {
    const a = await connectMiner();
    const token = await earn(a, SHARES_PER_TICKET);
    const blinded = blindChallenge(descriptor, await a.client.request('ticket.commit', [token]));
    const { sid } = blinded.commit;
    const connected = daemon.relay.stats().sessions;
    const issuedBefore = daemon.relay.stats().tickets.issued;
    const gone = circuitGone(a.circuit);
    const { killed, lost } = await whileTorStopped(() => {
      const killed = watcher.command(`CLOSECIRCUIT ${a.circuit}`);
      const lost = outcome(a.client.request('ticket.sign', [token, sid, blinded.e]));
      // The whole line is in the kernel, waiting for tor.
      expect(a.socket.writableLength).toBe(0);
      return { killed, lost };
    });
    await killed;
    await gone;
    expect(await lost).toBe('connection closed');
    // The daemon's side of the stream has closed, so it has handled every byte that came on it.
    await daemonConnections(connected - 1);
    expect(signingState(token, sid)).toBe('open');
    expectBooks(token, 0);

    const b = await connectMiner();
    expect(b.circuit).not.toBe(a.circuit);
    const ticket = blinded.unblind(await timed(rtt.sign, () => b.client.request('ticket.sign', [token, sid, blinded.e])));
    expect(verifyTicket(ticket, keyring, Date.now()).ok).toBe(true);
    expectBooks(token, 1);
    expect(daemon.relay.stats().tickets.issued).toBe(issuedBefore + 1);
    expect((await daemon.stats()).tickets.issued).toBe(issuedBefore + 1);
    b.client.close();
  });

  it('the relay signed, the reply died with the circuit: the retry gets the stored response, paid once', async () => {
    const a = await connectMiner();
    const token = await earn(a, SHARES_PER_TICKET);
    const blinded = blindChallenge(descriptor, await a.client.request('ticket.commit', [token]));
    const { sid } = blinded.commit;
    const connected = daemon.relay.stats().sessions;
    const issuedBefore = daemon.relay.stats().tickets.issued;
    // From here on the client reads nothing: a reply tor delivers stays in the socket.
    a.socket.pause();
    const lost = outcome(a.client.request('ticket.sign', [token, sid, blinded.e]));
    await waitFor('the relay signed', async () => signingState(token, sid), (s) => s === 'signed', 20_000);
    await closeCircuit(a.circuit);
    a.client.close();
    expect(await lost).toBe('connection closed');
    await daemonConnections(connected - 1);
    expectBooks(token, 1);

    const b = await connectMiner();
    expect(b.circuit).not.toBe(a.circuit);
    const replayed = await timed(rtt.sign, () => b.client.request('ticket.sign', [token, sid, blinded.e]));
    expect(replayed).toEqual(JSON.parse(books(token).signing.find((s) => s.sid === sid)!.response!));
    const ticket = blinded.unblind(replayed);
    expect(verifyTicket(ticket, keyring, Date.now()).ok).toBe(true);
    expectBooks(token, 1);
    expect(daemon.relay.stats().tickets.issued).toBe(issuedBefore + 1);
    b.client.close();
  });
});

describe('at realistic latency (150 ms added each way in front of the SOCKS port)', () => {
  it('earns and buys a ticket; a circuit killed with the signed reply in flight loses nothing', async () => {
    const delay = await startDelayProxy(net.socksPort, 150);
    try {
      const a = await connectMiner(delay);
      // Credit for two tickets.
      const token = await earn(a, 2 * SHARES_PER_TICKET);
      const slow: number[] = [];
      const first = blindChallenge(descriptor, await timed(slow, () => a.client.request('ticket.commit', [token])));
      const ticket = first.unblind(await timed(slow, () => a.client.request('ticket.sign', [token, first.commit.sid, first.e])));
      expect(verifyTicket(ticket, keyring, Date.now()).ok).toBe(true);
      // Each round trip pays the delay twice on top of the onion circuit's own time.
      for (const ms of slow) expect(ms).toBeGreaterThanOrEqual(2 * delay.delayMs);
      console.log(`[signing-tor] with ${delay.delayMs} ms each way: ticket.commit ${slow[0]!.toFixed(0)} ms, ticket.sign ${slow[1]!.toFixed(0)} ms`);

      // The second ticket: the relay signs, and the client never reads the reply (paused, as above)
      // before its circuit dies.
      const second = blindChallenge(descriptor, await a.client.request('ticket.commit', [token]));
      a.socket.pause();
      const lost = outcome(a.client.request('ticket.sign', [token, second.commit.sid, second.e]));
      await waitFor('the relay signed', async () => signingState(token, second.commit.sid), (st) => st === 'signed', 20_000);
      await closeCircuit(a.circuit);
      a.client.close();
      expect(await lost).toBe('connection closed');
      expectBooks(token, 2);

      const b = await connectMiner(delay);
      expect(b.circuit).not.toBe(a.circuit);
      const again = second.unblind(await b.client.request('ticket.sign', [token, second.commit.sid, second.e]));
      expect(verifyTicket(again, keyring, Date.now()).ok).toBe(true);
      expectBooks(token, 2);
      b.client.close();
    } finally {
      await delay.close();
    }
  }, 120_000);
});

describe('the signing session orphaned by the first case', () => {
  it('expires after signingSeconds, and the credit it held buys a ticket on a new circuit', async () => {
    expect(orphan).toBeDefined();
    const { token, sid, expiresAt } = orphan!;
    // The daemon's clock is Date.now(): wait out the session's known deadline.
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now() + 50)));
    const c = await connectMiner();
    const blinded = blindChallenge(descriptor, await timed(rtt.commit, () => c.client.request('ticket.commit', [token])));
    // The orphan cannot be answered any more (its u, s, d are gone).
    expect(await rejection(c.client.request('ticket.sign', [token, sid, blinded.e]))).toBe(E_SESSION_EXPIRED);
    const ticket = blinded.unblind(await timed(rtt.sign, () => c.client.request('ticket.sign', [token, blinded.commit.sid, blinded.e])));
    expect(verifyTicket(ticket, keyring, Date.now()).ok).toBe(true);
    expectBooks(token, 1);
    expect(signingState(token, sid)).toBe('open');
    const stillOpen = daemon.relay.store.db
      .prepare<[number], { n: number }>("SELECT COUNT(*) AS n FROM signing WHERE state = 'open' AND expires_at > ?")
      .get(Date.now());
    expect(stillOpen?.n).toBe(0);
    c.client.close();
    const ms = (v: number[]): string => v.map((x) => x.toFixed(0)).join(', ');
    const median = (v: number[]): number => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)]!;
    console.log(
      `[signing-tor] round trips over the onion service: ticket.commit ${ms(rtt.commit)} ms (median ${median(rtt.commit).toFixed(0)}), ` +
        `ticket.sign ${ms(rtt.sign)} ms (median ${median(rtt.sign).toFixed(0)})`,
    );
  });
});
