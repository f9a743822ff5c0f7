import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import type { HtbPacer } from '../../core/htb/index.js';

export interface PacedCopyOptions {
  /** Bytes per paced write: small pieces keep a slow class flowing smoothly instead of in lumps. */
  readonly writeSize: number;
  /** Pieces of this flow waiting at the pacer at once. */
  readonly inFlight: number;
  /** Bytes read from the source ahead of the writes (then the source is paused). */
  readonly readAhead: number;
  readonly signal: AbortSignal;
}

/**
 * Copies `from` to `to`, every piece released by the HTB pacer in class `cls` before it is
 * written. The source is read ahead (bounded by `readAhead`) so the next pieces are at hand, and
 * `inFlight` pieces of the flow wait at the pacer at once: the scheduler then sees the flow's
 * backlog even while the event loop lags (with one piece at a time the class would look idle
 * between writes and HTB would lend its share away). The pacer serves a class's waiting pieces in
 * order, so `inFlight` is also the round-robin quantum between flows of one class: small, so a
 * new flow does not wait behind the others' whole read-ahead.
 */
export async function pacedCopy(from: Readable, to: Writable, pacer: HtbPacer, cls: string, o: PacedCopyOptions): Promise<void> {
  const buffered: Buffer[] = [];
  const waiting: Array<{ bytes: Buffer; ready: Promise<void> }> = [];
  let held = 0;
  let ended = false;
  let failed = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const topUp = () => {
    while (waiting.length < o.inFlight && buffered.length > 0) {
      const bytes = buffered.shift()!;
      const ready = pacer.send(cls, bytes.length, o.signal);
      ready.catch(() => undefined);
      waiting.push({ bytes, ready });
    }
  };
  const onData = (chunk: Buffer) => {
    for (let off = 0; off < chunk.length; off += o.writeSize) buffered.push(chunk.subarray(off, off + o.writeSize));
    held += chunk.length;
    if (held >= o.readAhead) from.pause();
    topUp();
    notify();
  };
  const onEnd = () => {
    ended = true;
    notify();
  };
  const onError = (err: unknown) => {
    if (failed) return;
    failed = true;
    failure = err;
    notify();
  };
  const onAbort = () => onError(o.signal.reason);
  const onClose = () => {
    if (!ended) onError(new Error('source closed before its end'));
  };
  from.on('data', onData);
  from.once('end', onEnd);
  from.once('error', onError);
  from.once('close', onClose);
  o.signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      if (failed) throw failure;
      const next = waiting.shift();
      if (next === undefined) {
        if (ended) break;
        await new Promise<void>((r) => (wake = r));
        continue;
      }
      await next.ready;
      held -= next.bytes.length;
      // Refill before writing, so the class stays backlogged while this write goes out.
      topUp();
      if (from.isPaused() && held < o.readAhead / 2) from.resume();
      if (!to.write(next.bytes)) await once(to, 'drain', { signal: o.signal });
    }
  } finally {
    from.off('data', onData);
    from.off('end', onEnd);
    from.off('error', onError);
    from.off('close', onClose);
    o.signal.removeEventListener('abort', onAbort);
  }
}
