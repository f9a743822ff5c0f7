import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import type { HtbPacer } from '../../core/htb/index.js';

/**
 * Copies `from` to `to`, every piece released by the HTB pacer in class `cls` before it is
 * written. Pieces are `writeSize` bytes, so a slow class flows smoothly instead of in lumps. The
 * source is read ahead up to `readAhead` bytes and every piece read is queued at the pacer at
 * once: the scheduler then sees the flow's real backlog. (Queueing only after the previous write
 * would leave the class looking idle between writes — more so when the event loop lags — and HTB
 * would lend its share to other classes.) Memory per flow is bounded by readAhead + one chunk.
 */
export async function pacedCopy(from: Readable, to: Writable, pacer: HtbPacer, cls: string, writeSize: number, readAhead: number, signal: AbortSignal): Promise<void> {
  const queue: Array<{ bytes: Buffer; ready: Promise<void> }> = [];
  let queued = 0;
  let ended = false;
  let failed = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const onData = (chunk: Buffer) => {
    for (let off = 0; off < chunk.length; off += writeSize) {
      const bytes = chunk.subarray(off, off + writeSize);
      const ready = pacer.send(cls, bytes.length, signal);
      ready.catch(() => undefined);
      queue.push({ bytes, ready });
    }
    queued += chunk.length;
    if (queued >= readAhead) from.pause();
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
  const onAbort = () => onError(signal.reason);
  const onClose = () => {
    if (!ended) onError(new Error('source closed before its end'));
  };
  from.on('data', onData);
  from.once('end', onEnd);
  from.once('error', onError);
  from.once('close', onClose);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      if (failed) throw failure;
      const next = queue.shift();
      if (next === undefined) {
        if (ended) break;
        await new Promise<void>((r) => (wake = r));
        continue;
      }
      await next.ready;
      queued -= next.bytes.length;
      if (from.isPaused() && queued < readAhead / 2) from.resume();
      if (!to.write(next.bytes)) await once(to, 'drain', { signal });
    }
  } finally {
    from.off('data', onData);
    from.off('end', onEnd);
    from.off('error', onError);
    from.off('close', onClose);
    signal.removeEventListener('abort', onAbort);
  }
}
