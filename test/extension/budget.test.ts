import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planPool, uniformFrom } from '../../src/extension/mining/budget.js';
import { parseReportMessage, parseOffscreenCommand } from '../../src/extension/mining/messages.js';
import { nonceSlices, parseWorkOrder } from '../../src/extension/mining/work.js';

describe('planPool', () => {
  it('meets the budget exactly with workers x duty, within the band', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 50 }),
      fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (cores, budget, band, u) => {
        const p = planPool(cores, budget, band, u);
        expect(p.workers).toBeGreaterThanOrEqual(1);
        expect(p.workers).toBeLessThanOrEqual(cores);
        expect(p.duty).toBeGreaterThan(0);
        expect(p.duty).toBeLessThanOrEqual(1);
        expect(p.workers * p.duty).toBeCloseTo(cores * p.budget, 9);
        expect(p.budget).toBeGreaterThanOrEqual(Math.min(1, (budget / 100) * (1 - band / 100)) - 1e-12);
        expect(p.budget).toBeLessThanOrEqual((budget / 100) * (1 + band / 100) + 1e-12);
      }));
  });

  it('gives the paper default on Tor Browser (2 reported cores, 25%): one worker at half duty', () => {
    expect(planPool(2, 25, 0, 0.5)).toEqual({ workers: 1, duty: 0.5, budget: 0.25 });
    expect(planPool(8, 25, 0, 0.3)).toEqual({ workers: 2, duty: 1, budget: 0.25 });
  });

  it('refuses nonsense', () => {
    expect(() => planPool(0, 25, 10, 0.5)).toThrow(RangeError);
    expect(() => planPool(2, 0, 10, 0.5)).toThrow(RangeError);
    expect(() => planPool(2, 25, 60, 0.5)).toThrow(RangeError);
    expect(() => planPool(2, 25, 10, 1)).toThrow(RangeError);
  });

  it('draws uniform values in [0, 1) from bytes', () => {
    expect(uniformFrom(Uint8Array.of(0, 0, 0, 0))).toBe(0);
    expect(uniformFrom(Uint8Array.of(255, 255, 255, 255))).toBeLessThan(1);
    expect(() => uniformFrom(new Uint8Array(3))).toThrow(RangeError);
  });
});

describe('work orders and reports', () => {
  it('split the nonce space into contiguous slices that cover it once', () => {
    for (const n of [1, 2, 3, 7, 64]) {
      const s = nonceSlices(n);
      expect(s[0]!.startNonce).toBe(0);
      for (let i = 1; i < n; i++) expect(s[i]!.startNonce).toBe(s[i - 1]!.startNonce + s[i - 1]!.count);
      expect(s.reduce((a, x) => a + x.count, 0)).toBe(2 ** 32);
    }
  });

  it('validate what crosses between the background and the offscreen document', () => {
    const order = { orderId: 1, algorithm: 'sha256d', header76: '00'.repeat(76), target: 'ff'.repeat(32), duty: 0.5, workers: 1 };
    expect(parseWorkOrder(order)).toEqual(order);
    expect(parseOffscreenCommand({ to: 'offscreen', type: 'setWork', order })).toEqual({ to: 'offscreen', type: 'setWork', order });
    for (const bad of [{ ...order, header76: '00' }, { ...order, duty: 0 }, { ...order, duty: 1.5 }, { ...order, workers: 0 }, { ...order, target: 'zz'.repeat(32) }]) {
      expect(parseWorkOrder(bad)).toBeNull();
    }
    expect(parseReportMessage({ to: 'background', type: 'report', report: { type: 'share', orderId: 1, nonce: 5 } })).not.toBeNull();
    for (const report of [{ type: 'share', orderId: 1, nonce: 2 ** 32 }, { type: 'share', orderId: -1, nonce: 1 }, { type: 'progress', orderId: 1, hashes: 1 }, { type: 'boom', orderId: 1 }]) {
      expect(parseReportMessage({ to: 'background', type: 'report', report })).toBeNull();
    }
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      parseWorkOrder(v);
      parseReportMessage(v);
      parseOffscreenCommand(v);
    }));
  });
});
