/**
 * What the background hands to the hashing workers, and what comes back. Everything here is plain
 * JSON (hex strings, numbers) because Chromium carries it through runtime messaging to the offscreen
 * document, which serializes as JSON.
 */
export interface WorkOrder {
  /** Increases with every order of one connection; reports for older orders are ignored. */
  readonly orderId: number;
  readonly algorithm: string;
  /** The 76 header bytes before the nonce, hex. */
  readonly header76: string;
  /** The share target, 32 bytes little-endian, hex. */
  readonly target: string;
  /** Fraction of wall time each worker hashes (0 < duty <= 1); it sleeps the rest. */
  readonly duty: number;
  /** Workers to run (>= 1). */
  readonly workers: number;
}

export type WorkReport =
  | { readonly type: 'share'; readonly orderId: number; readonly nonce: number }
  | { readonly type: 'progress'; readonly orderId: number; readonly hashes: number; readonly busyMs: number; readonly wallMs: number }
  | { readonly type: 'exhausted'; readonly orderId: number }
  | { readonly type: 'failed'; readonly orderId: number; readonly message: string };

/** The order one worker of a pool runs: its slice of the 2^32 nonces. */
export interface ScanOrder {
  readonly orderId: number;
  readonly algorithm: string;
  readonly header76: string;
  readonly target: string;
  readonly duty: number;
  readonly startNonce: number;
  readonly count: number;
}

const HEX = /^[0-9a-f]*$/;

/** Validates a WorkOrder received from another context; null when malformed. */
export function parseWorkOrder(raw: unknown): WorkOrder | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const o = raw as Record<string, unknown>;
  if (!Number.isSafeInteger(o.orderId) || (o.orderId as number) < 0) return null;
  if (typeof o.algorithm !== 'string' || o.algorithm.length === 0 || o.algorithm.length > 32) return null;
  if (typeof o.header76 !== 'string' || o.header76.length !== 152 || !HEX.test(o.header76)) return null;
  if (typeof o.target !== 'string' || o.target.length !== 64 || !HEX.test(o.target)) return null;
  if (typeof o.duty !== 'number' || !(o.duty > 0 && o.duty <= 1)) return null;
  if (!Number.isInteger(o.workers) || (o.workers as number) < 1 || (o.workers as number) > 64) return null;
  return {
    orderId: o.orderId as number, algorithm: o.algorithm, header76: o.header76, target: o.target,
    duty: o.duty, workers: o.workers as number,
  };
}

/** Splits the nonce space [0, 2^32) into `n` contiguous slices, one per worker. */
export function nonceSlices(n: number): { startNonce: number; count: number }[] {
  const total = 2 ** 32;
  const out: { startNonce: number; count: number }[] = [];
  for (let i = 0; i < n; i++) {
    const start = Math.floor((total * i) / n);
    const end = Math.floor((total * (i + 1)) / n);
    out.push({ startNonce: start, count: end - start });
  }
  return out;
}
