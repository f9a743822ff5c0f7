import { ManualClock } from '../../src/core/htb/index.js';

/** Most pacer time one tick may add: a few ms of the link, less than a flow's pieces in flight. */
const MAX_STEP_MS = 10;

/**
 * A pacer clock for tests on real sockets: a 5 ms timer moves it on by the real time since its last
 * tick, but by at most MAX_STEP_MS. Unloaded it keeps real time; on a loaded machine it slows down
 * with the event loop instead of jumping. With the system clock a 100 ms stall is one release of
 * 100 ms of the link, more than a flow's pieces waiting at the pacer, so HTB (rightly) lends the
 * share of the class that looks idle to another: how much depends on the machine's speed (a
 * benchmark's business), while a test checks the allocation.
 */
export function steppedClock(): { clock: ManualClock; stop(): void } {
  const clock = new ManualClock();
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    clock.advance(Math.min(now - last, MAX_STEP_MS));
    last = now;
  }, 5);
  return { clock, stop: () => clearInterval(ticker) };
}

/** Resolves once `clock` has moved on by `ms`. */
export async function pacerTime(clock: ManualClock, ms: number): Promise<void> {
  const end = clock.now() + ms;
  while (clock.now() < end) await new Promise((r) => setTimeout(r, 20));
}
