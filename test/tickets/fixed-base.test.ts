import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ED25519_TORSION_SUBGROUP, ed25519, ristretto255 } from '@noble/curves/ed25519.js';
import { D, FixedBase } from '../../src/core/tickets/fixed-base.js';
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

describe('fixed-base field constants', () => {
  it('d is the edwards25519 constant −121665/121666', () => {
    expect(D.toString(16)).toBe('52036cee2b6ffe738cc740797779e89800700a4d4141d8ab75eb4dca135978a3');
  });

  it('works for any Edwards representative of the base (here shifted by a point of order 4)', () => {
    const t4 = ed25519.Point.fromHex(ED25519_TORSION_SUBGROUP[2]!);
    const shifted = new P(ed25519.Point.fromAffine(z.toAffine()).add(t4));
    expect(shifted.equals(z)).toBe(true);
    expect(shifted.toAffine()).not.toEqual(z.toAffine());
    const tw = new FixedBase(shifted, 5);
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: ORDER - 1n }), (k) => {
      expect(tw.mul(k, k % 2n === 0n).equals(z.multiplyUnsafe(k))).toBe(true);
    }), { numRuns: 50 });
  });
});
