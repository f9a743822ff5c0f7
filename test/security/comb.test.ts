import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ED25519_TORSION_SUBGROUP, ed25519, ristretto255 } from '@noble/curves/ed25519.js';
import { FixedBase } from '../../src/core/tickets/fixed-base.js';
import { G, ORDER, TABLE_AFTER, decodePoint, mulPublic, mulSecret, withTable } from '../../src/core/tickets/group.js';
import { hashToGroup } from '../../src/core/tickets/hashes.js';
import { PublicKey } from '../../src/core/tickets/keys.js';

/**
 * The author's comb (fixed-base.ts) against noble, compared by canonical encoding (not only by
 * ristretto equality), for edge scalars, random scalars, every Edwards representative of a base
 * (the four points of its E[4] coset), every window width, and through group.ts's table switch.
 */
const P = ristretto255.Point;
const hex = (p: { toBytes(): Uint8Array }) => Buffer.from(p.toBytes()).toString('hex');
const edges = [0n, 1n, 2n, 3n, (ORDER - 1n) / 2n, (ORDER + 1n) / 2n, 2n ** 251n, 2n ** 252n - 1n, 2n ** 252n, ORDER - 3n, ORDER - 2n, ORDER - 1n];

/** The base with its Edwards representative shifted by torsion point `t` (a different object, same element iff t ∈ E[4]). */
function shifted(base: InstanceType<typeof P>, t: number): InstanceType<typeof P> {
  const tp = ed25519.Point.fromHex(ED25519_TORSION_SUBGROUP[t]!);
  return new P(ed25519.Point.fromAffine(base.toAffine()).add(tp));
}
const E4 = [0, 2, 4, 6].filter((t) => ed25519.Point.fromHex(ED25519_TORSION_SUBGROUP[t]!).multiply(4n).is0());

describe('fixed-base comb = noble, byte for byte', () => {
  const z = hashToGroup(new TextEncoder().encode('security review base'));

  it('uses all four representatives of the E[4] coset', () => {
    expect(E4).toHaveLength(4);
    const reps = new Set(E4.map((t) => JSON.stringify(shifted(z, t).toAffine(), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))));
    expect(reps.size).toBe(4);
    for (const t of E4) expect(hex(shifted(z, t))).toBe(hex(z));
  });

  // CPU only (28 tables, up to width 14): 4.5 s on an idle 2-core machine, 30-40 s at load 12.
  it('edge scalars incl. 0, 1, ℓ−1 for every representative, width and mode', { timeout: 120_000 }, () => {
    const wants = new Map(edges.map((k) => [k, hex(z.multiplyUnsafe(k))]));
    for (const t of E4) {
      const base = shifted(z, t);
      for (const width of [2, 3, 5, 8, 9, 11, 14]) {
        const fb = new FixedBase(base, width);
        for (const k of edges) {
          const want = wants.get(k)!;
          expect(hex(fb.mul(k, false))).toBe(want);
          expect(hex(fb.mul(k, true))).toBe(want);
        }
      }
    }
    expect(hex(new FixedBase(z).mul(0n, true))).toBe('00'.repeat(32));
  });

  it('random scalars, random bases, every representative', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: ORDER - 1n }), fc.bigInt({ min: 0n, max: ORDER - 1n }), fc.constantFrom(...E4), (b, k, t) => {
        const base = P.BASE.multiply(b);
        const fb = new FixedBase(shifted(base, t), 6);
        const want = hex(base.multiply(k === 0n ? 1n : k).multiply(1n));
        expect(hex(fb.mul(k, k % 3n === 0n))).toBe(k === 0n ? '00'.repeat(32) : want);
      }),
      { numRuns: 40 },
    );
  });

  it('results add, compare and encode like noble points (the comb output is a valid element)', () => {
    const fb = new FixedBase(z);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: ORDER - 1n }), fc.bigInt({ min: 0n, max: ORDER - 1n }), (k1, k2) => {
        const sum = fb.mul(k1, true).add(fb.mul(k2, false));
        const want = z.multiplyUnsafe((k1 + k2) % ORDER);
        expect(sum.equals(want)).toBe(true);
        expect(hex(sum)).toBe(hex(want));
        expect(hex(decodePoint('p', sum.toBytes(), { nonIdentity: false }))).toBe(hex(want));
      }),
      { numRuns: 30 },
    );
  });

  it('group.ts switches to the table after TABLE_AFTER uses without changing any result', () => {
    const base = withTable(shifted(P.BASE.multiply(987654321n), 4));
    const ks = [0n, 1n, ORDER - 1n, 2n ** 200n + 12345n];
    for (let i = 0; i < TABLE_AFTER + 8; i++) {
      const k = ks[i % ks.length]!;
      const want = hex(P.BASE.multiply(987654321n).multiplyUnsafe(k));
      expect(hex(i % 2 === 0 ? mulSecret(base, k) : mulPublic(base, k))).toBe(want);
    }
    for (const k of edges) expect(hex(mulSecret(G, k))).toBe(hex(P.BASE.multiplyUnsafe(k)));
  });

  it('a table is only ever built for a decoded (validated) key: invalid and identity keys are refused first', () => {
    const identity = new Uint8Array(32);
    expect(() => PublicKey.fromBytes(identity)).toThrow(/identity/);
    // No small-order point's Edwards encoding is accepted as a ristretto key (all refused before any table).
    for (const t of ED25519_TORSION_SUBGROUP) expect(() => PublicKey.fromBytes(Uint8Array.from(Buffer.from(t, 'hex')))).toThrow();
    // Non-canonical: the field element p (≡ 0) and a negative (odd) s.
    const p = (2n ** 255n - 19n).toString(16).padStart(64, '0');
    const le = Uint8Array.from(Buffer.from(p, 'hex').reverse());
    expect(() => PublicKey.fromBytes(le)).toThrow();
    const odd = P.BASE.toBytes().slice();
    odd[0]! |= 1;
    expect(() => PublicKey.fromBytes(odd)).toThrow();
  });
});

describe('fixed-base comb refuses bases that are not ristretto255 elements', () => {
  it('a representative with an order-8 component (even k would be off by 5·T8) gets no table', () => {
    const base = P.BASE.multiply(5n);
    const E8 = [1, 3, 5, 7].filter((t) => !ed25519.Point.fromHex(ED25519_TORSION_SUBGROUP[t]!).multiply(4n).is0());
    expect(E8).toHaveLength(4);
    for (const t of E8) expect(() => new FixedBase(shifted(base, t))).toThrow(RangeError);
    for (const t of E4) expect(hex(new FixedBase(shifted(base, t), 4).mul(2n, false))).toBe(hex(base.multiply(2n)));
  });
});
