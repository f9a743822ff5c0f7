import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';
import type { Algorithm } from '../core/pow/registry.js';
import { buildHeader, nonceToHex, type StratumJob } from '../core/pow/stratum.js';
import { hashMeetsTarget, targetFromDifficulty } from '../core/pow/target.js';
import { decodeMessage, encodeRequest, type RpcErrorTriple } from '../core/protocol/jsonrpc.js';
import { decodeNotifyParams, decodeSetDifficultyParams, decodeSubscribeResult, type SubscribeResult } from '../core/protocol/stratum.js';
import { LineSplitter } from './transport/lines.js';

/**
 * The project's own Stratum v1 client for Node: speaks to a relay over WebSocket (ws://) or TCP
 * (stratum+tcp://) and mines shares with an algorithm's reference hash. Used by tests and by the
 * load benchmark; it behaves like cpuminer (set_difficulty applies from the next notify; the nonce
 * is submitted as %08x of the header nonce).
 */
export class RemoteError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(`[${code}] ${message}`);
  }
}

export interface ReceivedJob {
  readonly job: StratumJob;
  /** The difficulty in force when this notify arrived. */
  readonly difficulty: number;
}

export class MinerClient {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private pendingDifficulty: number | null = null;
  private difficulty = 1;
  readonly jobs: ReceivedJob[] = [];
  readonly notices: Array<{ method: string; params: readonly unknown[] }> = [];
  private jobWaiters: Array<(j: ReceivedJob) => void> = [];
  private closeWaiters: Array<() => void> = [];
  closed = false;
  subscription: SubscribeResult | undefined;

  private constructor(private readonly sendRaw: (line: string) => void, private readonly hangUp: () => void) {}

  static async connect(url: string): Promise<MinerClient> {
    if (url.startsWith('ws://') || url.startsWith('wss://')) {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      const c = new MinerClient((line) => ws.send(line), () => ws.terminate());
      ws.on('message', (data) => c.onMessage(String(data)));
      ws.on('close', () => c.onClose());
      ws.on('error', () => undefined);
      return c;
    }
    const m = /^stratum\+tcp:\/\/\[?([^\]]+?)\]?:(\d+)$/.exec(url);
    if (m === null) throw new Error(`bad relay url ${url}`);
    const socket: Socket = connect({ host: m[1]!, port: Number(m[2]), noDelay: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    return MinerClient.overSocket(socket);
  }

  /**
   * Stratum over TCP on a socket that is already connected to the relay, e.g. one opened through a
   * SOCKS proxy; bytes the socket already holds are read first.
   */
  static overSocket(socket: Socket): MinerClient {
    // readyState alone says 'open' for a socket that was never connected.
    if (socket.destroyed || socket.connecting || socket.remoteAddress === undefined) throw new Error('overSocket: the socket is not connected');
    const c = new MinerClient((line) => socket.write(line + '\n'), () => socket.destroy());
    const splitter = new LineSplitter(1 << 20);
    socket.on('data', (chunk: Buffer) => {
      const lines = splitter.push(chunk);
      if (lines !== 'overflow') for (const l of lines) c.onMessage(l);
    });
    socket.on('close', () => c.onClose());
    socket.on('error', () => undefined);
    socket.resume();
    return c;
  }

  /** Sends a raw line (for hostile-input tests). */
  sendLine(line: string): void {
    this.sendRaw(line);
  }

  request(method: string, params: readonly unknown[]): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Error('connection closed'));
      this.waiting.set(id, { resolve, reject });
      this.sendRaw(encodeRequest(id, method, params));
    });
  }

  async subscribe(userAgent = 'workpass-test/0.1'): Promise<SubscribeResult> {
    this.subscription = decodeSubscribeResult(await this.request('mining.subscribe', [userAgent]));
    return this.subscription;
  }

  async authorize(username: string, password = ''): Promise<boolean> {
    return (await this.request('mining.authorize', [username, password])) === true;
  }

  /** The next job not yet taken (waits for one). */
  nextJob(timeoutMs = 10_000): Promise<ReceivedJob> {
    const j = this.jobs.shift();
    if (j !== undefined) return Promise.resolve(j);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no job within timeout')), timeoutMs);
      this.jobWaiters.push((job) => {
        clearTimeout(t);
        resolve(job);
      });
    });
  }

  /** The newest job received so far (waits for the first). */
  async latestJob(): Promise<ReceivedJob> {
    if (this.jobs.length === 0) return this.nextJob();
    const j = this.jobs[this.jobs.length - 1]!;
    this.jobs.length = 0;
    return j;
  }

  close(): void {
    this.hangUp();
  }

  whenClosed(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((r) => this.closeWaiters.push(r));
  }

  private onClose(): void {
    this.closed = true;
    for (const w of this.waiting.values()) w.reject(new Error('connection closed'));
    this.waiting.clear();
    for (const w of this.closeWaiters) w();
    this.closeWaiters = [];
  }

  private onMessage(text: string): void {
    const msg = decodeMessage(text);
    if (msg.kind === 'response') {
      const w = typeof msg.id === 'number' ? this.waiting.get(msg.id) : undefined;
      if (w === undefined) {
        // An answer to nothing we are waiting for (e.g. an error to a malformed line): kept as a notice.
        this.notices.push({ method: 'error', params: msg.error === null ? [] : [...msg.error] });
        return;
      }
      this.waiting.delete(msg.id as number);
      if (msg.error !== null) w.reject(new RemoteError((msg.error as RpcErrorTriple)[0], (msg.error as RpcErrorTriple)[1]));
      else w.resolve(msg.result);
      return;
    }
    this.notices.push({ method: msg.method, params: msg.params });
    if (msg.method === 'mining.set_difficulty') this.pendingDifficulty = decodeSetDifficultyParams(msg.params);
    else if (msg.method === 'mining.notify') {
      // As cpuminer: a new difficulty applies from the next notify on.
      if (this.pendingDifficulty !== null) this.difficulty = this.pendingDifficulty;
      this.pendingDifficulty = null;
      const n = decodeNotifyParams(msg.params);
      if (n.cleanJobs) this.jobs.length = 0;
      const job: ReceivedJob = { job: { ...n, merkleBranches: n.merkleBranch }, difficulty: this.difficulty };
      const w = this.jobWaiters.shift();
      if (w !== undefined) w(job);
      else this.jobs.push(job);
    }
  }
}

export interface FoundShare {
  readonly extranonce2: string;
  readonly ntime: string;
  readonly nonce: string;
  readonly hash: Uint8Array;
}

/**
 * Searches nonces from `startNonce` with the reference hash until a header meets the share target
 * of `difficulty`; returns the share as mining.submit wants it, or null after `maxTries`.
 */
export function mineShare(
  algorithm: Algorithm,
  received: ReceivedJob,
  extranonce1: string,
  extranonce2: string,
  opts: { startNonce?: number; maxTries?: number } = {},
): FoundShare | null {
  const target = targetFromDifficulty(algorithm, received.difficulty);
  const { job } = received;
  const header = buildHeader(job, extranonce1, extranonce2, job.ntime, '00000000');
  const view = new DataView(header.buffer, header.byteOffset);
  const max = opts.maxTries ?? 50_000_000;
  for (let i = 0; i < max; i++) {
    const nonce = ((opts.startNonce ?? 0) + i) >>> 0;
    view.setUint32(76, nonce, true);
    const hash = algorithm.referenceHash(header);
    if (hashMeetsTarget(hash, target)) return { extranonce2, ntime: job.ntime, nonce: nonceToHex(nonce), hash };
  }
  return null;
}
