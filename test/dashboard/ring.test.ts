import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/util/errors.js';
import { TimeSeriesRing } from '../../src/relay/dashboard/ring.js';

describe('TimeSeriesRing', () => {
  it('keeps the newest `capacity` points, oldest first', () => {
    const r = new TimeSeriesRing<number>(3);
    expect(r.points()).toEqual([]);
    expect(r.last()).toBeUndefined();
    for (let i = 1; i <= 5; i++) r.push(i * 1000, i);
    expect(r.size).toBe(3);
    expect(r.points()).toEqual([{ t: 3000, v: 3 }, { t: 4000, v: 4 }, { t: 5000, v: 5 }]);
    expect(r.last()).toEqual({ t: 5000, v: 5 });
    expect(r.since(3000).map((p) => p.v)).toEqual([4, 5]);
  });

  it('equals the tail of everything pushed, for any capacity and any number of pushes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 200 }), (capacity, gaps) => {
        const r = new TimeSeriesRing<number>(capacity);
        const all: Array<{ t: number; v: number }> = [];
        let t = 0;
        gaps.forEach((g, i) => {
          t += g;
          r.push(t, i);
          all.push({ t, v: i });
        });
        expect(r.points()).toEqual(all.slice(-capacity));
        expect(r.size).toBe(Math.min(capacity, all.length));
      }),
    );
  });

  it('refuses bad capacities and times, changing nothing', () => {
    for (const c of [0, -1, 1.5, NaN, 2_000_000]) expect(() => new TimeSeriesRing(c)).toThrow(InputError);
    const r = new TimeSeriesRing<string>(2);
    r.push(10, 'a');
    expect(() => r.push(9, 'b')).toThrow(/before the newest point/);
    expect(() => r.push(NaN, 'b')).toThrow(InputError);
    expect(() => r.push(Infinity, 'b')).toThrow(InputError);
    expect(r.points()).toEqual([{ t: 10, v: 'a' }]);
    r.push(10, 'same time is fine');
    expect(r.size).toBe(2);
  });
});
