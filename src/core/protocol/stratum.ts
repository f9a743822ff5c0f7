import { InputError } from '../util/errors.js';
import { aarray, aboolean, ahex, apositive, astring } from './check.js';

/**
 * Stratum v1 method parameters and results (the de-facto protocol of slush's pool, as cpuminer and
 * cgminer speak it). Hex fields are lowercase; ntime, nbits, version and nonce are 4-byte big-endian hex
 * as cpuminer prints them (`%08x`).
 */

export const MAX_NAME_LENGTH = 128;
export const MAX_EXTRANONCE2_BYTES = 32;
export const MAX_JOB_ID_LENGTH = 64;
export const MAX_BRANCHES = 32;
export const MAX_COINBASE_PART_BYTES = 2048;

/** mining.subscribe params: [user_agent?, session_id?] (both optional and informational). */
export interface SubscribeParams {
  readonly userAgent: string | null;
}
export function decodeSubscribeParams(params: readonly unknown[]): SubscribeParams {
  if (params.length > 4) throw new InputError('params', 'too many params');
  const ua = params[0];
  return { userAgent: ua === undefined || ua === null ? null : astring('params[0]', ua, MAX_NAME_LENGTH) };
}

/** mining.subscribe result: [[["mining.set_difficulty", subId], ["mining.notify", subId]], extranonce1, extranonce2_size]. */
export interface SubscribeResult {
  readonly subscriptionId: string;
  readonly extranonce1: string;
  readonly extranonce2Size: number;
}
export function encodeSubscribeResult(r: SubscribeResult): unknown[] {
  return [[['mining.set_difficulty', r.subscriptionId], ['mining.notify', r.subscriptionId]], r.extranonce1, r.extranonce2Size];
}
export function decodeSubscribeResult(value: unknown): SubscribeResult {
  const v = aarray('result', value, 3);
  if (v.length !== 3) throw new InputError('result', 'expected 3 items');
  const subs = aarray('result[0]', v[0], 8);
  const first = subs[0];
  const subscriptionId = Array.isArray(first) && typeof first[1] === 'string' ? first[1] : '';
  const extranonce1 = ahex('result[1]', v[1], { max: MAX_EXTRANONCE2_BYTES });
  const size = v[2];
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > 100) {
    throw new InputError('result[2]', 'extranonce2_size must be an integer in [1, 100]');
  }
  return { subscriptionId, extranonce1, extranonce2Size: size };
}

/** mining.authorize params: [username, password]. */
export interface AuthorizeParams {
  readonly username: string;
  readonly password: string;
}
export function decodeAuthorizeParams(params: readonly unknown[]): AuthorizeParams {
  if (params.length < 1 || params.length > 2) throw new InputError('params', 'expected [username, password]');
  const username = astring('params[0]', params[0], MAX_NAME_LENGTH);
  const password = params[1] === undefined || params[1] === null ? '' : astring('params[1]', params[1], MAX_NAME_LENGTH);
  return { username, password };
}

/** mining.submit params: [worker, job_id, extranonce2, ntime, nonce]. */
export interface SubmitParams {
  readonly worker: string;
  readonly jobId: string;
  readonly extranonce2: string;
  readonly ntime: string;
  readonly nonce: string;
}
export function decodeSubmitParams(params: readonly unknown[]): SubmitParams {
  if (params.length !== 5) throw new InputError('params', 'expected [worker, job_id, extranonce2, ntime, nonce]');
  return {
    worker: astring('params[0]', params[0], MAX_NAME_LENGTH),
    jobId: astring('params[1]', params[1], MAX_JOB_ID_LENGTH),
    extranonce2: ahex('params[2]', params[2], { max: MAX_EXTRANONCE2_BYTES }),
    ntime: ahex('params[3]', params[3], 4),
    nonce: ahex('params[4]', params[4], 4),
  };
}
export function encodeSubmitParams(p: SubmitParams): unknown[] {
  return [p.worker, p.jobId, p.extranonce2, p.ntime, p.nonce];
}

/**
 * mining.notify params:
 *   [job_id, prevhash, coinb1, coinb2, merkle_branch[], version, nbits, ntime, clean_jobs]
 * prevhash is 32 bytes hex in Stratum's word-swapped order; version/nbits/ntime are 4-byte BE hex.
 */
export interface NotifyParams {
  readonly jobId: string;
  readonly prevhash: string;
  readonly coinb1: string;
  readonly coinb2: string;
  readonly merkleBranch: readonly string[];
  readonly version: string;
  readonly nbits: string;
  readonly ntime: string;
  readonly cleanJobs: boolean;
}
export function encodeNotifyParams(n: NotifyParams): unknown[] {
  return [n.jobId, n.prevhash, n.coinb1, n.coinb2, n.merkleBranch, n.version, n.nbits, n.ntime, n.cleanJobs];
}
export function decodeNotifyParams(params: readonly unknown[]): NotifyParams {
  if (params.length !== 9) throw new InputError('params', 'expected 9 notify params');
  const branches = aarray('params[4]', params[4], MAX_BRANCHES).map((b, i) => ahex(`params[4][${i}]`, b, 32));
  return {
    jobId: astring('params[0]', params[0], MAX_JOB_ID_LENGTH),
    prevhash: ahex('params[1]', params[1], 32),
    coinb1: ahex('params[2]', params[2], { max: MAX_COINBASE_PART_BYTES }),
    coinb2: ahex('params[3]', params[3], { max: MAX_COINBASE_PART_BYTES }),
    merkleBranch: branches,
    version: ahex('params[5]', params[5], 4),
    nbits: ahex('params[6]', params[6], 4),
    ntime: ahex('params[7]', params[7], 4),
    cleanJobs: aboolean('params[8]', params[8]),
  };
}

/** mining.set_difficulty params: [difficulty]. */
export function decodeSetDifficultyParams(params: readonly unknown[]): number {
  if (params.length !== 1) throw new InputError('params', 'expected [difficulty]');
  return apositive('params[0]', params[0]);
}

/** client.reconnect params: [host?, port?, wait_seconds?]; the relay sends [] (reconnect to the same place). */
export const RECONNECT_METHOD = 'client.reconnect';
