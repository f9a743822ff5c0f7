import { getAlgorithm, type Algorithm } from '../../core/pow/registry.js';
import { buildHeader, nonceToHex, type StratumJob } from '../../core/pow/stratum.js';
import { hashMeetsTarget, targetFromDifficulty, targetToBytes } from '../../core/pow/target.js';
import type { RpcRequest } from '../../core/protocol/jsonrpc.js';
import {
  decodeNotifyParams, decodeSetDifficultyParams, decodeSubscribeResult, encodeSubmitParams, type SubscribeResult,
} from '../../core/protocol/stratum.js';
import { decodeSessionOpenResult, Method, type SessionMode, type SessionOpenResult } from '../../core/protocol/workpass.js';
import { bytesToHex } from '../../core/util/bytes.js';
import { RelayError, RpcClient } from '../transport/rpc-client.js';
import type { Transport } from '../transport/transport.js';
import type { PoolPlan } from './budget.js';
import type { WorkOrder, WorkReport } from './work.js';
import type { WorkerHost } from './worker-host.js';
import type { Descriptor } from '../../core/protocol/descriptor.js';
import type { TypedStore } from '../store/typed-store.js';
import type { Wallet } from '../store/wallet.js';
import { TicketClient } from './ticket-client.js';

export type SessionEvent =
  | { readonly type: 'ready'; readonly algorithm: string; readonly price: number }
  | { readonly type: 'difficulty'; readonly difficulty: number }
  | { readonly type: 'accepted'; readonly difficulty: number }
  | { readonly type: 'rejected'; readonly code: number | null; readonly message: string }
  | { readonly type: 'progress'; readonly hashes: number; readonly busyMs: number; readonly wallMs: number }
  | { readonly type: 'ticket'; readonly relay: string; readonly day: string }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'closed'; readonly reason: string };

export interface SessionDeps {
  readonly transport: Transport;
  readonly host: WorkerHost;
  readonly plan: PoolPlan;
  readonly mode: SessionMode;
  /** Fresh random bytes (extranonce2 choice). */
  readonly random: (n: number) => Uint8Array;
  /** A new order id, unique across sessions of this background's life. */
  readonly nextOrderId: () => number;
  readonly onEvent: (e: SessionEvent) => void;
  /** Ticket collection for this relay; null in donation mode. */
  readonly tickets: SessionTickets | null;
}

export interface SessionTickets {
  readonly wallet: TypedStore<Wallet>;
  readonly relay: string;
  descriptor(): Descriptor;
  refreshDescriptor(): Promise<Descriptor>;
  readonly now: () => number;
}

/** What a share of an order must be submitted with. */
interface OrderContext {
  readonly job: StratumJob;
  readonly extranonce2: string;
  readonly target: bigint;
  readonly difficulty: number;
}

/** Orders kept for late shares: a share found just before a new job is still worth submitting. */
const RECENT_ORDERS = 4;

/**
 * One anonymous mining session on one connection: mining.subscribe, workpass.session.open,
 * mining.authorize with the session token, then each mining.notify becomes a WorkOrder for the
 * worker host and each share found is checked locally and sent with mining.submit. Nothing of it
 * outlives the connection; the next connection is a fresh session.
 */
export class RelaySession {
  /** The latest mining.set_difficulty, and the one the current job was issued at. */
  #difficulty: number | null = null;
  #jobDifficulty: number | null = null;
  #job: StratumJob | null = null;
  #authorized = false;
  readonly #orders = new Map<number, OrderContext>();
  #tickets: TicketClient | null = null;

  private constructor(
    private readonly rpc: RpcClient,
    private readonly deps: SessionDeps,
    private readonly algorithm: Algorithm,
    private readonly subscription: SubscribeResult,
    readonly opened: SessionOpenResult,
  ) {}

  static async open(endpoint: string, deps: SessionDeps, signal?: AbortSignal): Promise<RelaySession> {
    const channel = await deps.transport.open(endpoint, signal);
    const rpc = new RpcClient(channel);
    const early: RpcRequest[] = [];
    rpc.onNotification = (n) => early.push(n);
    try {
      const subscription = decodeSubscribeResult(await rpc.request('mining.subscribe', ['workpass']));
      const opened = decodeSessionOpenResult(await rpc.request(Method.sessionOpen, [{ mode: deps.mode }]));
      const algorithm = getAlgorithm(opened.algo);
      const session = new RelaySession(rpc, deps, algorithm, subscription, opened);
      rpc.onNotification = (n) => session.#notification(n);
      rpc.onClose = (reason) => session.#closed(reason);
      for (const n of early.splice(0)) session.#notification(n);
      const ok = await rpc.request('mining.authorize', [opened.token, '']);
      if (ok !== true) throw new RelayError(24, 'relay refused authorization');
      session.#authorized = true;
      deps.onEvent({ type: 'ready', algorithm: algorithm.name, price: opened.price });
      session.#issue();
      session.#startTickets();
      return session;
    } catch (e) {
      rpc.close();
      throw e;
    }
  }

  close(): void {
    this.rpc.close();
  }

  #startTickets(): void {
    const t = this.deps.tickets;
    if (t === null) return;
    this.#tickets = new TicketClient(this.opened.token, {
      rpc: this.rpc,
      wallet: t.wallet,
      relay: t.relay,
      algorithm: this.algorithm.name,
      descriptor: () => t.descriptor(),
      refreshDescriptor: () => t.refreshDescriptor(),
      random: this.deps.random,
      now: t.now,
      onTicket: (x) => this.deps.onEvent({ type: 'ticket', relay: x.relay, day: x.day }),
      onError: (message) => this.deps.onEvent({ type: 'failed', message }),
    });
  }

  #notification(n: RpcRequest): void {
    try {
      if (n.method === 'mining.set_difficulty') {
        // Stratum: a new difficulty applies from the next job (the relay sends it just before that
        // notify); the job being mined keeps the target it was issued with.
        this.#difficulty = decodeSetDifficultyParams(n.params);
        this.deps.onEvent({ type: 'difficulty', difficulty: this.#difficulty });
      } else if (n.method === 'mining.notify') {
        const p = decodeNotifyParams(n.params);
        this.#job = {
          jobId: p.jobId, prevhash: p.prevhash, coinb1: p.coinb1, coinb2: p.coinb2, merkleBranches: p.merkleBranch,
          version: p.version, nbits: p.nbits, ntime: p.ntime, cleanJobs: p.cleanJobs,
        };
        this.#jobDifficulty = this.#difficulty;
        if (p.cleanJobs) this.#orders.clear();
        this.#issue();
      }
    } catch (e) {
      this.deps.onEvent({ type: 'failed', message: `bad ${n.method} from relay: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  /** Hands the current job at the current difficulty to the workers, with a fresh extranonce2. */
  #issue(): void {
    const job = this.#job;
    const difficulty = this.#jobDifficulty;
    if (!this.#authorized || job === null || difficulty === null) return;
    const extranonce2 = bytesToHex(this.deps.random(this.subscription.extranonce2Size));
    const header = buildHeader(job, this.subscription.extranonce1, extranonce2, job.ntime, '00000000');
    const target = targetFromDifficulty(this.algorithm, difficulty);
    const order: WorkOrder = {
      orderId: this.deps.nextOrderId(),
      algorithm: this.algorithm.name,
      header76: bytesToHex(header.subarray(0, 76)),
      target: bytesToHex(targetToBytes(target)),
      duty: this.deps.plan.duty,
      workers: this.deps.plan.workers,
    };
    this.#orders.set(order.orderId, { job, extranonce2, target, difficulty });
    for (const id of this.#orders.keys()) {
      if (this.#orders.size <= RECENT_ORDERS) break;
      this.#orders.delete(id);
    }
    this.deps.host.setWork(order).catch((e: unknown) => {
      this.deps.onEvent({ type: 'failed', message: `workers: ${e instanceof Error ? e.message : String(e)}` });
    });
  }

  /** A report from the worker host; reports of other sessions' orders are ignored. */
  handleReport(r: WorkReport): void {
    const ctx = this.#orders.get(r.orderId);
    if (ctx === undefined) return;
    switch (r.type) {
      case 'share':
        void this.#submit(ctx, r.nonce);
        break;
      case 'progress':
        this.deps.onEvent({ type: 'progress', hashes: r.hashes, busyMs: r.busyMs, wallMs: r.wallMs });
        break;
      case 'exhausted':
        this.#issue();
        break;
      case 'failed':
        this.deps.onEvent({ type: 'failed', message: `workers: ${r.message}` });
        break;
    }
  }

  async #submit(ctx: OrderContext, nonce: number): Promise<void> {
    const nonceHex = nonceToHex(nonce);
    const header = buildHeader(ctx.job, this.subscription.extranonce1, ctx.extranonce2, ctx.job.ntime, nonceHex);
    // Check the worker's claim with the reference hash before spending the relay's time on it.
    if (!hashMeetsTarget(this.algorithm.referenceHash(header), ctx.target)) {
      this.deps.onEvent({ type: 'failed', message: `worker reported nonce ${nonceHex} that misses the target` });
      return;
    }
    try {
      const params = encodeSubmitParams({
        worker: this.opened.token, jobId: ctx.job.jobId, extranonce2: ctx.extranonce2, ntime: ctx.job.ntime, nonce: nonceHex,
      });
      const ok = await this.rpc.request('mining.submit', params);
      if (ok === true) {
        this.deps.onEvent({ type: 'accepted', difficulty: ctx.difficulty });
        void this.#tickets?.collect();
      }
      else this.deps.onEvent({ type: 'rejected', code: null, message: 'relay answered false' });
    } catch (e) {
      if (e instanceof RelayError) this.deps.onEvent({ type: 'rejected', code: e.code, message: e.message });
      else if (!this.rpc.closed) this.deps.onEvent({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
    }
  }

  #closed(reason: string): void {
    this.#orders.clear();
    this.deps.onEvent({ type: 'closed', reason });
  }
}
