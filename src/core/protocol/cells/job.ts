import { InputError } from '../../util/errors.js';
import type { AlgorithmName } from '../../pow/registry.js';
import { algorithmFromId, algorithmId } from './algorithms.js';
import { CELL_VERSION } from './commands.js';
import { abytesIn, aint, Reader, Writer } from './wire.js';

/**
 * RELAY_MINING_JOB carries the mining conversation after registration, Stratum-like:
 * the relay's jobs, the client's shares, and the relay's verdicts (Protocol 1 steps 2-6).
 *
 *   version   u8   1
 *   kind      u8   1 job (relay -> client), 2 submit (client -> relay), 3 result (relay -> client)
 *
 * kind 1, job (mining.notify + mining.set_difficulty + the subscribe result in one):
 *   flags             u8   bit 0: clean jobs (drop earlier jobs); bits 1-7 zero
 *   algorithm         u8   algorithm id
 *   job id            u8 length (1..64), printable ASCII
 *   prevhash          32   as mining.notify sends it
 *   coinb1            u16 length (0..2048), bytes
 *   coinb2            u16 length (0..2048), bytes
 *   merkle branches   u8 count (0..32), count x 32 bytes
 *   version           u32  block version
 *   nbits             u32
 *   ntime             u32
 *   extranonce1       u8 length (0..32), bytes
 *   extranonce2 size  u8   1..16
 *   share target      32   big-endian 256-bit; a share is good when its hash <= target
 *
 * kind 2, submit (mining.submit; w and the wish for a ticket of Protocol 1 step 5):
 *   job id            u8 length (1..64), printable ASCII
 *   extranonce2       u8 length (1..16), bytes
 *   ntime             u32
 *   nonce             u32
 *   flags             u8   bit 0: the client wants a ticket for this share; bits 1-7 zero
 *
 * kind 3, result:
 *   job id            u8 length (1..64), printable ASCII
 *   nonce             u32  of the share judged
 *   status            u8   0 accepted, or a Stratum error code 20..25
 *   session id        u8 length (0 or 16): the signing session opened for the ticket, if any
 */
export interface MiningJob {
  readonly type: 'job';
  readonly cleanJobs: boolean;
  readonly algorithm: AlgorithmName;
  readonly jobId: string;
  readonly prevhash: Uint8Array;
  readonly coinb1: Uint8Array;
  readonly coinb2: Uint8Array;
  readonly merkleBranches: readonly Uint8Array[];
  readonly version: number;
  readonly nbits: number;
  readonly ntime: number;
  readonly extranonce1: Uint8Array;
  readonly extranonce2Size: number;
  readonly shareTarget: Uint8Array;
}

export interface MiningSubmit {
  readonly type: 'submit';
  readonly jobId: string;
  readonly extranonce2: Uint8Array;
  readonly ntime: number;
  readonly nonce: number;
  readonly wantsTicket: boolean;
}

/** Stratum's error codes (20 other, 21 job not found, 22 duplicate, 23 low difficulty, 24 unauthorized, 25 not subscribed). */
export type ShareStatus = 0 | 20 | 21 | 22 | 23 | 24 | 25;

export interface MiningResult {
  readonly type: 'result';
  readonly jobId: string;
  readonly nonce: number;
  readonly status: ShareStatus;
  readonly sessionId: Uint8Array;
}

export type JobMessage = MiningJob | MiningSubmit | MiningResult;

const KIND = { job: 1, submit: 2, result: 3 } as const;
export const MAX_JOB_ID_LEN = 64;
export const MAX_COINBASE_PART = 2048;
export const MAX_MERKLE_BRANCHES = 32;
export const SESSION_ID_LEN = 16;
const JOB_ID_RE = /^[\x21-\x7e]+$/;

function jobIdBytes(name: string, id: unknown): Uint8Array {
  if (typeof id !== 'string' || id.length < 1 || id.length > MAX_JOB_ID_LEN || !JOB_ID_RE.test(id)) {
    throw new InputError(name, `expected 1..${MAX_JOB_ID_LEN} printable ASCII characters`);
  }
  return Uint8Array.from(id, (c) => c.charCodeAt(0));
}

function readJobId(r: Reader): string {
  const b = r.vec('jobId', 1, 1, MAX_JOB_ID_LEN);
  const s = String.fromCharCode(...b);
  if (!JOB_ID_RE.test(s)) throw new InputError('job.jobId', 'expected printable ASCII');
  return s;
}

function flagBit(name: string, v: unknown): number {
  if (typeof v !== 'boolean') throw new InputError(name, 'expected a boolean');
  return v ? 1 : 0;
}

function readFlag(r: Reader, field: string): boolean {
  const f = r.u8(field);
  if ((f & 0xfe) !== 0) throw new InputError(`job.${field}`, 'reserved bits set');
  return f === 1;
}

export function encodeJobMessage(m: JobMessage): Uint8Array {
  const w = new Writer().u8(CELL_VERSION);
  switch (m.type) {
    case 'job': {
      w.u8(KIND.job).u8(flagBit('job.cleanJobs', m.cleanJobs)).u8(algorithmId('job.algorithm', m.algorithm));
      w.vec(jobIdBytes('job.jobId', m.jobId), 1).raw(abytesIn('job.prevhash', m.prevhash, 32, 32));
      w.vec(abytesIn('job.coinb1', m.coinb1, 0, MAX_COINBASE_PART), 2).vec(abytesIn('job.coinb2', m.coinb2, 0, MAX_COINBASE_PART), 2);
      if (!Array.isArray(m.merkleBranches) || m.merkleBranches.length > MAX_MERKLE_BRANCHES) {
        throw new InputError('job.merkleBranches', `expected at most ${MAX_MERKLE_BRANCHES} branches`);
      }
      w.u8(m.merkleBranches.length);
      m.merkleBranches.forEach((b, i) => w.raw(abytesIn(`job.merkleBranches[${i}]`, b, 32, 32)));
      w.u32(aint('job.version', m.version, 0, 0xffffffff)).u32(aint('job.nbits', m.nbits, 0, 0xffffffff));
      w.u32(aint('job.ntime', m.ntime, 0, 0xffffffff));
      w.vec(abytesIn('job.extranonce1', m.extranonce1, 0, 32), 1).u8(aint('job.extranonce2Size', m.extranonce2Size, 1, 16));
      return w.raw(abytesIn('job.shareTarget', m.shareTarget, 32, 32)).finish();
    }
    case 'submit':
      w.u8(KIND.submit).vec(jobIdBytes('submit.jobId', m.jobId), 1).vec(abytesIn('submit.extranonce2', m.extranonce2, 1, 16), 1);
      w.u32(aint('submit.ntime', m.ntime, 0, 0xffffffff)).u32(aint('submit.nonce', m.nonce, 0, 0xffffffff));
      return w.u8(flagBit('submit.wantsTicket', m.wantsTicket)).finish();
    case 'result': {
      if (!isStatus(m.status)) throw new InputError('result.status', 'expected 0 or a Stratum error code 20..25');
      const sid = abytesIn('result.sessionId', m.sessionId, 0, SESSION_ID_LEN);
      if (sid.length !== 0 && sid.length !== SESSION_ID_LEN) throw new InputError('result.sessionId', `expected 0 or ${SESSION_ID_LEN} bytes`);
      w.u8(KIND.result).vec(jobIdBytes('result.jobId', m.jobId), 1).u32(aint('result.nonce', m.nonce, 0, 0xffffffff));
      return w.u8(m.status).vec(sid, 1).finish();
    }
    default:
      throw new InputError('job.type', `unknown message type '${String((m as { type?: unknown }).type)}'`);
  }
}

function isStatus(s: unknown): s is ShareStatus {
  return s === 0 || (typeof s === 'number' && Number.isInteger(s) && s >= 20 && s <= 25);
}

export function decodeJobMessage(bytes: Uint8Array): JobMessage {
  const r = new Reader(bytes, 'job');
  const version = r.u8('version');
  if (version !== CELL_VERSION) throw new InputError('job.version', `unsupported version ${version}`);
  const kind = r.u8('kind');
  let m: JobMessage;
  if (kind === KIND.job) {
    const cleanJobs = readFlag(r, 'flags');
    const algorithm = algorithmFromId('job.algorithm', r.u8('algorithm'));
    const jobId = readJobId(r);
    const prevhash = r.bytesOf('prevhash', 32);
    const coinb1 = r.vec('coinb1', 2, 0, MAX_COINBASE_PART);
    const coinb2 = r.vec('coinb2', 2, 0, MAX_COINBASE_PART);
    const n = r.u8('merkleBranches.count');
    if (n > MAX_MERKLE_BRANCHES) throw new InputError('job.merkleBranches', `expected at most ${MAX_MERKLE_BRANCHES}, got ${n}`);
    const merkleBranches = Array.from({ length: n }, (_, i) => r.bytesOf(`merkleBranches[${i}]`, 32));
    const version = r.u32('version');
    const nbits = r.u32('nbits');
    const ntime = r.u32('ntime');
    const extranonce1 = r.vec('extranonce1', 1, 0, 32);
    const extranonce2Size = r.u8('extranonce2Size');
    if (extranonce2Size < 1 || extranonce2Size > 16) throw new InputError('job.extranonce2Size', 'expected 1..16');
    const shareTarget = r.bytesOf('shareTarget', 32);
    m = { type: 'job', cleanJobs, algorithm, jobId, prevhash, coinb1, coinb2, merkleBranches, version, nbits, ntime, extranonce1, extranonce2Size, shareTarget };
  } else if (kind === KIND.submit) {
    const jobId = readJobId(r);
    const extranonce2 = r.vec('extranonce2', 1, 1, 16);
    const ntime = r.u32('ntime');
    const nonce = r.u32('nonce');
    m = { type: 'submit', jobId, extranonce2, ntime, nonce, wantsTicket: readFlag(r, 'flags') };
  } else if (kind === KIND.result) {
    const jobId = readJobId(r);
    const nonce = r.u32('nonce');
    const status = r.u8('status');
    if (!isStatus(status)) throw new InputError('job.status', `unknown status ${status}`);
    const sessionId = r.vec('sessionId', 1, 0, SESSION_ID_LEN);
    if (sessionId.length !== 0 && sessionId.length !== SESSION_ID_LEN) throw new InputError('job.sessionId', `expected 0 or ${SESSION_ID_LEN} bytes`);
    m = { type: 'result', jobId, nonce, status, sessionId };
  } else {
    throw new InputError('job.kind', `unknown kind ${kind}`);
  }
  r.end();
  return m;
}
