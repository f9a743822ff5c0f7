import { connect, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { decodeMessage, encodeRequest, type RpcMessage } from '../../core/protocol/jsonrpc.js';
import { decodeNotifyParams, decodeSetDifficultyParams, decodeSubscribeResult } from '../../core/protocol/stratum.js';
import type { Algorithm } from '../../core/pow/registry.js';
import { hashMeetsTarget, targetFromDifficulty } from '../../core/pow/target.js';
import type { PoolConfig } from '../config.js';
import { LineSplitter } from '../transport/lines.js';
import type { CheckedShare, ExtranonceLayout, Job, JobSource, JobSourceStats } from './source.js';

/**
 * An upstream pool over Stratum v1/TCP. The relay subscribes once and splits the pool's
 * extranonce2 space: each client gets extranonce1 = pool extranonce1 ‖ a slice of sliceBytes, and
 * the remaining extranonce2 bytes. A client share is forwarded only when its hash meets the pool's
 * difficulty for that job; the pool's answers are counted. Reconnects with exponential backoff.
 */
export interface PoolOptions {
  readonly pool: PoolConfig;
  readonly algorithm: Algorithm;
  readonly log: Logger;
  readonly now?: () => number;
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Each share forwarded and each answer to one, with the pool difficulty in force (the dashboard's earnings counters). */
  readonly onShare?: (event: 'forwarded' | 'accepted' | 'rejected', poolDifficulty: number) => void;
}

const MAX_LINE_BYTES = 64 * 1024;
const JOBS_KEPT = 16;

/** How many extranonce2 bytes the relay keeps for its per-client slice. */
export function sliceBytesFor(poolExtranonce2Size: number): number {
  if (poolExtranonce2Size >= 8) return 4;
  if (poolExtranonce2Size >= 4) return 2;
  if (poolExtranonce2Size >= 2) return 1;
  return 0;
}

export class PoolSource implements JobSource {
  readonly kind = 'pool' as const;
  private socket: Socket | undefined;
  private state: JobSourceStats['state'] = 'connecting';
  private currentLayout: ExtranonceLayout | undefined;
  private job: Job | undefined;
  private difficulty = 1;
  private readonly jobTargets = new Map<string, bigint>();
  private readonly jobListeners: Array<(job: Job, clean: boolean) => void> = [];
  private readonly layoutListeners: Array<() => void> = [];
  private readonly pending = new Map<number, 'subscribe' | 'authorize' | 'submit'>();
  private nextId = 1;
  private backoff: number;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly counts = { accepted: 0, rejected: 0, forwarded: 0 };
  private readonly now: () => number;
  private firstReady: (() => void) | undefined;
  private layoutChanged = false;

  constructor(private readonly opts: PoolOptions) {
    this.now = opts.now ?? Date.now;
    this.backoff = opts.minBackoffMs ?? 1000;
  }

  /** Starts connecting; resolves at once (the relay serves clients when the first job arrives). */
  async start(): Promise<void> {
    this.connect();
  }

  /** Resolves once the pool has sent a first job (for tests). */
  ready(): Promise<void> {
    if (this.job !== undefined) return Promise.resolve();
    return new Promise((resolve) => (this.firstReady = resolve));
  }

  current(): Job | undefined {
    return this.state === 'ready' ? this.job : undefined;
  }

  layout(): ExtranonceLayout | undefined {
    return this.state === 'ready' ? this.currentLayout : undefined;
  }

  onJob(listener: (job: Job, clean: boolean) => void): void {
    this.jobListeners.push(listener);
  }

  onLayoutChange(listener: () => void): void {
    this.layoutListeners.push(listener);
  }

  offer(share: CheckedShare): void {
    const layout = this.currentLayout;
    const target = this.jobTargets.get(share.job.jobId);
    if (layout === undefined || target === undefined || this.socket === undefined || this.state !== 'ready') return;
    if (!hashMeetsTarget(share.hash, target)) return;
    const slice = share.extranonce1.slice(layout.prefix.length);
    const id = this.nextId++;
    this.pending.set(id, 'submit');
    this.counts.forwarded++;
    this.opts.onShare?.('forwarded', this.difficulty);
    this.write(encodeRequest(id, 'mining.submit', [this.opts.pool.user, share.job.jobId, slice + share.extranonce2, share.ntime, share.nonce]));
  }

  stats(): JobSourceStats {
    return { kind: 'pool', state: this.state, ...this.counts, blocks: 0, poolDifficulty: this.difficulty };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry !== undefined) clearTimeout(this.retry);
    this.socket?.destroy();
  }

  private write(line: string): void {
    this.socket?.write(line + '\n');
  }

  private connect(): void {
    if (this.closed) return;
    this.state = 'connecting';
    const { host, port } = this.opts.pool;
    const socket = connect({ host, port, noDelay: true });
    this.socket = socket;
    const splitter = new LineSplitter(MAX_LINE_BYTES);
    socket.setKeepAlive(true, 30_000);
    socket.on('connect', () => {
      this.pending.clear();
      const sub = this.nextId++;
      this.pending.set(sub, 'subscribe');
      this.write(encodeRequest(sub, 'mining.subscribe', ['workpass-relay/0.1']));
      const auth = this.nextId++;
      this.pending.set(auth, 'authorize');
      this.write(encodeRequest(auth, 'mining.authorize', [this.opts.pool.user, this.opts.pool.pass]));
    });
    socket.on('data', (chunk: Buffer) => {
      const lines = splitter.push(chunk);
      if (lines === 'overflow') {
        this.opts.log.warn('pool sent an over-long line; reconnecting');
        socket.destroy();
        return;
      }
      for (const line of lines) this.onLine(line);
    });
    socket.on('error', (err) => this.opts.log.warn({ err: err.message, host, port }, 'pool connection error'));
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.state = 'down';
      this.job = undefined;
      if (this.closed) return;
      const wait = this.backoff;
      this.backoff = Math.min(this.backoff * 2, this.opts.maxBackoffMs ?? 60_000);
      this.opts.log.warn({ retryMs: wait }, 'pool connection lost');
      this.retry = setTimeout(() => this.connect(), wait);
      this.retry.unref();
    });
  }

  private onLine(line: string): void {
    let msg: RpcMessage;
    try {
      msg = decodeMessage(line);
    } catch {
      this.opts.log.warn('pool sent a malformed message');
      return;
    }
    try {
      if (msg.kind === 'response') this.onResponse(msg);
      else this.onRequest(msg.method, msg.params);
    } catch (err) {
      this.opts.log.warn({ err: (err as Error).message }, 'pool message refused');
    }
  }

  private onResponse(msg: Extract<RpcMessage, { kind: 'response' }>): void {
    const what = typeof msg.id === 'number' ? this.pending.get(msg.id) : undefined;
    if (what === undefined) return;
    this.pending.delete(msg.id as number);
    if (what === 'submit') {
      const accepted = msg.result === true && msg.error === null;
      if (accepted) this.counts.accepted++;
      else this.counts.rejected++;
      this.opts.onShare?.(accepted ? 'accepted' : 'rejected', this.difficulty);
    } else if (what === 'subscribe') {
      if (msg.error !== null) throw new Error(`pool refused subscribe: ${msg.error[1]}`);
      const r = decodeSubscribeResult(msg.result);
      const slice = sliceBytesFor(r.extranonce2Size);
      if (slice === 0) throw new Error('pool extranonce2_size too small to share');
      const layout: ExtranonceLayout = { prefix: r.extranonce1.toLowerCase(), sliceBytes: slice, extranonce2Size: r.extranonce2Size - slice };
      const changed = this.currentLayout !== undefined &&
        (this.currentLayout.prefix !== layout.prefix || this.currentLayout.extranonce2Size !== layout.extranonce2Size);
      this.currentLayout = layout;
      // Announced once the source is ready again (first notify), so listeners can read layout().
      if (changed) this.layoutChanged = true;
    } else if (what === 'authorize' && msg.result !== true) {
      this.opts.log.error({ error: msg.error }, 'pool refused our worker credentials');
    }
  }

  private onRequest(method: string, params: readonly unknown[]): void {
    if (method === 'mining.set_difficulty') {
      this.difficulty = decodeSetDifficultyParams(params);
    } else if (method === 'mining.notify') {
      // Pools may send uppercase hex; the job id (index 0) is an opaque string and keeps its case.
      const lower = (v: unknown): unknown => (typeof v === 'string' ? v.toLowerCase() : Array.isArray(v) ? v.map(lower) : v);
      const n = decodeNotifyParams(params.map((p, i) => (i === 0 ? p : lower(p))));
      const prev = this.job;
      const job: Job = {
        jobId: n.jobId,
        prevhash: n.prevhash,
        coinb1: n.coinb1,
        coinb2: n.coinb2,
        merkleBranches: n.merkleBranch,
        version: n.version,
        nbits: n.nbits,
        ntime: n.ntime,
        cleanJobs: n.cleanJobs,
        ntimeValue: parseInt(n.ntime, 16),
        createdAt: this.now(),
      };
      const clean = n.cleanJobs || prev === undefined || prev.prevhash !== job.prevhash || this.state !== 'ready';
      if (clean) this.jobTargets.clear();
      this.jobTargets.set(job.jobId, targetFromDifficulty(this.opts.algorithm, this.difficulty));
      while (this.jobTargets.size > JOBS_KEPT) this.jobTargets.delete(this.jobTargets.keys().next().value as string);
      this.job = job;
      if (this.currentLayout === undefined) return;
      this.state = 'ready';
      this.backoff = this.opts.minBackoffMs ?? 1000;
      if (this.layoutChanged) {
        this.layoutChanged = false;
        for (const l of this.layoutListeners) l();
      }
      for (const l of this.jobListeners) l(job, clean);
      this.firstReady?.();
      this.firstReady = undefined;
    } else if (method === 'client.reconnect') {
      this.socket?.destroy();
    }
  }
}
