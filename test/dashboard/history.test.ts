import { rmSync } from 'node:fs';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/util/errors.js';
import { History, decodePoint, downsample, type HistoryPoint } from '../../src/relay/dashboard/history.js';
import { Sampler, type Sample } from '../../src/relay/dashboard/sampler.js';
import type { TicketDays } from '../../src/relay/dashboard/ticket-days.js';
import type { RelayStats } from '../../src/relay/daemon.js';
import { Store } from '../../src/relay/store/store.js';
import { tempDir } from '../relay/helpers.js';

const T0 = 1_800_000_000_000;
const stores: Array<{ store: Store; dir: string }> = [];
afterEach(() => {
  for (const { store, dir } of stores.splice(0)) {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
function openStore(dir = tempDir()): Store {
  const store = new Store(dir);
  stores.push({ store, dir });
  return store;
}
const sample = (over: Partial<Sample> = {}): Sample => ({ sessions: 1, hashRate: 100, accepted: 0, rejected: 0, forwarded: 0, upstreamAccepted: 0, htb: {}, ...over });

describe('History (stored, one point a minute)', () => {
  it('folds 5-second samples into one point a minute: gauges at its end, counts in its span, HTB bytes/s averaged', () => {
    const h = new History(openStore());
    expect(h.offer(T0, sample())).toBeUndefined();
    let written: HistoryPoint | undefined;
    // 12 samples, 5 s apart: 12 accepted shares, 2 rejected; class 'a' sends 1000 B/s for the first half, 0 after.
    for (let i = 1; i <= 12; i++) {
      const p = h.offer(T0 + i * 5000, sample({ sessions: i, hashRate: 1000 + i, accepted: i, rejected: i > 10 ? i - 10 : 0, forwarded: 1, upstreamAccepted: 1, htb: { a: i <= 6 ? 1000 : 0 } }));
      if (i < 12) expect(p).toBeUndefined();
      else written = p;
    }
    expect(written).toEqual({ t: T0 + 60_000, ms: 60_000, sessions: 12, hashRate: 1012, accepted: 12, rejected: 2, forwarded: 1, upstreamAccepted: 1, htb: { a: 500 } });
    expect(h.since(0)).toEqual([written]);
    // The next minute counts from the end of this one.
    for (let i = 13; i <= 24; i++) h.offer(T0 + i * 5000, sample({ accepted: 12 + 2 * (i - 12), rejected: 2, forwarded: 1, upstreamAccepted: 1 }));
    const [, second] = h.since(0);
    expect(second).toMatchObject({ t: T0 + 120_000, ms: 60_000, accepted: 24, rejected: 0, forwarded: 0, upstreamAccepted: 0 });
  });

  it('is bounded: points older than keepMs are pruned as new ones come, and never more than keepMs / resolutionMs are kept', () => {
    const store = openStore();
    const h = new History(store, { resolutionMs: 60_000, keepMs: 5 * 60_000 });
    expect(h.maxPoints).toBe(5);
    let t = T0;
    h.offer(t, sample());
    for (let i = 0; i < 20; i++) {
      t += 60_000;
      expect(h.offer(t, sample({ accepted: i }))).toBeDefined();
      expect(h.size).toBeLessThanOrEqual(5);
    }
    const kept = h.since(0);
    expect(kept.map((p) => p.t)).toEqual([1, 2, 3, 4, 5].map((k) => t - (5 - k) * 60_000));
    // A clock far in the future, then back: the cap still holds (the time bound alone would keep them all).
    const far = t + 365 * 86_400_000;
    h.offer(far, sample());
    h.offer(far + 60_000, sample());
    for (let i = 1; i <= 10; i++) h.offer(t + i * 60_000, sample());
    expect(h.size).toBeLessThanOrEqual(5);
    // The in-memory mirror went through the same inserts and prunes as the table.
    expect(h.since(-Infinity)).toEqual(new History(store, { resolutionMs: 60_000, keepMs: 5 * 60_000 }).since(-Infinity));
  });

  it('keeps its in-memory mirror equal to the table through any sequence of sample times', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -200_000, max: 400_000 }), { maxLength: 60 }), (steps) => {
        const store = openStore();
        const h = new History(store, { resolutionMs: 60_000, keepMs: 4 * 60_000 });
        h.since(0);
        let t = T0;
        steps.forEach((d, i) => {
          t = Math.max(0, t + d);
          h.offer(t, sample({ accepted: i }));
        });
        const fresh = new History(store, { resolutionMs: 60_000, keepMs: 4 * 60_000 });
        expect(h.since(-Infinity)).toEqual(fresh.since(-Infinity));
        expect(h.size).toBeLessThanOrEqual(4);
      }),
      { numRuns: 40 },
    );
  });

  it('keeps its points across a restart: a new History on the same store reads them, and its first span counts from process start', () => {
    const dir = tempDir();
    const a = new Store(dir);
    const h1 = new History(a);
    h1.offer(T0, sample());
    h1.offer(T0 + 60_000, sample({ accepted: 7 }));
    a.close();
    const b = openStore(dir);
    const h2 = new History(b);
    expect(h2.since(0)).toMatchObject([{ t: T0 + 60_000, accepted: 7 }]);
    // After the restart the daemon's counters start at 0 again; the first point counts from there.
    h2.offer(T0 + 90_000, sample({ accepted: 1 }));
    h2.offer(T0 + 150_000, sample({ accepted: 3 }));
    expect(h2.since(0).map((p) => [p.t, p.accepted])).toEqual([[T0 + 60_000, 7], [T0 + 150_000, 3]]);
    expect(h2.since(T0 + 60_000)).toHaveLength(1);
  });

  it('skips damaged rows, and checks its options and input', () => {
    const store = openStore();
    const h = new History(store);
    store.db.prepare('INSERT INTO dashboard_history (t, ms, point) VALUES (?, ?, ?)').run(T0, 60_000, '{not json');
    store.db.prepare('INSERT INTO dashboard_history (t, ms, point) VALUES (?, ?, ?)').run(T0 + 1, 60_000, JSON.stringify({ ...sample(), accepted: -1 }));
    store.db.prepare('INSERT INTO dashboard_history (t, ms, point) VALUES (?, ?, ?)').run(T0 + 2, 60_000, JSON.stringify({ ...sample(), htb: { a: 'x' } }));
    store.db.prepare('INSERT INTO dashboard_history (t, ms, point) VALUES (?, ?, ?)').run(T0 + 3, 60_000, JSON.stringify(sample({ htb: { a: 5 } })));
    expect(h.since(0).map((p) => p.t)).toEqual([T0 + 3]);
    expect(decodePoint(T0, 60_000, '[]')).toBeUndefined();
    expect(decodePoint(T0, 60_000, 'null')).toBeUndefined();
    expect(decodePoint(T0, 60_000, JSON.stringify({ ...sample(), htb: [] }))).toBeUndefined();
    expect(() => new History(store, { resolutionMs: 10 })).toThrow(InputError);
    expect(() => new History(store, { resolutionMs: 60_000, keepMs: 1000 })).toThrow(InputError);
    expect(() => new History(store, { resolutionMs: 1000, keepMs: 1e9 })).toThrow(InputError);
    expect(() => h.offer(NaN, sample())).toThrow(InputError);
    expect(() => h.since(NaN)).toThrow(InputError);
  });

  it('is fed by the sampler, one point a minute from 5-second samples', () => {
    let now = T0;
    let accepted = 0;
    const stats = () => ({
      sessions: 1, shares: { accepted, rejected: {} }, tickets: { issued: 0, spent: 0 }, malformed: 0, hashRate: 5,
      upstream: { kind: 'solo', state: 'ready', accepted, rejected: 0, forwarded: 0, blocks: 0, poolDifficulty: null },
    }) as unknown as RelayStats;
    const h = new History(openStore());
    const s = new Sampler({ stats, htb: () => null, ticketDays: { update: () => [] } as unknown as TicketDays, history: h }, () => now, (e) => { throw e; }, 5000);
    for (let i = 0; i <= 36; i++) {
      s.sample();
      now += 5000;
      accepted += 2;
    }
    expect(h.since(0).map((p) => [p.t - T0, p.accepted])).toEqual([[60_000, 24], [120_000, 24], [180_000, 24]]);
  });
});

describe('downsample', () => {
  const pt = (i: number): HistoryPoint => ({ t: i * 60_000, ms: 60_000, sessions: i, hashRate: 10 * i, accepted: 1, rejected: 0, forwarded: 2, upstreamAccepted: 1, htb: { a: i } });

  it('merges runs of points: counts summed, gauges and rates averaged over time', () => {
    const out = downsample([1, 2, 3, 4, 5].map(pt), 2);
    expect(out).toEqual([
      { t: 180_000, ms: 180_000, sessions: 2, hashRate: 20, accepted: 3, rejected: 0, forwarded: 6, upstreamAccepted: 3, htb: { a: 2 } },
      { t: 300_000, ms: 120_000, sessions: 4.5, hashRate: 45, accepted: 2, rejected: 0, forwarded: 4, upstreamAccepted: 2, htb: { a: 4.5 } },
    ]);
    expect(downsample([pt(1)], 5)).toEqual([pt(1)]);
    const week = Array.from({ length: 10_080 }, (_, i) => pt(i + 1));
    const few = downsample(week, 720);
    expect(few.length).toBeLessThanOrEqual(720);
    expect(few.reduce((a, p) => a + p.accepted, 0)).toBe(10_080);
    expect(() => downsample(week, 0)).toThrow(InputError);
  });

  it('History.window answers since(after) downsampled, the same again until the points change', () => {
    const h = new History(openStore());
    let t = T0;
    h.offer(t, sample());
    for (let i = 1; i <= 30; i++) h.offer((t += 60_000), sample({ accepted: i }));
    const w = h.window(T0, 10);
    expect(w).toEqual(downsample(h.since(T0), 10));
    expect(h.window(T0, 10)).toBe(w);
    h.offer(t + 60_000, sample({ accepted: 31 }));
    const w2 = h.window(T0, 10);
    expect(w2).not.toBe(w);
    expect(w2.reduce((a, p) => a + p.accepted, 0)).toBe(31);
  });
});
