import { describe, expect, it } from 'vitest';
import { allocate, HtbPacer, ManualClock, PacerClosedError, QueueFullError, scaleRates } from '../../src/core/htb/index.js';
import { InputError } from '../../src/core/util/errors.js';
import { fig1 } from './trees.js';

const MBIT = 125_000;
const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('HtbPacer (fake clock)', () => {
  it('paces concurrent writers to the Fig. 1 allocation within 3%', async () => {
    const spec = fig1({ Group2: null, Group3: null });
    const clock = new ManualClock();
    const pacer = new HtbPacer(scaleRates(spec, MBIT), { clock });
    const written = new Map<string, number>();
    let stop = false;
    let measuring = false;
    const writer = async (leaf: string): Promise<void> => {
      while (!stop) {
        await pacer.send(leaf, new Uint8Array(16_384));
        if (measuring) written.set(leaf, (written.get(leaf) ?? 0) + 16_384);
      }
    };
    // two connections in Free, one in each busy paid group
    const writers = ['Free', 'Free', 'Group1', 'Group4'].map(writer);
    for (let ms = 0; ms < 20_000; ms += 5) {
      if (ms === 5_000) measuring = true;
      clock.advance(5);
      await flush();
    }
    stop = true;
    pacer.close();
    await Promise.allSettled(writers);
    const want = allocate(spec);
    // the nearest ancestor lends first: Paid lends its idle 3.5 to Group1 (prio 0 before Group4's 3),
    // which leaves the root nothing to lend, so Free stays at its guaranteed 2
    expect(Object.fromEntries(want)).toEqual({ Free: 2, Group1: 7.5, Group2: 0, Group3: 0, Group4: 0.5 });
    for (const leaf of ['Free', 'Group1', 'Group4']) {
      const got = (written.get(leaf) ?? 0) / 15 / MBIT;
      expect(Math.abs(got - want.get(leaf)!), `${leaf} achieved ${got}`).toBeLessThanOrEqual(0.03 * want.get(leaf)!);
    }
  });

  it('resolves writes of one class in order, splits big writes, and leaves no timer when idle', async () => {
    const clock = new ManualClock();
    const pacer = new HtbPacer({ name: 'r', rate: 10_000, children: [{ name: 'a', rate: 10_000 }] }, { clock, pieceSize: 1000 });
    const order: number[] = [];
    const ps = [0, 1, 2].map((i) => pacer.send('a', 5000).then(() => order.push(i)));
    await flush();
    // the buckets start full (1500 bytes): nothing of 5000 bytes can be done yet
    expect(order).toEqual([]);
    for (let i = 0; i < 200 && order.length < 3; i++) {
      clock.advance(10);
      await flush();
    }
    await Promise.all(ps);
    expect(order).toEqual([0, 1, 2]);
    // 15000 bytes at 10000 B/s with a full 1500-byte bucket: 1.35 s, less up to one 1000-byte piece
    // because a class may send while its bucket is non-negative and overdraw it by that piece
    expect(clock.now()).toBeGreaterThanOrEqual(1240);
    expect(clock.now()).toBeLessThanOrEqual(1360);
    expect(clock.pending).toBe(0);
    expect(pacer.stats().get('a')!.sentBytes).toBe(15_000);
  });

  it('bounds the queue, supports abort, and close() rejects pending writes', async () => {
    const clock = new ManualClock();
    const pacer = new HtbPacer({ name: 'r', rate: 1000, children: [{ name: 'a', rate: 1000 }] }, { clock, maxQueued: 2 });
    const first = pacer.send('a', 100_000);
    const ctl = new AbortController();
    const second = pacer.send('a', 100_000, ctl.signal);
    await expect(pacer.send('a', 1)).rejects.toBeInstanceOf(QueueFullError);
    ctl.abort(new Error('gone'));
    await expect(second).rejects.toThrow('gone');
    expect(pacer.stats().get('a')!.queued).toBeGreaterThan(0);
    pacer.close();
    await expect(first).rejects.toBeInstanceOf(PacerClosedError);
    expect(pacer.stats().get('a')!.queued).toBe(0);
    expect(clock.pending).toBe(0);
    await expect(pacer.send('a', 1)).rejects.toBeInstanceOf(PacerClosedError);
  });

  it('throws InputError on bad input', () => {
    const pacer = new HtbPacer(scaleRates(fig1({}), MBIT), { clock: new ManualClock() });
    expect(() => pacer.send('Paid', 10)).toThrow(InputError);
    expect(() => pacer.send('missing', 10)).toThrow(InputError);
    expect(() => pacer.send('Free', -1)).toThrow(InputError);
    expect(() => pacer.send('Free', 'x' as unknown as number)).toThrow(InputError);
    expect(() => new HtbPacer(fig1({}), { pieceSize: 0 })).toThrow(InputError);
    expect(() => new ManualClock().advance(-1)).toThrow(InputError);
  });
});
