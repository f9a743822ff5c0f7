import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  InputError, Keyring, SigningKey, TICKET_BYTES, createTicket, decodeTicket, encodeTicket, infoForDay,
  newTicketSecret, signerCommit, signerRespond, spendId, startOfDay, ticketFromText, ticketToText,
  userBlind, userUnblind, verifyTicket, acceptIssuanceDay, ticketExpiresAt, bytesToBase64url, type Ticket,
} from './imports.js';
import { seededRandom } from './helpers.js';

const HOUR = 3_600_000;
const DAY = '2026-12-01';
const noon = startOfDay(DAY) + 12 * HOUR;

function mint(key: SigningKey, day: string, seed: string): Ticket {
  const rand = seededRandom(seed);
  const info = infoForDay(day);
  const { x, msg } = newTicketSecret(rand);
  const { state, commitment } = signerCommit(key, info, rand);
  const { challenge, state: us } = userBlind(key.publicKey, info, msg, commitment, rand);
  return createTicket({ keyId: key.keyId, day, x, signature: userUnblind(us, signerRespond(key, state, challenge)) });
}

describe('tickets', () => {
  const key = SigningKey.generate(seededRandom('relay A'));
  const otherKey = SigningKey.generate(seededRandom('relay B'));
  const ring = new Keyring();
  ring.rotate(key, '2026-11-01');
  const ticket = mint(key, DAY, 't1');

  it('round-trips through binary and text, and verifies', () => {
    const bytes = encodeTicket(ticket);
    expect(bytes.length).toBe(TICKET_BYTES);
    expect(encodeTicket(decodeTicket(bytes))).toEqual(bytes);
    expect(ticketFromText(ticketToText(ticket))).toEqual(ticket);
    const r = verifyTicket(ticketToText(ticket), ring, noon);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.spendId).toEqual(spendId(ticket));
      expect(r.expiresAt).toBe(startOfDay(DAY) + 24 * HOUR + 48 * HOUR);
    }
    expect(verifyTicket(ticket, ring, noon).ok).toBe(true);
    expect(verifyTicket(bytes, ring, noon).ok).toBe(true);
  });

  it('the spend id is the same for every encoding and differs between tickets', () => {
    expect(spendId(decodeTicket(encodeTicket(ticket)))).toEqual(spendId(ticket));
    expect(spendId(ticketFromText(ticketToText(ticket)))).toEqual(spendId(ticket));
    expect(spendId(mint(key, DAY, 't2'))).not.toEqual(spendId(ticket));
  });

  it('rejects a tampered signature, another relay’s key, a wrong day and an expired ticket', () => {
    const sig = { ...ticket.signature, omega: (ticket.signature.omega + 1n) % 2n ** 252n };
    expect(verifyTicket({ ...ticket, signature: sig }, ring, noon)).toMatchObject({ ok: false, reason: 'bad-signature' });
    const foreign = mint(otherKey, DAY, 't3');
    expect(verifyTicket(foreign, ring, noon)).toMatchObject({ ok: false, reason: 'unknown-key' });
    // Relabelled with our key id: signature made by B does not verify under A.
    expect(verifyTicket({ ...foreign, keyId: key.keyId }, ring, noon)).toMatchObject({ ok: false, reason: 'bad-signature' });
    // Day changed after signing: info differs, so the signature fails.
    expect(verifyTicket({ ...ticket, day: '2026-11-30' }, ring, noon)).toMatchObject({ ok: false, reason: 'bad-signature' });
    // A ticket dated tomorrow is refused before its day begins (beyond 5 min skew).
    const tomorrow = mint(key, '2026-12-02', 't4');
    expect(verifyTicket(tomorrow, ring, noon)).toMatchObject({ ok: false, reason: 'wrong-day' });
    expect(verifyTicket(tomorrow, ring, startOfDay('2026-12-02') - 4 * 60_000).ok).toBe(true);
    const end = ticketExpiresAt(DAY);
    expect(verifyTicket(ticket, ring, end - 1).ok).toBe(true);
    expect(verifyTicket(ticket, ring, end)).toMatchObject({ ok: false, reason: 'expired' });
    expect(verifyTicket(ticket, ring, noon, { graceMs: 0 }).ok).toBe(true);
    expect(verifyTicket(ticket, ring, startOfDay('2026-12-02'), { graceMs: 0 })).toMatchObject({ reason: 'expired' });
  });

  it('any single-byte change of an encoded ticket fails decode or verify', () => {
    const bytes = encodeTicket(ticket);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: TICKET_BYTES - 1 }), fc.integer({ min: 1, max: 255 }), (pos, delta) => {
        const b = bytes.slice();
        b[pos] = (b[pos]! + delta) & 0xff;
        expect(verifyTicket(b, ring, noon).ok).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it('the decoder never accepts garbage and only throws InputError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (junk) => {
        try {
          decodeTicket(junk);
          expect.unreachable('random bytes decoded as a ticket');
        } catch (err) {
          expect(err).toBeInstanceOf(InputError);
        }
        expect(verifyTicket(junk, ring, noon)).toMatchObject({ ok: false, reason: 'malformed' });
      }),
      { numRuns: 500 },
    );
    // Right length and version, random rest: H(x) cannot match.
    fc.assert(
      fc.property(fc.uint8Array({ minLength: TICKET_BYTES - 1, maxLength: TICKET_BYTES - 1 }), (rest) => {
        const b = new Uint8Array([1, ...rest]);
        expect(() => decodeTicket(b)).toThrow(InputError);
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        expect(() => ticketFromText(s)).toThrow(InputError);
        expect(verifyTicket(s, ring, noon).ok).toBe(false);
      }),
    );
    expect(verifyTicket({} as Ticket, ring, noon)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('decode rejects out-of-range days, non-canonical scalars and other versions', () => {
    const bytes = encodeTicket(ticket);
    const v2 = bytes.slice();
    v2[0] = 2;
    expect(() => decodeTicket(v2)).toThrow(/version/);
    const farDay = bytes.slice();
    new DataView(farDay.buffer).setUint32(33, 0xffffffff);
    expect(() => decodeTicket(farDay)).toThrow(/day/);
    const bigRho = bytes.slice();
    bigRho.fill(0xff, 101, 133);
    expect(() => decodeTicket(bigRho)).toThrow(/scalar/);
    expect(() => decodeTicket(bytes.subarray(0, 228))).toThrow(InputError);
    expect(() => ticketFromText(bytesToBase64url(bytes) + 'A')).toThrow(InputError);
  });

  it('a retired key verifies until its last tickets expire; a key never verifies days before it started', () => {
    const r = new Keyring();
    r.rotate(key, '2026-11-01');
    const next = SigningKey.generate(seededRandom('relay A next'));
    r.rotate(next, DAY);
    expect(verifyTicket(ticket, r, noon).ok).toBe(true);
    const later = mint(key, '2026-12-02', 't5');
    expect(verifyTicket(later, r, startOfDay('2026-12-02') + HOUR)).toMatchObject({ ok: false, reason: 'unknown-key' });
    const early = mint(next, '2026-11-30', 't6');
    expect(verifyTicket(early, r, noon)).toMatchObject({ ok: false, reason: 'unknown-key' });
    expect(r.prune(ticketExpiresAt(DAY) - 1)).toEqual([]);
    expect(r.prune(ticketExpiresAt(DAY))).toEqual([key.publicKey.keyIdHex()]);
    expect(verifyTicket(ticket, r, noon)).toMatchObject({ ok: false, reason: 'unknown-key' });
    const copy = Keyring.fromJSON(JSON.parse(JSON.stringify(r.toJSON())));
    expect(copy.current().publicKey.equals(next.publicKey)).toBe(true);
    expect(() => r.rotate(next, DAY)).toThrow(InputError);
    expect(() => Keyring.fromJSON({ version: 1, current: null, retired: [{ public: 'x' }] })).toThrow(InputError);
  });

  it('client-side acceptance of the issuing day: today, yesterday near midnight, tomorrow within skew', () => {
    const midnight = startOfDay('2026-12-02');
    expect(acceptIssuanceDay(DAY, noon)).toBe(true);
    expect(acceptIssuanceDay('2026-11-30', noon)).toBe(false);
    expect(acceptIssuanceDay('2026-12-02', noon)).toBe(false);
    expect(acceptIssuanceDay(DAY, midnight + 9 * 60_000)).toBe(true);
    expect(acceptIssuanceDay(DAY, midnight + 10 * 60_000)).toBe(false);
    expect(acceptIssuanceDay('2026-12-02', midnight - 5 * 60_000)).toBe(true);
    expect(acceptIssuanceDay('2026-12-02', midnight - 5 * 60_000 - 1)).toBe(false);
    expect(acceptIssuanceDay('2026-13-01', noon)).toBe(false);
    expect(acceptIssuanceDay(42, noon)).toBe(false);
  });
});
