import type { PowKernel } from '../../core/pow/kernel.js';
import { hexToBytes } from '../../core/util/bytes.js';
import type { ScanOrder, WorkReport } from './work.js';

export interface ScanClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: ScanClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Busy time aimed at per slice: short enough to answer a new job quickly, long enough to be cheap. */
const SLICE_MS = 50;
const FIRST_SLICE = 1024;
const PROGRESS_EVERY_MS = 1000;

/**
 * Scans one worker's nonce slice with the kernel, duty-cycled: each slice of about SLICE_MS of
 * hashing is followed by a sleep of busy * (1 - duty) / duty, so the worker uses `duty` of one core
 * whatever the machine's speed (the CPU budget is enforced by time, not by worker count). Every
 * hash runs inside the kernel's scan; JS only runs between slices. Reports shares as found, progress
 * about once a second, and `exhausted` at the end of the slice. Returns when done or `stopped()`.
 */
export async function scanLoop(
  kernel: PowKernel,
  order: ScanOrder,
  report: (r: WorkReport) => void,
  stopped: () => boolean,
  clock: ScanClock = realClock,
): Promise<void> {
  kernel.setJob(hexToBytes('header76', order.header76, 76), hexToBytes('target', order.target, 32));
  let next = order.startNonce;
  let left = order.count;
  let slice = FIRST_SLICE;
  let hashes = 0;
  let busy = 0;
  let lastReport = clock.now();
  while (left > 0 && !stopped()) {
    const t0 = clock.now();
    const r = kernel.scan(next >>> 0, Math.min(slice, left));
    const spent = clock.now() - t0;
    busy += spent;
    hashes += r.hashes;
    left -= r.hashes;
    next = (next + r.hashes) >>> 0;
    if (r.nonce !== null) report({ type: 'share', orderId: order.orderId, nonce: r.nonce });
    // Aim the next slice at SLICE_MS of hashing; grow at most 4x at a time (coarse timers read 0).
    if (r.nonce === null) {
      const perMs = spent > 0 ? r.hashes / spent : Infinity;
      slice = Math.max(64, Math.min(slice * 4, Math.floor(perMs * SLICE_MS)));
    }
    const t1 = clock.now();
    if (t1 - lastReport >= PROGRESS_EVERY_MS) {
      report({ type: 'progress', orderId: order.orderId, hashes, busyMs: busy, wallMs: t1 - lastReport });
      hashes = 0;
      busy = 0;
      lastReport = t1;
    }
    await clock.sleep(order.duty >= 1 ? 0 : (spent * (1 - order.duty)) / order.duty);
  }
  if (left === 0) report({ type: 'exhausted', orderId: order.orderId });
}
