import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  InputError, Keyring, PublicKey, SignerSessions, SigningKey, decodeChallenge, decodeCommitment, decodeKeyPair,
  decodeResponse, decodeSignature, encodeChallenge, encodeCommitment, encodeKeyPair, encodeResponse, encodeSignature,
  infoForDay, signerCommit, startOfDay, ORDER,
} from './imports.js';
import { seededRandom } from './helpers.js';

const hex = (minLength: number, maxLength: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength, maxLength });

/** Every decoder: round trip, and random input never decodes to something accepted or throws anything but InputError. */
function onlyInputError(f: () => unknown): void {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return;
  }
}

describe('message and key decoders', () => {
  const key = SigningKey.generate(seededRandom('decoders'));
  const { commitment } = signerCommit(key, infoForDay('2026-12-01'), seededRandom('c'));

  it('round-trip', () => {
    const c = decodeCommitment(encodeCommitment(commitment));
    expect(c.a.equals(commitment.a) && c.b.equals(commitment.b)).toBe(true);
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: ORDER - 1n }), fc.bigInt({ min: 0n, max: ORDER - 1n }), (p, q) => {
      expect(decodeChallenge(encodeChallenge({ e: p }))).toEqual({ e: p });
      expect(decodeResponse(encodeResponse({ r: p, c: q, s: q, d: p }))).toEqual({ r: p, c: q, s: q, d: p });
      expect(decodeSignature(encodeSignature({ rho: q, omega: p, sigma: p, delta: q }))).toEqual({ rho: q, omega: p, sigma: p, delta: q });
    }));
    expect(decodeKeyPair(JSON.parse(JSON.stringify(encodeKeyPair(key)))).publicKey.equals(key.publicKey)).toBe(true);
    expect(PublicKey.fromText(key.publicKey.toText()).equals(key.publicKey)).toBe(true);
  });

  it('random bytes: commitments almost never decode (random 32 bytes are a valid point with p ≈ 1/8)', () => {
    let accepted = 0;
    fc.assert(fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (b) => {
      try {
        decodeCommitment(b);
        accepted++;
      } catch (err) {
        expect(err).toBeInstanceOf(InputError);
      }
    }), { numRuns: 400 });
    expect(accepted).toBeLessThan(40);
  });

  it('random input of any length and type only ever raises InputError', () => {
    const decoders = [decodeCommitment, decodeChallenge, decodeResponse, decodeSignature, PublicKey.fromBytes, SigningKey.fromBytes, PublicKey.fromText, SigningKey.fromText, decodeKeyPair, Keyring.fromJSON];
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 140 }), fc.string(), fc.anything()), (junk) => {
      for (const d of decoders) onlyInputError(() => d(junk as never));
    }), { numRuns: 300 });
  });

  it('scalars ≥ ℓ are refused in every scalar field', () => {
    const big = new Uint8Array(32).fill(0xff);
    for (let i = 0; i < 4; i++) {
      const b = new Uint8Array(128);
      b.set(big, 32 * i);
      expect(() => decodeResponse(b)).toThrow(InputError);
      expect(() => decodeSignature(b)).toThrow(InputError);
    }
    expect(() => decodeChallenge(big)).toThrow(InputError);
  });

  it('a key pair whose parts disagree is refused', () => {
    const other = SigningKey.generate(seededRandom('other'));
    const kp = encodeKeyPair(key);
    expect(() => decodeKeyPair({ ...kp, public: other.publicKey.toText() })).toThrow(/does not match/);
    expect(() => decodeKeyPair({ ...kp, keyId: other.publicKey.keyIdHex() })).toThrow(/does not match/);
    expect(() => decodeKeyPair({ ...kp, version: 2 })).toThrow(InputError);
  });

  it('stored sessions: random records only ever raise InputError or SessionError', () => {
    const ring = new Keyring();
    ring.rotate(key, '2026-12-01');
    const sessions = new SignerSessions({ keys: ring, clock: () => startOfDay('2026-12-01'), rand: seededRandom('s') });
    fc.assert(fc.property(fc.record({ version: fc.constantFrom(1, 2), sessionId: hex(32, 32), keyId: fc.constantFrom(key.publicKey.keyIdHex(), 'zz'), day: fc.string(), u: hex(0, 70), s: hex(0, 70), d: hex(0, 70), expiresAt: fc.double() }), (rec) => {
      try {
        sessions.import(rec as never);
        expect.unreachable('random record imported');
      } catch (err) {
        expect(err instanceof InputError || (err as Error).name === 'SessionError').toBe(true);
      }
    }), { numRuns: 200 });
    expect(sessions.openCount()).toBe(0);
  });
});
