// Test doubles for the background: an in-memory transport with a fake relay behind it, and a worker
// host that runs the real kernel scan loop in-process.
import { signDescriptor, type Descriptor } from '../../src/core/protocol/descriptor.js';
import { signerCommit, signerRespond, type SignerState } from '../../src/core/tickets/abe-okamoto.js';
import { addDays, infoForDay, utcDay } from '../../src/core/tickets/day.js';
import { SigningKey } from '../../src/core/tickets/keys.js';
import { decodeChallenge, encodeCommitment, encodeResponse } from '../../src/core/tickets/messages.js';
import { base64urlToBytes, bytesToBase64url } from '../../src/core/util/bytes.js';
import { relayEntry, type RelayEntry } from '../../src/extension/store/settings.js';
import { getAlgorithm } from '../../src/core/pow/registry.js';
import { buildHeader, type StratumJob } from '../../src/core/pow/stratum.js';
import { hashMeetsTarget, targetFromDifficulty } from '../../src/core/pow/target.js';
import { decodeMessage, encodeError, encodeRequest, encodeResult } from '../../src/core/protocol/jsonrpc.js';
import { decodeSubmitParams, encodeNotifyParams, encodeSubscribeResult } from '../../src/core/protocol/stratum.js';
import { scanLoop, type ScanClock } from '../../src/extension/mining/scan-loop.js';
import { nonceSlices, type WorkOrder, type WorkReport } from '../../src/extension/mining/work.js';
import type { WorkerHost } from '../../src/extension/mining/worker-host.js';
import type { Channel, Transport } from '../../src/extension/transport/transport.js';

/** A deterministic byte source (a counter), so protocol tests are repeatable. */
export function counterRandom(seed = 1): (n: number) => Uint8Array {
  let c = seed;
  return (n) => Uint8Array.from({ length: n }, () => (c = (c * 1103515245 + 12345) >>> 0) >>> 24);
}

/** The fake relay's ticket signing key (fixed, so descriptors and relays agree). */
export const TICKET_KEY = SigningKey.fromBytes(Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 7 : 0)));

/**
 * A descriptor for a relay at `ws` publishing `ticketKeys`, signed with a fixed descriptor key
 * (seed byte `keyByte`).
 */
export function testDescriptor(ws: string, keyByte = 1, ticketKeys: SigningKey[] = [TICKET_KEY]): Descriptor {
  const today = utcDay(Date.now());
  return signDescriptor({
    version: 1, name: 'test relay', fingerprint: '', published: 1_796_000_000_000,
    endpoints: { ws, stratum: '', http: 'http://relay.test' },
    algorithms: [{ name: 'sha256d', difficulty: 0.001, minDifficulty: 1e-6, maxDifficulty: 1e9 }],
    tickets: {
      price: 1, dt: 600, graceHours: 48,
      keys: ticketKeys.map((k) => ({
        keyId: k.publicKey.keyIdHex(), publicKey: k.publicKey.toText(), firstDay: addDays(today, -1), lastDay: addDays(today, 6),
        expiresAt: Date.now() + 9 * 86_400_000,
      })),
    },
    partners: [],
  }, new Uint8Array(32).fill(keyByte));
}

export function testRelayEntry(ws: string): RelayEntry {
  return relayEntry('http://relay.test/.well-known/workpass/descriptor.json', testDescriptor(ws));
}

export const JOB: StratumJob = {
  jobId: 'j1',
  prevhash: '1901125021a61204d3a6c3011dd330d9df07b63616c2cc1f000002d000000000',
  coinb1: '01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff08044c86041b02',
  coinb2: 'ffffffff0100f2052a010000004341041b0e8c2567c12536aa13357b79a073dc4444acb83c4ec7a0e2f99dd7457516c5817242da796924ca4e99947d087fedf9ce467cb9f7c6287078f801df276fdf84ac00000000',
  merkleBranches: [],
  version: '00000001',
  nbits: '1b04864c',
  ntime: '4d1b2237',
  cleanJobs: true,
};

export interface FakeRelayOptions {
  difficulty?: number;
  /** Credit per ticket (default: none is ever affordable). */
  price?: number;
  /** Sign with this key instead of TICKET_KEY. */
  ticketKey?: SigningKey;
  /** Answer ticket.sign with a corrupted response. */
  corruptSign?: boolean;
  /** Refuse mining.authorize. */
  refuseAuthorize?: boolean;
  /** Do not answer at all (the connection opens, then nothing). */
  silent?: boolean;
}

/**
 * A relay speaking the client <-> relay protocol (docs/protocol.md) over in-memory channels. It checks
 * shares the way the daemon does: job known, hash at or below the assigned target, not a duplicate.
 */
export class FakeRelay implements Transport {
  readonly accepted: { nonce: string; extranonce2: string; worker: string }[] = [];
  readonly rejected: number[] = [];
  readonly modes: string[] = [];
  connections = 0;
  /** Drop the connection instead of answering the next n ticket.sign requests (after signing). */
  dropSignReplies = 0;
  /** Ticket sessions by token: credit and issued tickets (they outlive connections, as in the daemon). */
  readonly sessions = new Map<string, { credit: number; issued: number; mode: string }>();
  readonly signing = new Map<string, { token: string; state: SignerState | null; e: string | null; answer: string | null }>();
  signs = 0;
  tokenCount = 0;
  /** Per connection: the methods called and the session tokens named in them. */
  readonly log: { methods: string[]; tokens: Set<string>; own: string }[] = [];
  refuseConnections = false;
  readonly open_: Set<FakeChannel> = new Set();

  constructor(readonly options: FakeRelayOptions = {}) {}

  async open(endpoint: string): Promise<Channel> {
    if (this.refuseConnections || !endpoint.startsWith('ws://relay.test')) throw new Error(`cannot reach relay ${endpoint}`);
    this.connections++;
    const ch = new FakeChannel(this);
    this.open_.add(ch);
    return ch;
  }

  /** Sends a notification on every open connection. */
  broadcast(method: string, params: unknown[]): void {
    for (const ch of this.open_) ch.notify(method, params);
  }

  /** Drops every connection, as a relay restart would. */
  dropAll(): void {
    for (const ch of [...this.open_]) ch.drop('closed (1006)');
  }
}

class FakeChannel implements Channel {
  onMessage: ((text: string) => void) | null = null;
  onClose: ((reason: string) => void) | null = null;
  #closed = false;
  readonly #extranonce1: string;
  #token = '';
  #seen = new Set<string>();

  readonly #log: { methods: string[]; tokens: Set<string>; own: string } = { methods: [], tokens: new Set(), own: '' };

  constructor(private readonly relay: FakeRelay) {
    this.#extranonce1 = (relay.connections).toString(16).padStart(8, '0');
    relay.log.push(this.#log);
  }

  send(text: string): void {
    if (this.#closed || this.relay.options.silent) return;
    const msg = decodeMessage(text);
    if (msg.kind !== 'request') return;
    queueMicrotask(() => this.#handle(msg.id, msg.method, msg.params));
  }

  #reply(text: string): void {
    if (!this.#closed) queueMicrotask(() => this.onMessage?.(text));
  }

  get #price(): number {
    return this.relay.options.price ?? 1e12;
  }

  #handle(id: number | string | null, method: string, params: readonly unknown[]): void {
    this.#log.methods.push(method);
    if (method.startsWith('ticket.') || method === 'workpass.session.status' || method === 'mining.authorize') this.#log.tokens.add(params[0] as string);
    const difficulty = this.relay.options.difficulty ?? 2 ** -16;
    switch (method) {
      case 'mining.subscribe':
        this.#reply(encodeResult(id, encodeSubscribeResult({ subscriptionId: 's', extranonce1: this.#extranonce1, extranonce2Size: 4 })));
        break;
      case 'workpass.session.open': {
        const mode = (params[0] as { mode?: string } | undefined)?.mode ?? 'tickets';
        this.relay.modes.push(mode);
        this.#token = bytesToBase64url(Uint8Array.from({ length: 16 }, (_, i) => (i === 0 ? ++this.relay.tokenCount : 0)));
        this.relay.sessions.set(this.#token, { credit: 0, issued: 0, mode });
        this.#log.own = this.#token;
        this.#reply(encodeResult(id, { token: this.#token, price: 1, algo: 'sha256d', keyId: 'k1', day: '2026-12-01' }));
        break;
      }
      case 'mining.authorize':
        if (this.relay.options.refuseAuthorize || params[0] !== this.#token) {
          this.#reply(encodeError(id, 24, 'unauthorized worker'));
          break;
        }
        this.#reply(encodeResult(id, true));
        this.#reply(encodeRequest(null, 'mining.set_difficulty', [difficulty]));
        this.#reply(encodeRequest(null, 'mining.notify', encodeNotifyParams({ ...JOB, merkleBranch: JOB.merkleBranches })));
        break;
      case 'mining.submit': {
        const p = decodeSubmitParams(params);
        const algo = getAlgorithm('sha256d');
        const header = buildHeader(JOB, this.#extranonce1, p.extranonce2, p.ntime, p.nonce);
        const key = `${p.extranonce2}:${p.nonce}`;
        let code = 0;
        if (p.jobId !== JOB.jobId) code = 21;
        else if (this.#seen.has(key)) code = 22;
        else if (!hashMeetsTarget(algo.referenceHash(header), targetFromDifficulty(algo, difficulty))) code = 23;
        if (code !== 0) {
          this.relay.rejected.push(code);
          this.#reply(encodeError(id, code, 'refused'));
          break;
        }
        this.#seen.add(key);
        const sess = this.relay.sessions.get(p.worker);
        if (sess !== undefined && sess.mode === 'tickets') sess.credit += 1;
        this.relay.accepted.push({ nonce: p.nonce, extranonce2: p.extranonce2, worker: p.worker });
        this.#reply(encodeResult(id, true));
        break;
      }
      case 'workpass.session.status': {
        const sess = this.relay.sessions.get(params[0] as string);
        if (sess === undefined) return this.#reply(encodeError(id, 24, 'unknown session'));
        this.#reply(encodeResult(id, { credit: sess.credit, price: this.#price, issued: sess.issued, mode: sess.mode }));
        break;
      }
      case 'ticket.commit': {
        const token = params[0] as string;
        const sess = this.relay.sessions.get(token);
        if (sess === undefined) return this.#reply(encodeError(id, 24, 'unknown session'));
        if (sess.mode !== 'tickets' || sess.credit < this.#price) return this.#reply(encodeError(id, 30, 'insufficient credit'));
        const key = this.relay.options.ticketKey ?? TICKET_KEY;
        const day = utcDay(Date.now());
        const { state, commitment } = signerCommit(key, infoForDay(day), counterRandom(this.relay.signing.size + 99));
        const sid = (this.relay.signing.size + 1).toString(16).padStart(32, '0');
        this.relay.signing.set(sid, { token, state, e: null, answer: null });
        const ab = encodeCommitment(commitment);
        this.#reply(encodeResult(id, {
          sid, keyId: key.publicKey.keyIdHex(), day, a: bytesToBase64url(ab.subarray(0, 32)), b: bytesToBase64url(ab.subarray(32)),
        }));
        break;
      }
      case 'ticket.sign': {
        const [token, sid, e] = params as [string, string, string];
        const sg = this.relay.signing.get(sid);
        if (sg === undefined || sg.token !== token) return this.#reply(encodeError(id, 32, 'unknown signing session'));
        if (sg.e !== null && sg.e !== e) return this.#reply(encodeError(id, 33, 'challenge already answered with a different e'));
        if (sg.answer === null) {
          const sess = this.relay.sessions.get(token)!;
          const r = encodeResponse(signerRespond(this.relay.options.ticketKey ?? TICKET_KEY, sg.state!, decodeChallenge(base64urlToBytes('e', e))));
          if (this.relay.options.corruptSign) r[0] ^= 1;
          sess.credit -= this.#price;
          sess.issued++;
          this.relay.signs++;
          sg.e = e;
          sg.state = null;
          sg.answer = encodeResult(id, {
            r: bytesToBase64url(r.subarray(0, 32)), c: bytesToBase64url(r.subarray(32, 64)),
            s: bytesToBase64url(r.subarray(64, 96)), d: bytesToBase64url(r.subarray(96)),
          });
        }
        if (this.relay.dropSignReplies > 0) {
          this.relay.dropSignReplies--;
          this.drop('closed (1006)');
          return;
        }
        const answer = JSON.parse(sg.answer) as { result: unknown };
        this.#reply(encodeResult(id, answer.result));
        break;
      }
      default:
        this.#reply(encodeError(id, -32601, 'method not found'));
    }
  }

  notify(method: string, params: unknown[]): void {
    this.#reply(encodeRequest(null, method, params));
  }

  drop(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.relay.open_.delete(this);
    this.onClose?.(reason);
  }

  close(): void {
    this.drop('closed by client');
  }
}

/** Runs orders with the real WebAssembly kernel in this process (no Worker), one "worker" per slice. */
export class InProcessHost implements WorkerHost {
  onReport: ((report: WorkReport) => void) | null = null;
  readonly orders: WorkOrder[] = [];
  #run = 0;
  stops = 0;
  releases = 0;

  constructor(private readonly clock?: ScanClock) {}

  async setWork(order: WorkOrder): Promise<void> {
    this.orders.push(order);
    const run = ++this.#run;
    const kernel = await getAlgorithm(order.algorithm).loadKernel();
    for (const slice of nonceSlices(order.workers)) {
      void scanLoop(kernel, { ...order, ...slice }, (r) => this.onReport?.(r), () => run !== this.#run, this.clock);
    }
  }

  async stop(): Promise<void> {
    this.stops++;
    this.#run++;
  }

  async release(): Promise<void> {
    this.releases++;
    this.#run++;
  }
}
