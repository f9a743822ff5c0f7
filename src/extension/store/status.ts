/**
 * What the miner is doing now, kept in storage.session under "status" so the popup can show it and a
 * restarted background does not start from nothing. Cleared when the browser closes.
 */
export type MiningState = 'idle' | 'no_relay' | 'connecting' | 'mining' | 'error';

export interface MiningStatus {
  readonly version: 1;
  readonly state: MiningState;
  /** An error the user can act on (relay unreachable, share rejected, …), or null. */
  readonly error: string | null;
  readonly relay: string | null;
  readonly algorithm: string | null;
  readonly difficulty: number | null;
  /** Hashes per second over the last few seconds. */
  readonly hashRate: number;
  /** Share of the whole machine the workers kept busy over the last few seconds (0..1). */
  readonly cpu: number;
  /** Shares this browser session. */
  readonly accepted: number;
  readonly rejected: number;
  /** Tickets obtained this browser session. */
  readonly tickets: number;
  readonly hashes: number;
  readonly updatedAt: number;
}

export const STATUS_KEY = 'status';

const STATES: readonly MiningState[] = ['idle', 'no_relay', 'connecting', 'mining', 'error'];

export function defaultStatus(): MiningStatus {
  return {
    version: 1, state: 'idle', error: null, relay: null, algorithm: null, difficulty: null,
    hashRate: 0, cpu: 0, accepted: 0, rejected: 0, tickets: 0, hashes: 0, updatedAt: 0,
  };
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isNullableText(v: unknown): v is string | null {
  return v === null || (typeof v === 'string' && v.length <= 2048);
}

export function parseStatus(raw: unknown): MiningStatus | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const s = raw as Record<string, unknown>;
  if (s.version !== 1 || !STATES.includes(s.state as MiningState)) return null;
  if (!isNullableText(s.error) || !isNullableText(s.relay) || !isNullableText(s.algorithm)) return null;
  if (s.difficulty !== null && !(typeof s.difficulty === 'number' && s.difficulty > 0 && Number.isFinite(s.difficulty))) return null;
  if (!(typeof s.hashRate === 'number' && s.hashRate >= 0 && Number.isFinite(s.hashRate))) return null;
  if (!(typeof s.cpu === 'number' && s.cpu >= 0 && s.cpu <= 1)) return null;
  if (!isCount(s.accepted) || !isCount(s.rejected) || !isCount(s.tickets) || !isCount(s.hashes) || !isCount(s.updatedAt)) return null;
  return {
    version: 1, state: s.state as MiningState, error: s.error, relay: s.relay, algorithm: s.algorithm,
    difficulty: s.difficulty as number | null, hashRate: s.hashRate, cpu: s.cpu, accepted: s.accepted, rejected: s.rejected,
    tickets: s.tickets, hashes: s.hashes, updatedAt: s.updatedAt,
  };
}
