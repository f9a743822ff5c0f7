// Test doubles for the background: an in-memory transport with a fake relay behind it, and a worker
// host that runs the real kernel scan loop in-process.
import { signDescriptor, type Descriptor } from '../../src/core/protocol/descriptor.js';
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

/** A descriptor for a relay at `ws`, signed with a fixed test key (seed byte `keyByte`). */
export function testDescriptor(ws: string, keyByte = 1, name = 'test relay'): Descriptor {
  return signDescriptor({
    version: 1, name, fingerprint: '', published: 1_796_000_000_000,
    endpoints: { ws, stratum: '', http: 'http://relay.test' },
    algorithms: [{ name: 'sha256d', difficulty: 0.001, minDifficulty: 1e-6, maxDifficulty: 1e9 }],
    tickets: { price: 1, dt: 600, graceHours: 48, keys: [] },
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

  constructor(private readonly relay: FakeRelay) {
    this.#extranonce1 = (relay.connections).toString(16).padStart(8, '0');
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

  #handle(id: number | string | null, method: string, params: readonly unknown[]): void {
    const difficulty = this.relay.options.difficulty ?? 2 ** -16;
    switch (method) {
      case 'mining.subscribe':
        this.#reply(encodeResult(id, encodeSubscribeResult({ subscriptionId: 's', extranonce1: this.#extranonce1, extranonce2Size: 4 })));
        break;
      case 'workpass.session.open': {
        const mode = (params[0] as { mode?: string } | undefined)?.mode ?? 'tickets';
        this.relay.modes.push(mode);
        this.#token = 'AAAAAAAAAAAAAAAAAAAAAA';
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
        this.relay.accepted.push({ nonce: p.nonce, extranonce2: p.extranonce2, worker: p.worker });
        this.#reply(encodeResult(id, true));
        break;
      }
      default:
        this.#reply(encodeError(id, -32601, 'method not found'));
    }
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
}
