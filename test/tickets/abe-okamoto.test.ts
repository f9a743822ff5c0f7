import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ORDER, Point, PublicKey, SignerState, SigningKey, InputError,
  signerCommit, signerRespond, signerRestore, userBlind, userUnblind, verify,
  encodeSignature, infoForDay, mod,
} from './imports.js';
import { seededRandom } from './helpers.js';

const info = infoForDay('2026-12-01');
const msg = new Uint8Array(32).fill(7);

function issue(seed: string, key: SigningKey, i = info, m = msg) {
  const rand = seededRandom(seed);
  const { state, commitment } = signerCommit(key, i, rand);
  const { challenge, state: us } = userBlind(key.publicKey, i, m, commitment, rand);
  const response = signerRespond(key, state, challenge);
  return { commitment, challenge, response, signature: userUnblind(us, response) };
}

describe('Abe–Okamoto issuing protocol', () => {
  const key = SigningKey.generate(seededRandom('key'));

  it('blind → sign → unblind → verify holds for any message, info and randomness', () => {
    fc.assert(
      fc.property(fc.string(), fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ minLength: 1, maxLength: 40 }), (seed, m, i) => {
        const { signature } = issue(seed, key, i, m);
        expect(verify(key.publicKey, i, m, signature)).toBe(true);
        expect(verify(key.publicKey.bytes, i, m, encodeSignature(signature))).toBe(true);
      }),
      { numRuns: 25 },
    );
  });

  it('the signature is bound to msg, info and the key', () => {
    const { signature } = issue('bind', key);
    const other = SigningKey.generate(seededRandom('other'));
    const m2 = msg.slice();
    m2[0]! ^= 1;
    expect(verify(key.publicKey, info, msg, signature)).toBe(true);
    expect(verify(key.publicKey, info, m2, signature)).toBe(false);
    expect(verify(key.publicKey, infoForDay('2026-12-02'), msg, signature)).toBe(false);
    expect(verify(other.publicKey, info, msg, signature)).toBe(false);
    expect(verify(key.publicKey, info, msg, { ...signature, delta: mod(signature.delta + 1n) })).toBe(false);
  });

  it('verify never throws on hostile arguments', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 140 }), fc.anything(), (pk, sig, junk) => {
        expect(verify(pk, info, msg, sig)).toBe(false);
        expect(verify(key.publicKey, info, msg, sig)).toBe(false);
        expect(verify(junk as never, junk as never, junk as never, junk as never)).toBe(false);
      }),
      { numRuns: 200 },
    );
    const ok = issue('hostile', key).signature;
    expect(verify(key.publicKey, info, msg, { ...ok, rho: ORDER })).toBe(false);
    expect(verify(key.publicKey, info, msg, { ...ok, rho: -1n })).toBe(false);
    expect(verify(Point.ZERO.toBytes(), info, msg, ok)).toBe(false);
  });

  it('a state answers exactly one challenge; (u, s, d) are erased', () => {
    const rand = seededRandom('once');
    const { state, commitment } = signerCommit(key, info, rand);
    const { challenge } = userBlind(key.publicKey, info, msg, commitment, rand);
    signerRespond(key, state, challenge);
    expect(state.consumed).toBe(true);
    expect(() => signerRespond(key, state, challenge)).toThrow(InputError);
    expect(() => signerRespond(key, state, { e: 5n })).toThrow(InputError);
    expect(() => state.exportSecrets()).toThrow(InputError);
  });

  it('the signer refuses a bad challenge or another key without consuming the state', () => {
    const rand = seededRandom('refuse');
    const { state } = signerCommit(key, info, rand);
    const other = SigningKey.generate(seededRandom('other'));
    expect(() => signerRespond(key, state, { e: ORDER })).toThrow(InputError);
    expect(() => signerRespond(key, state, { e: -1n })).toThrow(InputError);
    expect(() => signerRespond(other, state, { e: 1n })).toThrow(InputError);
    expect(state.consumed).toBe(false);
  });

  it('restore from (u, s, d) gives the same commitment and a valid signature', () => {
    const rand = seededRandom('restore');
    const { state, commitment } = signerCommit(key, info, rand);
    const restored = signerRestore(key, info, state.exportSecrets());
    expect(restored.commitment.a.equals(commitment.a) && restored.commitment.b.equals(commitment.b)).toBe(true);
    const { challenge, state: us } = userBlind(key.publicKey, info, msg, commitment, rand);
    expect(verify(key.publicKey, info, msg, userUnblind(us, signerRespond(key, restored, challenge)))).toBe(true);
    expect(() => signerRestore(key, info, { u: 0n, s: 1n, d: 1n })).toThrow(InputError);
    expect(() => signerRestore(key, info, { u: ORDER, s: 1n, d: 1n })).toThrow(InputError);
  });

  it('the user rejects identity commitments and bad responses', () => {
    const rand = seededRandom('user');
    const { state, commitment } = signerCommit(key, info, rand);
    expect(() => userBlind(key.publicKey, info, msg, { a: Point.ZERO, b: commitment.b }, rand)).toThrow(InputError);
    expect(() => userBlind(key.publicKey, info, msg, { a: commitment.a, b: Point.ZERO }, rand)).toThrow(InputError);
    const { challenge, state: us } = userBlind(key.publicKey, info, msg, commitment, rand);
    const good = signerRespond(key, state, challenge);
    // Consistent with e (c + d = e) but wrong r: caught by the final check.
    expect(() => userUnblind(us, { ...good, r: mod(good.r + 1n) })).toThrow(InputError);
    // Shifting c and d against each other keeps c + d = e but breaks both equations.
    expect(() => userUnblind(us, { ...good, c: mod(good.c + 1n), d: mod(good.d - 1n) })).toThrow(InputError);
    expect(() => userUnblind(us, { ...good, d: mod(good.d + 1n) })).toThrow(InputError);
    expect(() => userUnblind(us, { ...good, s: ORDER })).toThrow(InputError);
    expect(verify(key.publicKey, info, msg, userUnblind(us, good))).toBe(true);
  });

  it('keys: generation is deterministic under injected randomness; bad keys are refused', () => {
    const k1 = SigningKey.generate(seededRandom('same'));
    const k2 = SigningKey.generate(seededRandom('same'));
    expect(k1.publicKey.equals(k2.publicKey)).toBe(true);
    expect(SigningKey.fromText(k1.toText()).publicKey.equals(k1.publicKey)).toBe(true);
    expect(() => SigningKey.fromBytes(new Uint8Array(32))).toThrow(InputError);
    expect(() => PublicKey.fromBytes(Point.ZERO.toBytes())).toThrow(InputError);
    expect(() => PublicKey.fromBytes(new Uint8Array(32).fill(0xff))).toThrow(InputError);
  });
});

describe('signer self-check', () => {
  it('refuses to release a response that would not satisfy g^r y^c = a, g^s z^d = b', () => {
    const key = SigningKey.generate(seededRandom('fault'));
    const rand = seededRandom('fault session');
    const { state, commitment } = signerCommit(key, info, rand);
    const { u, s, d } = state.exportSecrets();
    // A state whose (u, s, d) no longer match its commitment, as a memory fault would leave it.
    const faultyA = new SignerState(key.keyId, info, commitment, mod(u + 1n), s, d);
    expect(() => signerRespond(key, faultyA, { e: 5n })).toThrow(/self-check/);
    const faultyB = new SignerState(key.keyId, info, commitment, u, s, mod(d + 1n));
    expect(() => signerRespond(key, faultyB, { e: 5n })).toThrow(/self-check/);
    expect(() => signerRespond(key, new SignerState(key.keyId, info, commitment, u, s, d), { e: 5n })).not.toThrow();
  });
});
