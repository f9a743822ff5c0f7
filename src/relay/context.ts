import type { Logger } from 'pino';
import type { Algorithm } from '../core/pow/registry.js';
import type { RelayConfig } from './config.js';
import type { Issuer } from './issuer.js';
import type { JobSource } from './jobs/source.js';
import type { TokenBucket } from './limits.js';
import type { Metrics } from './metrics.js';
import type { SessionMode, Store } from './store/store.js';
import type { ExtranonceAllocator } from './extranonce.js';

/** What the connections of one listener share: wired in daemon.ts (store, issuer and limits are daemon-wide). */
export interface RelayContext {
  readonly config: RelayConfig;
  /** The listener's algorithm and starting share difficulty. */
  readonly algorithm: Algorithm;
  readonly difficulty: number;
  readonly store: Store;
  readonly source: JobSource;
  readonly issuer: Issuer;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly extranonces: ExtranonceAllocator;
  readonly globalBucket: TokenBucket;
  readonly sessionOpenBucket: TokenBucket;
  now(): number;
  /** The share target for an assigned difficulty (cached). */
  targetFor(difficulty: number): bigint;
  /** Credits an accepted share (group commit); `done(ok)` runs once it is in the store (or failed). */
  credit(sessionId: number, mode: SessionMode, difficulty: number, now: number, done: (ok: boolean) => void): void;
  /** Source of fresh job-id variants after difficulty changes. */
  variantCounter: number;
}
