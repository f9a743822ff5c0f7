import { describe, expect, it } from 'vitest';
import { allocate, HtbShaper, parseHtbTree, scaleRates, type HtbClassSpec } from '../../src/core/htb/index.js';
import { InputError } from '../../src/core/util/errors.js';
import fc from 'fast-check';
import { fig1, linkSharing, nearestFirst, randomTree, sharingHierarchy } from './trees.js';

const MBIT = 125_000; // bytes per second in 1 Mbit/s

/**
 * Drives the shaper with a fake clock: each leaf offers its `demand` (bytes/s) in 1500-byte
 * packets (a backlogged leaf keeps 8 queued), and every 1 ms everything HTB allows is sent.
 * Returns each leaf's achieved rate over the last `measure` seconds, in the spec's units.
 */
function simulate(spec: HtbClassSpec, unit: number, seconds = 20, measure = 15): Map<string, number> {
  const tree = parseHtbTree(scaleRates(spec, unit));
  const shaper = new HtbShaper<null>(tree, 0);
  const queued = new Map(tree.leaves.map((l) => [l.name, 0]));
  const credit = new Map(tree.leaves.map((l) => [l.name, 0]));
  const sent = new Map(tree.leaves.map((l) => [l.name, 0]));
  const start = (seconds - measure) * 1000;
  for (let t = 0; t < seconds * 1000; t++) {
    for (const leaf of tree.leaves) {
      if (leaf.demand === Infinity) {
        while (queued.get(leaf.name)! < 8) {
          shaper.enqueue(leaf.name, 1500, null);
          queued.set(leaf.name, queued.get(leaf.name)! + 1);
        }
        continue;
      }
      let c = credit.get(leaf.name)! + leaf.demand / 1000;
      for (; c >= 1500; c -= 1500) {
        shaper.enqueue(leaf.name, 1500, null);
        queued.set(leaf.name, queued.get(leaf.name)! + 1);
      }
      credit.set(leaf.name, c);
    }
    for (let d = shaper.dequeue(t); d !== undefined; d = shaper.dequeue(t)) {
      queued.set(d.leaf, queued.get(d.leaf)! - 1);
      if (t >= start) sent.set(d.leaf, sent.get(d.leaf)! + d.size);
    }
  }
  return new Map([...sent].map(([k, v]) => [k, v / measure / unit]));
}

/** Achieved within 3% of the allocator's figure (or 1% of the link for tiny ones). */
function expectNear(spec: HtbClassSpec, unit: number): void {
  const want = allocate(spec);
  const got = simulate(spec, unit);
  for (const [leaf, rate] of want) {
    expect(Math.abs(got.get(leaf)! - rate), `${leaf}: achieved ${got.get(leaf)} vs ${rate}`).toBeLessThanOrEqual(
      Math.max(0.03 * rate, 0.01 * spec.rate),
    );
  }
}

describe('HtbShaper converges to the allocator (fake clock)', () => {
  it('Fig. 1, Free using 1: Group1 borrows 0.8 first, Group4 gets 0.2', () => {
    expectNear(fig1({ Free: 1, Group1: 4.8, Group2: 2, Group3: 1.5, Group4: 1.5 }), MBIT);
  });
  it('Fig. 1, no paid demand: Free reaches its ceil of 4', () => {
    expectNear(fig1({ Group1: null, Group2: null, Group3: null, Group4: null }), MBIT);
  });
  it('Fig. 1, no free users: the paid groups fill the link, Group1 first', () => {
    expectNear(fig1({ Free: null }), MBIT);
  });
  it('link sharing: the excess is split by quantum (3 to 1)', () => {
    expectNear(linkSharing({ '1:10': 90, '1:11': 90, '1:12': null }), 1000);
  });
  it('sharing hierarchy: A lends to its own classes before B', () => {
    expectNear(sharingHierarchy({ '1:10': null, '1:11': 90, '1:12': 90 }), 1000);
  });
  it('nearest ancestor first: a1 borrows from A although b has the better prio', () => {
    expectNear(nearestFirst(), MBIT);
  });
  it('rate ceiling: A stops at 60 and its other traffic at 20', () => {
    expectNear(sharingHierarchy({ '1:10': 90, '1:11': 90, '1:12': null }, true), 1000);
    expectNear(sharingHierarchy({ '1:10': null, '1:11': 90, '1:12': null }, true), 1000);
  });
});

describe('HtbShaper against the allocator on random trees', () => {
  it('every leaf within 3% of the link of its allocation (fixed seed)', () => {
    fc.assert(
      fc.property(randomTree, (spec) => {
        const want = allocate(spec);
        const got = simulate(spec, 10_000, 12, 8);
        for (const [leaf, rate] of want) expect(Math.abs(got.get(leaf)! - rate), leaf).toBeLessThanOrEqual(0.03 * spec.rate);
      }),
      { numRuns: 100, seed: 1 },
    );
  }, 120_000);
});

describe('HtbShaper mechanics', () => {
  const spec = scaleRates(fig1({}), MBIT);

  it('sends FIFO per class and reports counters', () => {
    const s = new HtbShaper<number>(spec, 0);
    for (let i = 0; i < 3; i++) s.enqueue('Free', 1000, i);
    expect([s.dequeue(0)?.item, s.dequeue(0)?.item, s.dequeue(0)?.item, s.dequeue(0)]).toEqual([0, 1, 2, undefined]);
    const st = s.stats(0);
    expect(st.get('Free')!.sentBytes).toBe(3000);
    expect(st.get('link')!.sentBytes).toBe(3000);
    expect(st.get('Paid')!.sentBytes).toBe(0);
  });

  it('throttles once the buckets are empty and says when to come back', () => {
    const s = new HtbShaper<null>(spec, 0);
    for (let i = 0; i < 100; i++) s.enqueue('Free', 1500, null);
    let n = 0;
    while (s.dequeue(0) !== undefined) n++;
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(100);
    const delay = s.nextDelay(0)!;
    expect(delay).toBeGreaterThan(0);
    expect(s.dequeue(delay)).toBeDefined();
    expect(new HtbShaper(spec, 0).nextDelay(0)).toBeUndefined();
  });

  it('is deterministic', () => {
    const run = (): string[] => {
      const s = new HtbShaper<string>(spec, 0);
      const out: string[] = [];
      for (let t = 0; t < 200; t++) {
        for (const leaf of ['Free', 'Group1', 'Group4']) s.enqueue(leaf, 1500, leaf);
        for (let d = s.dequeue(t); d !== undefined; d = s.dequeue(t)) out.push(d.item);
      }
      return out;
    };
    expect(run()).toEqual(run());
  });

  it('cancel removes queued entries', () => {
    const s = new HtbShaper<string>(spec, 0);
    s.enqueue('Free', 10, 'a');
    s.enqueue('Free', 10, 'b');
    expect(s.cancel('Free', (x) => x === 'a')).toBe(1);
    expect(s.queuedBytes).toBe(10);
    expect(s.dequeue(0)?.item).toBe('b');
  });

  it('rejects bad input and changes nothing', () => {
    const s = new HtbShaper<null>(spec, 0);
    expect(() => s.enqueue('Paid', 10, null)).toThrow(InputError); // inner class
    expect(() => s.enqueue('nope', 10, null)).toThrow(InputError);
    for (const bad of [0, -1, 1.5, NaN, Infinity]) expect(() => s.enqueue('Free', bad, null)).toThrow(InputError);
    expect(() => s.dequeue(NaN)).toThrow(InputError);
    expect(() => new HtbShaper({ name: 'x', rate: -1 }, 0)).toThrow(InputError);
    expect(s.queuedBytes).toBe(0);
    expect(s.dequeue(0)).toBeUndefined();
  });
});
