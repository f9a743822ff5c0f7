import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { getAlgorithm } from '../../src/core/pow/registry.js';
import {
  difficultyOfHash, hashMeetsTarget, hashToBigint, targetFromDifficulty, targetFromNbits, targetToBytes,
} from '../../src/core/pow/target.js';
import { InputError } from '../../src/core/util/errors.js';

const sha = getAlgorithm('sha256d');
const scrypt = getAlgorithm('scrypt');
const DIFF1 = 0xffffn << 208n;

describe('targetFromNbits', () => {
  it('decodes known compact targets', () => {
    expect(targetFromNbits(0x1d00ffff)).toBe(DIFF1);
    // Bitcoin block 100000's bits.
    expect(targetFromNbits(0x1b04864c)).toBe(0x04864cn << (8n * 24n));
    // Litecoin genesis bits: 0x0ffff0 * 256^27.
    expect(targetFromNbits(0x1e0ffff0)).toBe(0x0ffff0n << (8n * 27n));
    // Small exponents shift the mantissa right.
    expect(targetFromNbits(0x01120000)).toBe(0x12n);
    expect(targetFromNbits(0x02123400)).toBe(0x1234n);
  });

  it('rejects negative, zero, overflowing and non-uint32 encodings', () => {
    for (const bad of [0x04923456, 0x1d000000, 0x00000000, 0xff123456, 0x21010000, -1, 2 ** 32, 1.5]) {
      expect(() => targetFromNbits(bad)).toThrow(InputError);
    }
  });
});

describe('targetFromDifficulty', () => {
  it('follows Stratum: diff1 / D for sha256d, diff1 * 65536 / D for scrypt', () => {
    expect(targetFromDifficulty(sha, 1)).toBe(DIFF1);
    expect(targetFromDifficulty(sha, 2)).toBe(DIFF1 / 2n);
    expect(targetFromDifficulty(sha, 3)).toBe(DIFF1 / 3n);
    expect(targetFromDifficulty(scrypt, 1)).toBe(DIFF1 * 65536n);
    expect(targetFromDifficulty(scrypt, 65536)).toBe(DIFF1);
  });

  it('is exact for fractional difficulty', () => {
    // 0.5 and 0.25 are exact doubles: the target doubles / quadruples.
    expect(targetFromDifficulty(sha, 0.5)).toBe(DIFF1 * 2n);
    expect(targetFromDifficulty(sha, 0.25)).toBe(DIFF1 * 4n);
    // 0.001 as the double it is: m / 2^k, so target = floor(diff1 * 2^k / m).
    const t = targetFromDifficulty(sha, 0.001);
    expect(t > DIFF1 * 999n && t < DIFF1 * 1001n).toBe(true);
  });

  it('caps at 2^256 - 1 for tiny difficulty', () => {
    expect(targetFromDifficulty(sha, 1e-30)).toBe((1n << 256n) - 1n);
  });

  it('rejects non-positive and non-finite difficulty', () => {
    for (const bad of [0, -1, NaN, Infinity, '1' as unknown as number]) {
      expect(() => targetFromDifficulty(sha, bad)).toThrow(InputError);
    }
  });

  it('is monotone: higher difficulty never gives a larger target', () => {
    fc.assert(fc.property(fc.double({ min: 1e-6, max: 1e12, noNaN: true }), fc.double({ min: 1e-6, max: 1e12, noNaN: true }), (a, b) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      return targetFromDifficulty(sha, hi) <= targetFromDifficulty(sha, lo);
    }));
  });
});

describe('targets and hashes', () => {
  it('targetToBytes is little-endian and round-trips through hashToBigint', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), (t) => hashToBigint(targetToBytes(t)) === t));
    expect(targetToBytes(1n)[0]).toBe(1);
    expect(targetToBytes(1n << 255n)[31]).toBe(0x80);
    expect(() => targetToBytes(-1n)).toThrow(InputError);
    expect(() => targetToBytes(1n << 256n)).toThrow(InputError);
  });

  it('a share at difficulty D is accepted; one bit above its target is not', () => {
    fc.assert(fc.property(fc.double({ min: 1e-4, max: 1e9, noNaN: true }), fc.constantFrom(sha, scrypt), (d, algo) => {
      const t = targetFromDifficulty(algo, d);
      const atTarget = targetToBytes(t);
      const above = targetToBytes(t + 1n);
      return hashMeetsTarget(atTarget, t) && !hashMeetsTarget(above, t);
    }));
  });

  it('difficultyOfHash inverts targetFromDifficulty', () => {
    fc.assert(fc.property(fc.double({ min: 1e-3, max: 1e9, noNaN: true }), (d) => {
      const got = difficultyOfHash(sha, targetToBytes(targetFromDifficulty(sha, d)));
      return Math.abs(got - d) / d < 1e-9;
    }));
    expect(difficultyOfHash(sha, new Uint8Array(32))).toBe(Infinity);
  });

  it('hashMeetsTarget returns false on malformed input instead of throwing', () => {
    expect(hashMeetsTarget(new Uint8Array(31), DIFF1)).toBe(false);
    expect(hashMeetsTarget('00' as unknown as Uint8Array, DIFF1)).toBe(false);
    expect(hashMeetsTarget(new Uint8Array(32), -1n)).toBe(false);
    expect(hashMeetsTarget(new Uint8Array(32), 5 as unknown as bigint)).toBe(false);
  });
});
