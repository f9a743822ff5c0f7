import { describe, expect, it } from 'vitest';
import { PassThrough, Writable } from 'node:stream';
import { HtbPacer, ManualClock } from '../../src/core/htb/index.js';
import { pacedCopy } from '../../src/relay/gateway/paced-copy.js';

/** One leaf at 1000 bytes/s behind a manual clock. */
function setup() {
  const clock = new ManualClock();
  const pacer = new HtbPacer({ name: 'root', rate: 1000, children: [{ name: 'a', rate: 1000, burst: 1500, cburst: 1500 }] }, { clock });
  const written: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      written.push(chunk);
      cb();
    },
  });
  return { clock, pacer, written, sink };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('pacedCopy', () => {
  it('writes every byte in order, in pieces, only as the pacer releases them', async () => {
    const { clock, pacer, written, sink } = setup();
    const src = new PassThrough();
    const data = Buffer.from(Array.from({ length: 5000 }, (_, i) => i & 0xff));
    const done = pacedCopy(src, sink, pacer, 'a', { writeSize: 500, inFlight: 2, readAhead: 64 * 1024, signal: new AbortController().signal });
    src.end(data);
    await tick();
    const early = Buffer.concat(written).length;
    // The bucket holds 1500 bytes; HTB releases a piece while tokens remain, so at most one more.
    expect(early).toBeLessThanOrEqual(2000);
    expect(early).toBeLessThan(data.length);
    for (let i = 0; i < 100; i++) {
      clock.advance(100);
      await tick();
    }
    await done;
    expect(written.every((b) => b.length <= 500)).toBe(true);
    expect(Buffer.concat(written)).toEqual(data);
  });

  it('reads ahead at most readAhead bytes, then pauses the source', async () => {
    const { pacer, sink } = setup();
    const src = new PassThrough({ highWaterMark: 1024 });
    const abort = new AbortController();
    const done = pacedCopy(src, sink, pacer, 'a', { writeSize: 512, inFlight: 2, readAhead: 4096, signal: abort.signal });
    for (let i = 0; i < 40; i++) src.write(Buffer.alloc(1024));
    await tick();
    expect(src.isPaused()).toBe(true);
    // The bucket let the first pieces through; of the rest, at most inFlight wait at the pacer.
    expect(pacer.stats().get('a')!.queued).toBeLessThanOrEqual(2);
    abort.abort(new Error('stop'));
    await expect(done).rejects.toThrow('stop');
  });

  it('fails when the source breaks before its end', async () => {
    const { clock, pacer, sink } = setup();
    const src = new PassThrough();
    const done = pacedCopy(src, sink, pacer, 'a', { writeSize: 512, inFlight: 2, readAhead: 4096, signal: new AbortController().signal });
    src.write(Buffer.alloc(100));
    src.destroy(new Error('backend reset'));
    clock.advance(1000);
    await expect(done).rejects.toThrow('backend reset');
  });
});
