import { describe, expect, it } from 'vitest';
import { Vardiff } from '../../src/relay/vardiff.js';

const opts = { targetSeconds: 15, retargetSeconds: 60, fastShares: 12, min: 1e-6, max: 1e6 };

describe('vardiff counts a share for the difficulty it was found at', () => {
  it('shares at the old difficulty after a retarget count for their part of the new one', () => {
    const v = new Vardiff(opts, 0.001, 0);
    let next: number | undefined;
    for (let i = 1; i <= 12 && next === undefined; i++) next = v.onShare(i);
    expect(next).toBe(0.004);
    // A miner still on its old work: twelve shares at 0.001 are three at 0.004, not a fast window.
    for (let i = 0; i < 12; i++) expect(v.onShare(100 + i, 0.001)).toBeUndefined();
    // Nine more at the new difficulty make twelve: now it is fast, and it retargets.
    for (let i = 0; i < 8; i++) expect(v.onShare(200 + i, 0.004)).toBeUndefined();
    expect(v.onShare(300, 0.004)).toBe(0.016);
  });

  it('without a difficulty, a share counts at the current one', () => {
    const a = new Vardiff(opts, 0.001, 0);
    const b = new Vardiff(opts, 0.001, 0);
    for (let i = 1; i <= 12; i++) expect(a.onShare(i * 1000)).toBe(b.onShare(i * 1000, 0.001));
  });
});
