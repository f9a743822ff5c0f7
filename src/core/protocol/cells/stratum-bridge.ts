import { bytesToHex, hexToBytes } from '../../util/bytes.js';
import { InputError } from '../../util/errors.js';
import type { AlgorithmName } from '../../pow/registry.js';
import type { StratumJob } from '../../pow/stratum.js';
import type { MiningJob } from './job.js';

/** What a cell job carries besides mining.notify's fields. */
export interface JobExtras {
  readonly algorithm: AlgorithmName;
  readonly extranonce1: Uint8Array;
  readonly extranonce2Size: number;
  readonly shareTarget: Uint8Array;
}

function u32FromHex(name: string, hex: string): number {
  const b = hexToBytes(name, hex, 4);
  return ((b[0]! << 24) >>> 0) + ((b[1]! << 16) | (b[2]! << 8) | b[3]!);
}

function u32ToHex(v: number): string {
  return v.toString(16).padStart(8, '0');
}

/** mining.notify's hex fields -> a RELAY_MINING_JOB job message. */
export function jobFromStratum(job: StratumJob, extras: JobExtras): MiningJob {
  if (typeof job !== 'object' || job === null) throw new InputError('job', 'expected a Stratum job');
  if (!Array.isArray(job.merkleBranches)) throw new InputError('job.merkleBranches', 'expected an array');
  return {
    type: 'job',
    cleanJobs: job.cleanJobs,
    algorithm: extras.algorithm,
    jobId: job.jobId,
    prevhash: hexToBytes('job.prevhash', job.prevhash, 32),
    coinb1: hexToBytes('job.coinb1', job.coinb1),
    coinb2: hexToBytes('job.coinb2', job.coinb2),
    merkleBranches: job.merkleBranches.map((b, i) => hexToBytes(`job.merkleBranches[${i}]`, b, 32)),
    version: u32FromHex('job.version', job.version),
    nbits: u32FromHex('job.nbits', job.nbits),
    ntime: u32FromHex('job.ntime', job.ntime),
    extranonce1: extras.extranonce1,
    extranonce2Size: extras.extranonce2Size,
    shareTarget: extras.shareTarget,
  };
}

/** A RELAY_MINING_JOB job message -> mining.notify's fields (lower-case hex) and the extras. */
export function jobToStratum(m: MiningJob): { job: StratumJob; extras: JobExtras } {
  return {
    job: {
      jobId: m.jobId,
      prevhash: bytesToHex(m.prevhash),
      coinb1: bytesToHex(m.coinb1),
      coinb2: bytesToHex(m.coinb2),
      merkleBranches: m.merkleBranches.map(bytesToHex),
      version: u32ToHex(m.version),
      nbits: u32ToHex(m.nbits),
      ntime: u32ToHex(m.ntime),
      cleanJobs: m.cleanJobs,
    },
    extras: { algorithm: m.algorithm, extranonce1: m.extranonce1, extranonce2Size: m.extranonce2Size, shareTarget: m.shareTarget },
  };
}
