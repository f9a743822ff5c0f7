import type { StratumJob } from '../../core/pow/stratum.js';

/** A job as the relay hands it out: a Stratum job plus when it was made (for the ntime window). */
export interface Job extends StratumJob {
  /** ntime as a number (seconds); shares may not roll ntime below it. */
  readonly ntimeValue: number;
  readonly createdAt: number;
}

/** A share that passed the relay's own checks, offered to the job source (solo: block check; pool: forward). */
export interface CheckedShare {
  readonly job: Job;
  readonly extranonce1: string;
  readonly extranonce2: string;
  readonly ntime: string;
  readonly nonce: string;
  /** The PoW hash of the header, internal byte order. */
  readonly hash: Uint8Array;
}

/** Extranonce layout the source imposes: clients get extranonce1 = prefix ‖ slice, and en2Size bytes. */
export interface ExtranonceLayout {
  readonly prefix: string;
  readonly sliceBytes: number;
  readonly extranonce2Size: number;
}

export interface JobSourceStats {
  readonly kind: 'solo' | 'pool';
  readonly state: 'ready' | 'connecting' | 'down';
  readonly accepted: number;
  readonly rejected: number;
  readonly forwarded: number;
  readonly blocks: number;
  readonly poolDifficulty: number | null;
}

export interface JobSource {
  readonly kind: 'solo' | 'pool';
  start(): Promise<void>;
  /** The newest job, or undefined while none is available (e.g. the pool is down). */
  current(): Job | undefined;
  layout(): ExtranonceLayout | undefined;
  /** Called with each new job; clean = true when earlier jobs are void (new prevhash). */
  onJob(listener: (job: Job, clean: boolean) => void): void;
  /** Called when the extranonce layout changed: every client must subscribe again. */
  onLayoutChange(listener: () => void): void;
  offer(share: CheckedShare): void;
  stats(): JobSourceStats;
  close(): Promise<void>;
}
