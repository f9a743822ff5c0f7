import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ristretto255 } from '@noble/curves/ed25519.js';
import { FixedBase } from '../../src/core/tickets/fixed-base.js';
import { G, ORDER, mulPublic, mulSecret, hashToGroup } from './imports.js';

const P = ristretto255.Point;
const z = hashToGroup(new TextEncoder().encode('fixed-base test'));
const tz = new FixedBase(z);

describe('fixed-base comb', () => {
  const edges = [0n, 1n, 2n, 3n, 127n, 128n, 255n, 256n, 257n, 2n ** 248n, 2n ** 252n, ORDER - 2n, ORDER - 1n];

  it('agrees with noble on edge scalars, for public and secret use', () => {
    for (const k of edges) {
      const want = P.BASE.multiplyUnsafe(k);
      expect(mulPublic(G, k).equals(want)).toBe(true);
      expect(mulSecret(G, k).equals(want)).toBe(true);
      expect(tz.mul(k, false).equals(z.multiplyUnsafe(k))).toBe(true);
      expect(tz.mul(k, true).equals(z.multiplyUnsafe(k))).toBe(true);
    }
  });

  it('agrees with noble on random scalars', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: ORDER - 1n }), (k) => {
      expect(tz.mul(k, false).equals(z.multiplyUnsafe(k))).toBe(true);
      expect(mulSecret(G, k).equals(P.BASE.multiplyUnsafe(k))).toBe(true);
    }), { numRuns: 100 });
  });

  it('refuses scalars outside [0, ℓ)', () => {
    expect(() => tz.mul(ORDER, false)).toThrow(RangeError);
    expect(() => tz.mul(-1n, true)).toThrow(RangeError);
  });
});
