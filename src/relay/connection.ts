import { buildHeader } from '../core/pow/stratum.js';
import { hashMeetsTarget } from '../core/pow/target.js';
import { ErrorCode, RpcError } from '../core/protocol/errors.js';
import { decodeMessage, encodeError, encodeRequest, encodeResult, RpcDecodeError, type RpcId, type RpcRequest } from '../core/protocol/jsonrpc.js';
import { decodeAuthorizeParams, decodeSubmitParams, decodeSubscribeParams, encodeNotifyParams, encodeSubscribeResult } from '../core/protocol/stratum.js';
import { decodeSessionOpenParams, decodeSignParams, decodeTokenParams, Method, TOKEN_BYTES } from '../core/protocol/workpass.js';
import { InputError } from '../core/util/errors.js';
import type { Job } from './jobs/source.js';
import { TokenBucket } from './limits.js';
import type { RejectReason } from './metrics.js';
import type { RelayContext } from './context.js';
import type { SessionMode } from './store/store.js';
import type { Peer } from './transport/peer.js';
import { Vardiff } from './vardiff.js';

/** A job as one connection saw it: the difficulty it was sent with. */
interface SentJob {
  readonly job: Job;
  readonly difficulty: number;
}

/**
 * The shares taken per job, over every connection and every id the job went out under, keyed by
 * extranonce1 + extranonce2 + ntime + nonce (which with the job fix the header). Per job and not per
 * connection: an extranonce1 freed by a closed connection is handed out again, and a share its
 * previous holder had credited must not be credited again. Dropped with the job.
 */
const TAKEN = new WeakMap<Job, Set<string>>();

/** A handler's result meaning "the reply is sent later" (after the share's credit commits). */
const DEFERRED = Symbol('deferred');

/** Encoded mining.notify per job: [clean_jobs false, clean_jobs true]. */
const NOTIFY_CACHE = new WeakMap<Job, [string | undefined, string | undefined]>();

/** How many of a connection's most recent jobs stay valid (older ones are stale, error 21). */
const JOBS_KEPT = 8;
/** How far a submitted share's ntime may lead the relay's clock. */
const MAX_NTIME_FUTURE_SECONDS = 600;
/** How far ahead of the clock a resent job's ntime may roll: half that, so its shares always pass. */
const MAX_NTIME_LEAD_SECONDS = MAX_NTIME_FUTURE_SECONDS / 2;
/** A connection that keeps sending past its rate limit this many times is dropped. */
const MAX_RATE_STRIKES = 50;

/**
 * One client connection (WebSocket, TCP or cells) and its Stratum session: subscription, authorized
 * workers (each names a ticket session), the jobs it was sent at which difficulty, and vardiff.
 * Every message is rate-checked, then schema-checked, before any other work.
 */
export class Connection {
  private extranonce1: string | null = null;
  private readonly workers = new Map<string, { sessionId: number; mode: SessionMode }>();
  private readonly jobs = new Map<string, SentJob>();
  private sentDifficulty: number | null = null;
  private readonly vardiff: Vardiff;
  private readonly bucket: TokenBucket;
  private strikes = 0;
  private variant = 0;
  private sessionsOpened = 0;
  /** When the last mining.notify went out (for the keep-alive). */
  private lastJobSent = 0;
  /** The job of the last mining.notify and the ntime it carried (variants roll it forward). */
  private lastSent: { job: Job; ntime: number } | undefined;
  lastActivity: number;
  closed = false;

  constructor(
    readonly peer: Peer,
    private readonly ctx: RelayContext,
  ) {
    const now = ctx.now();
    const c = ctx.config;
    this.lastActivity = now;
    this.bucket = new TokenBucket(c.limits.messagesPerSecond, c.limits.messageBurst, now);
    this.vardiff = new Vardiff(
      { targetSeconds: c.shareSeconds, retargetSeconds: c.shareSeconds * 4, fastShares: 12, min: c.minDifficulty, max: c.maxDifficulty },
      ctx.difficulty,
      now,
    );
  }

  get subscribed(): boolean {
    return this.extranonce1 !== null;
  }

  /** Handles one incoming message. Never throws. */
  handle(text: string): void {
    const now = this.ctx.now();
    this.lastActivity = now;
    if (!this.bucket.take(now) || !this.ctx.globalBucket.take(now)) {
      this.ctx.metrics.malformed++;
      if (++this.strikes > MAX_RATE_STRIKES) this.peer.close();
      else this.send(encodeError(requestId(text), ErrorCode.rateLimited, 'rate limited'));
      return;
    }
    let req: RpcRequest;
    try {
      const msg = decodeMessage(text);
      if (msg.kind === 'response') return;
      req = msg;
    } catch (err) {
      this.ctx.metrics.malformed++;
      const e = err as RpcDecodeError;
      this.send(encodeError(e.id ?? null, e.code, e.message));
      return;
    }
    try {
      const result = this.dispatch(req, now);
      if (result !== DEFERRED && req.id !== null) this.send(encodeResult(req.id, result));
      this.afterReply?.();
    } catch (err) {
      if (err instanceof RpcError) this.reply(req.id, err.code, err.message);
      else if (err instanceof InputError) {
        this.ctx.metrics.malformed++;
        this.reply(req.id, ErrorCode.invalidParams, `invalid params: ${err.message}`);
      } else {
        this.ctx.log.error({ err, method: req.method }, 'handler failed');
        this.reply(req.id, ErrorCode.other, 'internal error');
      }
    } finally {
      this.afterReply = undefined;
    }
  }

  /** Work to do once the reply is on the wire (e.g. the first job after authorize). */
  private afterReply: (() => void) | undefined;

  private reply(id: RpcId, code: number, message: string): void {
    this.send(encodeError(id, code, message));
  }

  private send(message: string): void {
    if (!this.closed) this.peer.send(message);
  }

  private dispatch(req: RpcRequest, now: number): unknown {
    const p = req.params;
    switch (req.method) {
      case 'mining.subscribe':
        return this.subscribe(p);
      case 'mining.extranonce.subscribe':
        return true;
      case 'mining.authorize':
        return this.authorize(p);
      case 'mining.submit':
        return this.submit(p, now, req.id);
      case Method.sessionOpen:
        return this.openSession(p, now);
      case Method.sessionStatus:
        return this.ctx.issuer.status(decodeTokenParams(p).token);
      case Method.ticketCommit:
        return this.ctx.issuer.commit(decodeTokenParams(p).token, now);
      case Method.ticketSign: {
        const s = decodeSignParams(p);
        return this.ctx.issuer.sign(s.token, s.sid, s.e, now);
      }
      default:
        throw new RpcError(ErrorCode.methodNotFound, `method not found: ${req.method.slice(0, 64)}`);
    }
  }

  private subscribe(params: readonly unknown[]): unknown {
    decodeSubscribeParams(params);
    const layout = this.ctx.source.layout();
    if (layout === undefined) throw new RpcError(ErrorCode.busy, 'no work available yet; retry later');
    if (this.extranonce1 === null) {
      const en1 = this.ctx.extranonces.allocate();
      if (en1 === null) throw new RpcError(ErrorCode.busy, 'extranonce space exhausted; retry later');
      this.extranonce1 = en1;
    }
    this.afterReply = () => this.maybeStart();
    return encodeSubscribeResult({ subscriptionId: this.extranonce1, extranonce1: this.extranonce1, extranonce2Size: layout.extranonce2Size });
  }

  private authorize(params: readonly unknown[]): unknown {
    const { username } = decodeAuthorizeParams(params);
    const tokenLength = Math.ceil((TOKEN_BYTES * 8) / 6);
    const row = username.length === tokenLength ? this.ctx.store.sessionByToken(username) : undefined;
    if (row === undefined) throw new RpcError(ErrorCode.unauthorized, 'unauthorized worker: unknown session token');
    // Credit is in the session's algorithm's difficulty units and priced in them: never mixed.
    const algo = this.ctx.issuer.sessionAlgo(row.id);
    if (algo !== this.ctx.algorithm.name) throw new RpcError(ErrorCode.unauthorized, `unauthorized worker: the session mines ${algo}, this listener ${this.ctx.algorithm.name}`);
    if (!this.workers.has(username) && this.workers.size >= this.ctx.config.limits.sessionsPerConnection) {
      throw new RpcError(ErrorCode.unauthorized, 'unauthorized worker: too many workers on this connection');
    }
    this.workers.set(username, { sessionId: row.id, mode: row.mode });
    this.afterReply = () => this.maybeStart();
    return true;
  }

  private openSession(params: readonly unknown[], now: number): unknown {
    const { mode } = decodeSessionOpenParams(params);
    if (this.sessionsOpened >= this.ctx.config.limits.sessionsPerConnection) {
      throw new RpcError(ErrorCode.rateLimited, 'too many sessions opened on this connection');
    }
    if (!this.ctx.sessionOpenBucket.take(now)) throw new RpcError(ErrorCode.rateLimited, 'rate limited: too many new sessions; retry later');
    this.sessionsOpened++;
    return this.ctx.issuer.open(mode, now, this.ctx.algorithm.name);
  }

  /** Sends difficulty and the current job once the connection is subscribed and authorized. */
  private maybeStart(): void {
    if (this.extranonce1 === null || this.workers.size === 0 || this.jobs.size > 0) return;
    const job = this.ctx.source.current();
    if (job !== undefined) this.sendJob(job, true);
  }

  /** A new job from the source (clean: earlier jobs are void). */
  notify(job: Job, clean: boolean): void {
    if (this.extranonce1 === null || this.workers.size === 0) return;
    if (clean) this.jobs.clear();
    this.sendJob(job, clean);
  }

  /** mining.set_difficulty (when it changed) then mining.notify: the difficulty applies from this job. */
  private sendJob(job: Job, clean: boolean): void {
    const difficulty = this.vardiff.current;
    if (this.sentDifficulty !== difficulty) {
      this.send(encodeRequest(null, 'mining.set_difficulty', [difficulty]));
      this.sentDifficulty = difficulty;
    }
    const jobId = this.variant === 0 ? job.jobId : `${job.jobId}.${this.variant.toString(16)}`;
    const ntime = this.variant === 0 ? job.ntime : this.rollNtime(job);
    this.variant = 0;
    this.lastSent = { job, ntime: parseInt(ntime, 16) };
    this.jobs.set(jobId, { job, difficulty });
    while (this.jobs.size > JOBS_KEPT) this.jobs.delete(this.jobs.keys().next().value as string);
    // The common case (no variant) is the same text for every connection: encode it once per job.
    let text = jobId === job.jobId ? NOTIFY_CACHE.get(job)?.[clean ? 1 : 0] : undefined;
    if (text === undefined) {
      text = encodeRequest(null, 'mining.notify', encodeNotifyParams({ ...job, jobId, ntime, merkleBranch: job.merkleBranches, cleanJobs: clean }));
      if (jobId === job.jobId) {
        const entry = NOTIFY_CACHE.get(job) ?? [undefined, undefined];
        entry[clean ? 1 : 0] = text;
        NOTIFY_CACHE.set(job, entry);
      }
    }
    this.lastJobSent = this.ctx.now();
    this.send(text);
  }

  /**
   * The ntime of a job sent again under a fresh id: later than any ntime this connection was sent
   * for that job (now, or one second past the last), at most MAX_NTIME_LEAD_SECONDS ahead of now.
   * A fresh id alone is not enough: cpuminer keeps hashing its current work, under the old job id
   * and the old difficulty, as long as the 76 header bytes it builds from the new job are the same
   * (and they are: it starts every new job id at extranonce2 0). So the new difficulty would never
   * take effect, and once JOBS_KEPT fresh ids had gone out its shares would all be stale.
   */
  private rollNtime(job: Job): string {
    // From the job's own ntime when that is ahead of our clock (a pool whose clock runs fast).
    const base = Math.max(Math.floor(this.ctx.now() / 1000), job.ntimeValue);
    const last = this.lastSent?.job === job ? this.lastSent.ntime : job.ntimeValue;
    const rolled = Math.min(Math.max(base, last + 1), base + MAX_NTIME_LEAD_SECONDS);
    return rolled.toString(16).padStart(8, '0');
  }

  /** Resends the current job under a fresh id (after a difficulty change, or as a keep-alive). */
  private resendWithNewDifficulty(): void {
    const job = this.ctx.source.current();
    if (job === undefined) return;
    this.variant = ++this.ctx.variantCounter;
    this.sendJob(job, false);
  }

  /**
   * Periodic housekeeping: the idle timeout, vardiff for sessions that stopped finding shares, and the
   * keep-alive. A connection that is mining (subscribed, a worker authorized, jobs sent) may stay
   * silent for limits.minerIdleSeconds rather than limits.idleSeconds: a slow miner sends nothing
   * between shares. It is sent the current job again under a fresh id when no job went out for
   * limits.keepAliveSeconds, so the miner never goes without hearing from us either (cpuminer gives
   * up on a pool after 120 s of silence).
   */
  tick(now: number): void {
    const limits = this.ctx.config.limits;
    const mining = this.extranonce1 !== null && this.workers.size > 0 && this.jobs.size > 0;
    if (now - this.lastActivity > (mining ? limits.minerIdleSeconds : limits.idleSeconds) * 1000) {
      this.peer.close();
      return;
    }
    if (!mining) return;
    if (this.vardiff.onTick(now) !== undefined || now - this.lastJobSent >= limits.keepAliveSeconds * 1000) this.resendWithNewDifficulty();
  }

  /**
   * mining.submit, checks in cheap-first order: subscribed (25) and authorized (24); lengths and hex;
   * job exists (21); ntime window; duplicate (22); the hash; the target of the difficulty assigned
   * with that job (23). An accepted share is credited in the store before the reply is sent.
   */
  private submit(params: readonly unknown[], now: number, id: RpcId): typeof DEFERRED {
    if (this.extranonce1 === null) return this.refuse('not-subscribed', ErrorCode.notSubscribed, 'not subscribed');
    let s;
    try {
      s = decodeSubmitParams(params);
    } catch (err) {
      this.ctx.metrics.reject('invalid');
      throw err;
    }
    const worker = this.workers.get(s.worker);
    if (worker === undefined) return this.refuse('unauthorized', ErrorCode.unauthorized, 'unauthorized worker');
    const layout = this.ctx.source.layout();
    if (layout === undefined || s.extranonce2.length !== 2 * layout.extranonce2Size) {
      return this.refuse('invalid', ErrorCode.other, `extranonce2 must be ${layout?.extranonce2Size ?? '?'} bytes`);
    }
    const sent = this.jobs.get(s.jobId);
    if (sent === undefined) return this.refuse('stale', ErrorCode.jobNotFound, 'job not found (stale)');
    const ntime = parseInt(s.ntime, 16);
    // The window's far end counts from the job's ntime when that is ahead of our clock (a pool's
    // clock running fast), else every share of such a job would be out of range.
    const horizon = Math.max(Math.floor(now / 1000), sent.job.ntimeValue) + MAX_NTIME_FUTURE_SECONDS;
    if (ntime < sent.job.ntimeValue || ntime > horizon) return this.refuse('ntime', ErrorCode.other, 'ntime out of range');
    const key = this.extranonce1 + s.extranonce2 + s.ntime + s.nonce;
    let taken = TAKEN.get(sent.job);
    if (taken === undefined) TAKEN.set(sent.job, (taken = new Set()));
    if (taken.has(key)) return this.refuse('duplicate', ErrorCode.duplicateShare, 'duplicate share');
    const header = buildHeader(sent.job, this.extranonce1, s.extranonce2, s.ntime, s.nonce);
    const hash = this.ctx.algorithm.referenceHash(header);
    if (!hashMeetsTarget(hash, this.ctx.targetFor(sent.difficulty))) {
      return this.refuse('low-difficulty', ErrorCode.lowDifficulty, 'low difficulty share');
    }
    taken.add(key);
    const retarget = this.vardiff.onShare(now, sent.difficulty) !== undefined;
    this.ctx.credit(worker.sessionId, worker.mode, sent.difficulty, now, (ok) => {
      if (id !== null) this.send(ok ? encodeResult(id, true) : encodeError(id, ErrorCode.other, 'internal error: share not recorded'));
      if (retarget) this.resendWithNewDifficulty();
    });
    this.ctx.source.offer({ job: sent.job, extranonce1: this.extranonce1, extranonce2: s.extranonce2, ntime: s.ntime, nonce: s.nonce, hash });
    return DEFERRED;
  }

  private refuse(reason: RejectReason, code: (typeof ErrorCode)[keyof typeof ErrorCode], message: string): never {
    this.ctx.metrics.reject(reason);
    throw new RpcError(code, message);
  }

  /** Shutdown or a layout change: ask the client to come back (Stratum's client.reconnect). */
  reconnect(): void {
    this.send(encodeRequest(null, 'client.reconnect', []));
  }

  /** The peer is gone: give back the extranonce. */
  dispose(): void {
    this.closed = true;
    if (this.extranonce1 !== null) this.ctx.extranonces.release(this.extranonce1);
    this.extranonce1 = null;
  }
}

/**
 * The id of a request that is refused unread (rate limit), so a client that pipelines gets its answer
 * instead of waiting for it forever. The line is capped in size and a flooding peer is dropped after
 * a few strikes, so this parse is bounded; null when the line has no usable id.
 */
function requestId(text: string): RpcId {
  try {
    const msg = decodeMessage(text);
    return msg.kind === 'request' ? msg.id : null;
  } catch (err) {
    return err instanceof RpcDecodeError ? err.id : null;
  }
}
