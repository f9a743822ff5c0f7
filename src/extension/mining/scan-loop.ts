import type { PowKernel } from '../../core/pow/kernel.js';
import { hexToBytes } from '../../core/util/bytes.js';
import type { ScanOrder, WorkReport } from './work.js';

export interface ScanClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Yields to the event loop (to take a new job or a stop) without setTimeout's 4 ms clamping. */
function yieldNow(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}

export const realClock: ScanClock = {
  now: () => performance.now(),
  sleep: (ms) => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : yieldNow()),
};

/** Busy time aimed at per slice: short enough to answer a new job quickly, long enough to be cheap. */
const SLICE_MS = 50;
const FIRST_SLICE = 1024;
const MAX_SLICE = 1 << 22;
const PROGRESS_EVERY_MS = 1000;
/** Unused budget carried forward at most this far (so a stall does not buy a long burst). */
const MAX_CREDIT_MS = 100;

/**
 * Scans one worker's nonce slice with the kernel, duty-cycled: the worker earns `duty` ms of hashing
 * per ms of wall time and sleeps whenever it has spent more than it earned, so it uses `duty` of one
 * core whatever the machine's speed (the CPU budget is enforced by time, not by worker count). The
 * accounting is on the same clock for busy and wall time, so coarse timers (Tor Browser's
 * resistFingerprinting) and timers that fire late average out instead of skewing the duty.
 * Every hash runs inside the kernel's scan; JS only runs between slices. Reports shares as found,
 * progress about once a second, and `exhausted` at the end of the slice. Returns when done or
 * `stopped()`.
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
  let credit = 0;
  let last = clock.now();
  let lastReport = last;
  while (left > 0 && !stopped()) {
    const t0 = clock.now();
    const r = kernel.scan(next >>> 0, Math.min(slice, left));
    const t1 = clock.now();
    const spent = t1 - t0;
    busy += spent;
    hashes += r.hashes;
    left -= r.hashes;
    next = (next + r.hashes) >>> 0;
    if (r.nonce !== null) report({ type: 'share', orderId: order.orderId, nonce: r.nonce });
    // Aim the next slice at SLICE_MS of hashing; grow at most 4x at a time (coarse timers read 0).
    if (r.nonce === null) {
      const perMs = spent > 0 ? r.hashes / spent : Infinity;
      slice = Math.max(64, Math.min(MAX_SLICE, slice * 4, Math.floor(perMs * SLICE_MS)));
    }
    credit = Math.min(MAX_CREDIT_MS, credit + order.duty * (t1 - last) - spent);
    last = t1;
    if (t1 - lastReport >= PROGRESS_EVERY_MS) {
      report({ type: 'progress', orderId: order.orderId, hashes, busyMs: busy, wallMs: t1 - lastReport });
      hashes = 0;
      busy = 0;
      lastReport = t1;
    }
    await clock.sleep(order.duty >= 1 || credit >= 0 ? 0 : -credit / order.duty);
  }
  if (left === 0) report({ type: 'exhausted', orderId: order.orderId });
}
