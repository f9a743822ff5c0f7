import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { expand_message_xmd } from '@noble/curves/abstract/hash-to-curve.js';
import { sha512 } from '@noble/hashes/sha2.js';
import {
  DST_F, G, ORDER, PublicKey, SigningKey, decodeChallenge, decodeCommitment, decodeResponse, decodeSignature,
  decodeTicket, encodeSignature, encodeTicket, F, infoForDay, mulPublic, newTicketSecret, signerCommit,
  signerRespond, spendId, ticketFromText, ticketToText, userBlind, userUnblind, verify, verifyTicket, Keyring,
  createTicket, challengeHash, encodeScalar,
} from '../tickets/imports.js';
import { seededRandom } from '../tickets/helpers.js';
import { base64urlToBytes, bytesToBase64url } from '../../src/core/util/bytes.js';

const day = '2026-12-01';
const info = infoForDay(day);
const key = SigningKey.generate(seededRandom('security/verify/key'));
const rand = seededRandom('security/verify/session');
const { x, msg } = newTicketSecret(rand);
const { state, commitment } = signerCommit(key, info, rand);
const { challenge, state: user } = userBlind(key.publicKey, info, msg, commitment, rand);
const sig = userUnblind(user, signerRespond(key, state, challenge));
const sigBytes = encodeSignature(sig);
const ticket = createTicket({ keyId: key.keyId, day, x, signature: sig });
const ticketBytes = encodeTicket(ticket);
const ring = new Keyring();
ring.rotate(key, day);
const noon = Date.parse(`${day}T12:00:00Z`);
const leBytes = (n: bigint) => {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
};

describe('verification equation and hashes (spec §2, §4)', () => {
  it('is ω + δ = H(y ‖ g^ρ y^ω ‖ g^σ z^δ ‖ z ‖ BE32(len) ‖ msg) with z a hash-to-group point, not g^H(info)', () => {
    const z = ristretto255_hasher.deriveToCurve!(expand_message_xmd(info, new TextEncoder().encode(DST_F), 64, sha512));
    expect(F(info).z.equals(z)).toBe(true);
    const P = ristretto255.Point;
    const alpha = P.BASE.multiply(sig.rho).add(key.publicKey.point.multiply(sig.omega));
    const beta = P.BASE.multiply(sig.sigma).add(z.multiply(sig.delta));
    expect((sig.omega + sig.delta) % ORDER).toBe(challengeHash(key.publicKey.bytes, alpha.toBytes(), beta.toBytes(), z.toBytes(), msg));
    // y is hashed: the same (α, β, z, msg) under another key gives another challenge.
    const other = SigningKey.generate(seededRandom('other')).publicKey.bytes;
    expect(challengeHash(other, alpha.toBytes(), beta.toBytes(), z.toBytes(), msg)).not.toBe(sig.omega + sig.delta);
    expect(verify(key.publicKey.bytes, info, msg, sigBytes)).toBe(true);
    expect(verify(other, info, msg, sigBytes)).toBe(false);
  });
});

describe('decoders refuse non-canonical scalars and bad points', () => {
  it('a scalar s + ℓ (same value mod ℓ) is refused in every message and in tickets', () => {
    const big = leBytes(sig.rho + ORDER);
    expect(() => decodeChallenge(big)).toThrow(/reduced/);
    for (let i = 0; i < 4; i++) {
      const m = sigBytes.slice();
      m.set(leBytes([sig.rho, sig.omega, sig.sigma, sig.delta][i]! + ORDER), 32 * i);
      expect(() => decodeSignature(m)).toThrow(/reduced/);
      expect(() => decodeResponse(m)).toThrow(/reduced/);
      expect(verify(key.publicKey, info, msg, m)).toBe(false);
      const t = ticketBytes.slice();
      t.set(m, 101);
      expect(() => decodeTicket(t)).toThrow();
      expect(verifyTicket(t, ring, noon)).toMatchObject({ ok: false, reason: 'malformed' });
    }
    expect(() => decodeChallenge(leBytes(ORDER))).toThrow();
    expect(decodeChallenge(leBytes(ORDER - 1n)).e).toBe(ORDER - 1n);
  });

  it('identity and invalid points are refused as a, b and y', () => {
    const good = G.toBytes();
    const zero = new Uint8Array(32);
    expect(() => decodeCommitment(new Uint8Array([...zero, ...good]))).toThrow(/identity/);
    expect(() => decodeCommitment(new Uint8Array([...good, ...zero]))).toThrow(/identity/);
    const bad = good.slice();
    bad[31] = 0xff;
    expect(() => decodeCommitment(new Uint8Array([...good, ...bad]))).toThrow(/canonical/);
    expect(verify(zero, info, msg, sigBytes)).toBe(false);
    expect(verify(bad, info, msg, sigBytes)).toBe(false);
    expect(() => PublicKey.fromBytes(zero)).toThrow();
    // With y = identity a forger would need only g^ρ: the signer side never makes such a key either.
    expect(() => SigningKey.fromBytes(zero)).toThrow(/zero/);
  });

  it('the user refuses identity commitments passed as points', () => {
    const P = ristretto255.Point;
    expect(() => userBlind(key.publicKey, info, msg, { a: P.ZERO, b: commitment.b }, rand)).toThrow(/identity/);
    expect(() => userBlind(key.publicKey, info, msg, { a: commitment.a, b: P.ZERO }, rand)).toThrow(/identity/);
  });
});

describe('verify never throws on attacker bytes', () => {
  it('random and mutated inputs of every shape return false', () => {
    const args = fc.oneof(
      fc.uint8Array({ minLength: 0, maxLength: 300 }),
      fc.constant(undefined), fc.constant(null), fc.string(), fc.integer(), fc.object(),
      fc.record({ rho: fc.bigInt(), omega: fc.bigInt(), sigma: fc.bigInt(), delta: fc.bigInt() }),
    );
    fc.assert(
      fc.property(args, args, args, args, (a, b, c, d) => {
        const r = verify(a as Uint8Array, b as Uint8Array, c as Uint8Array, d as Uint8Array);
        expect(r).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('single-bit flips of a valid signature, key, message or info all fail without throwing', () => {
    const flip = (b: Uint8Array, bit: number) => {
      const c = b.slice();
      c[bit >> 3]! ^= 1 << (bit & 7);
      return c;
    };
    for (let bit = 0; bit < 1024; bit += 7) expect(verify(key.publicKey.bytes, info, msg, flip(sigBytes, bit))).toBe(false);
    for (let bit = 0; bit < 256; bit += 3) {
      expect(verify(flip(key.publicKey.bytes, bit), info, msg, sigBytes)).toBe(false);
      expect(verify(key.publicKey, info, flip(msg, bit), sigBytes)).toBe(false);
    }
    for (let bit = 0; bit < info.length * 8; bit += 5) expect(verify(key.publicKey, flip(info, bit), msg, sigBytes)).toBe(false);
    expect(verify(key.publicKey, info, msg, sigBytes)).toBe(true);
  });

  it('verifyTicket returns a rejection (never throws) for random and mutated ticket bytes and text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 260 }), fc.string({ maxLength: 400 }), (bytes, text) => {
        expect(verifyTicket(bytes, ring, noon).ok).toBe(false);
        expect(verifyTicket(text, ring, noon).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
    for (let i = 0; i < ticketBytes.length; i++) {
      const t = ticketBytes.slice();
      t[i]! ^= 0x40;
      const r = verifyTicket(t, ring, noon);
      expect(r.ok).toBe(false);
    }
    expect(verifyTicket(ticketBytes, ring, noon).ok).toBe(true);
  });
});

describe('spend ids cannot be changed by re-encoding (spec §2, §6)', () => {
  it('every other encoding of a valid ticket is refused or has the same spend id', () => {
    const text = ticketToText(ticket);
    const id = Buffer.from(spendId(ticket)).toString('hex');
    // Non-canonical base64url (trailing bits set), padding, whitespace, standard alphabet: refused.
    const last = text.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const tweaked = text.slice(0, -1) + alphabet[alphabet.indexOf(last) ^ 1];
    for (const t of [tweaked, text + '=', ` ${text}`, text.replaceAll('-', '+').replaceAll('_', '/') + (text.includes('-') || text.includes('_') ? '' : '+')]) {
      expect(verifyTicket(t, ring, noon).ok).toBe(false);
    }
    // Extra bytes, another version byte, a non-reduced scalar: refused.
    expect(verifyTicket(new Uint8Array([...ticketBytes, 0]), ring, noon).ok).toBe(false);
    const v2 = ticketBytes.slice();
    v2[0] = 2;
    expect(verifyTicket(v2, ring, noon).ok).toBe(false);
    // The only accepted form decodes to the same fields and the same spend id.
    const ok = verifyTicket(text, ring, noon);
    expect(ok.ok && Buffer.from(ok.spendId).toString('hex')).toBe(id);
    expect(Buffer.from(spendId(ticketFromText(bytesToBase64url(base64urlToBytes('t', text))))).toString('hex')).toBe(id);
  });

  it('a second valid signature on the same message (fresh issuance) keeps the spend id: it names (key, msg), so it is one spend', () => {
    const r2 = seededRandom('second issuance');
    const s2 = signerCommit(key, info, r2);
    const u2 = userBlind(key.publicKey, info, msg, s2.commitment, r2);
    const sig2 = userUnblind(u2.state, signerRespond(key, s2.state, u2.challenge));
    expect(encodeScalar(sig2.rho)).not.toEqual(encodeScalar(sig.rho));
    const t2 = createTicket({ keyId: key.keyId, day, x, signature: sig2 });
    expect(spendId(t2)).toEqual(spendId(ticket));
  });

  it('mulPublic is consistent with verify on the table path (32+ verifications of one key)', () => {
    const pk = PublicKey.fromBytes(key.publicKey.bytes);
    for (let i = 0; i < 40; i++) expect(verify(pk, info, msg, sigBytes)).toBe(true);
    expect(mulPublic(pk.point, 1n).equals(pk.point)).toBe(true);
  });
});
