import { describe, expect, it } from 'vitest';
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import abo from '../vectors/tickets-abe-okamoto.json' with { type: 'json' };
import r255 from '../vectors/tickets-ristretto255.json' with { type: 'json' };
import { G, InputError, PublicKey, bytesToHex, decodePoint, decodeScalar, decodeTicket, hexToBytes, ticketFromText, verify } from './imports.js';
import { transcript } from './transcript.js';

// Independent recomputation: only noble primitives, SHA-256 and the byte strings of docs/tickets.md.
const P = ristretto255.Point;
const L = P.Fn.ORDER;
const md = (n: bigint) => ((n % L) + L) % L;
const hex = (s: string) => hexToBytes('hex', s);
const scalar = (s: string) => bytesToNumberLE(hex(s));
const ascii = (s: string) => new TextEncoder().encode(s);
const th = (tag: string, ...parts: Uint8Array[]) => sha256(new Uint8Array([ascii(tag).length, ...ascii(tag), ...parts.flatMap((p) => [...p])]));
const cat = (...parts: Uint8Array[]) => new Uint8Array(parts.flatMap((p) => [...p]));

describe('known-answer vectors (test/vectors/tickets-abe-okamoto.json)', () => {
  for (const v of abo.cases) {
    it(`reproduces ${v.seed} from its seed`, () => {
      expect(transcript(v.seed, v.day)).toEqual(v);
    });

    it(`${v.seed}: every value recomputed from noble primitives`, () => {
      const x = scalar(v.secretKey);
      const y = P.BASE.multiply(x);
      expect(bytesToHex(y.toBytes())).toBe(v.publicKey);
      expect(bytesToHex(th('workpass-v1/key-id', y.toBytes()))).toBe(v.keyId);
      const info = ascii(`workpass-v1/day/${v.day}`);
      expect(bytesToHex(info)).toBe(v.info);
      const z = ristretto255_hasher.hashToCurve(info, { DST: 'workpass-v1-F-ristretto255_XMD:SHA-512_R255MAP_RO_' });
      expect(bytesToHex(z.toBytes())).toBe(v.z);
      expect(bytesToHex(th('workpass-v1/ticket-msg', hex(v.x)))).toBe(v.msg);

      // Step 1: a = g^u, b = g^s z^d.
      const [u, s, d] = [scalar(v.signer.u), scalar(v.signer.s), scalar(v.signer.d)];
      const a = P.BASE.multiply(u);
      const b = P.BASE.multiply(s).add(z.multiply(d));
      expect(bytesToHex(cat(a.toBytes(), b.toBytes()))).toBe(v.commitment);
      // Step 2: α = a g^t1 y^t2, β = b g^t3 z^t4, ε = H(y ‖ α ‖ β ‖ z ‖ len(msg) ‖ msg), e = ε − t2 − t4.
      const [t1, t2, t3, t4] = [scalar(v.user.t1), scalar(v.user.t2), scalar(v.user.t3), scalar(v.user.t4)];
      const alpha = a.add(P.BASE.multiply(t1)).add(y.multiply(t2));
      const beta = b.add(P.BASE.multiply(t3)).add(z.multiply(t4));
      const H = (al: Uint8Array, be: Uint8Array) =>
        ristretto255_hasher.hashToScalar(cat(y.toBytes(), al, be, z.toBytes(), new Uint8Array([0, 0, 0, 32]), hex(v.msg)), {
          DST: 'workpass-v1-H-ristretto255_XMD:SHA-512_scalar',
        });
      const eps = H(alpha.toBytes(), beta.toBytes());
      const e = md(eps - t2 - t4);
      expect(bytesToHex(numberToBytesLE(e, 32))).toBe(v.challenge);
      // Step 3: c = e − d, r = u − cx.
      const c = md(e - d);
      const r = md(u - c * x);
      expect(bytesToHex(cat(...[r, c, s, d].map((n) => numberToBytesLE(n, 32))))).toBe(v.response);
      // Step 4 and verification: ω + δ = H(y ‖ g^ρ y^ω ‖ g^σ z^δ ‖ z ‖ msg).
      const sig = hex(v.signature);
      const [rho, omega, sigma, delta] = [0, 1, 2, 3].map((i) => bytesToNumberLE(sig.subarray(32 * i, 32 * i + 32))) as [bigint, bigint, bigint, bigint];
      expect([rho, omega, sigma, delta]).toEqual([md(r + t1), md(c + t2), md(s + t3), md(d + t4)]);
      const lhs = P.BASE.multiply(rho).add(y.multiply(omega)).toBytes();
      const rhs = P.BASE.multiply(sigma).add(z.multiply(delta)).toBytes();
      expect(md(omega + delta)).toBe(H(lhs, rhs));
      // Ticket bytes: version ‖ key id ‖ day (u32 BE) ‖ x ‖ H(x) ‖ signature; spend id = TH(spend-id, key id ‖ H(x)).
      const dayNum = Date.parse(`${v.day}T00:00:00Z`) / 86_400_000;
      const dayBytes = new Uint8Array(4);
      new DataView(dayBytes.buffer).setUint32(0, dayNum);
      expect(v.ticket).toBe(bytesToHex(cat(new Uint8Array([1]), hex(v.keyId), dayBytes, hex(v.x), hex(v.msg), sig)));
      expect(bytesToHex(th('workpass-v1/spend-id', hex(v.keyId), hex(v.msg)))).toBe(v.spendId);
      expect(Buffer.from(v.ticketText, 'base64url').toString('hex')).toBe(v.ticket);
    });

    it(`${v.seed}: our verifier accepts the vector`, () => {
      const t = ticketFromText(v.ticketText);
      expect(bytesToHex(decodeTicket(hex(v.ticket)).msg)).toBe(v.msg);
      expect(verify(PublicKey.fromBytes(hex(v.publicKey)), hex(v.info), t.msg, hex(v.signature))).toBe(true);
    });
  }
});

describe('ristretto255 encodings (test/vectors/tickets-ristretto255.json)', () => {
  it('g and its multiples encode as in RFC 9496', () => {
    let p = P.ZERO;
    for (const h of r255.multiplesOfG) {
      expect(bytesToHex(p.toBytes())).toBe(h);
      p = p.add(G);
    }
  });
  it('invalid and non-canonical point encodings, and the identity where forbidden, are refused', () => {
    for (const h of r255.invalidPoints) {
      expect(() => decodePoint('p', hex(h), { nonIdentity: false })).toThrow(InputError);
      expect(() => PublicKey.fromBytes(hex(h))).toThrow(InputError);
    }
    expect(decodePoint('p', hex(r255.multiplesOfG[0]!), { nonIdentity: false }).is0()).toBe(true);
    expect(() => decodePoint('p', hex(r255.multiplesOfG[0]!), { nonIdentity: true })).toThrow(InputError);
  });
  it('the one-way map under F matches RFC 9496 element derivation', () => {
    for (const { label, point } of r255.elementDerivation) {
      expect(bytesToHex(ristretto255_hasher.deriveToCurve!(sha512(ascii(label))).toBytes())).toBe(point);
    }
  });

  it('scalars must be < l', () => {
    for (const h of r255.validScalars) expect(decodeScalar('k', hex(h))).toBe(bytesToNumberLE(hex(h)));
    for (const h of r255.invalidScalars) expect(() => decodeScalar('k', hex(h))).toThrow(InputError);
    expect(bytesToNumberLE(hex(r255.invalidScalars[0]!))).toBe(L);
  });
});
