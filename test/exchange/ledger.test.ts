import { afterEach, describe, expect, it } from 'vitest';
import { SigningKey, utcDay } from '../../src/core/tickets/index.js';
import { InputError } from '../../src/core/util/errors.js';
import { bytesToHex } from '../../src/core/util/bytes.js';
import type { PartnerConfig } from '../../src/relay/exchange/config.js';
import { relayFixture, seededRandom, type RelayFixture } from '../gateway/fixtures.js';

const today = utcDay(Date.now());
const rand = seededRandom('ledger');
const partnerTicket = SigningKey.generate(seededRandom('ledger/partner')).publicKey;
const partner: PartnerConfig = { publicKey: 'cd'.repeat(32), url: 'http://127.0.0.1:1', ticketKeys: [{ keyId: partnerTicket.keyIdHex(), publicKey: partnerTicket }], trustLimit: 3, paymentEvery: 2 };
let fx: RelayFixture | undefined;
afterEach(() => fx?.close());

describe('Ledger', () => {
  it('spends once, logs in order, and queues a payment request every N partner tickets', () => {
    fx = relayFixture('ledger', today);
    const ledger = fx.ledger([partner]);
    const own = fx.key.publicKey.keyIdHex();
    const ids = Array.from({ length: 4 }, () => rand(32));
    expect(ledger.spendLocal(ids[0]!, own, 2000, 1000)).toBe('spent');
    expect(ledger.spendLocal(ids[0]!, own, 2000, 1000)).toBe('already_spent');
    expect(ledger.spendLocal(ids[1]!, partnerTicket.keyIdHex(), 2000, 1000)).toBe('spent');
    expect(ledger.spendLocal(ids[2]!, partnerTicket.keyIdHex(), 2000, 1000)).toBe('spent');
    expect(ledger.payments(partner.publicKey)).toMatchObject([{ direction: 'out', id: 1, tickets: 2, firstSeq: 2, lastSeq: 3 }]);
    expect(ledger.spendLocal(ids[3]!, partnerTicket.keyIdHex(), 2000, 1000)).toBe('spent');
    expect(ledger.trust(partner.publicKey)).toMatchObject({ served: 3, unpaid: 3, accepting: false });
    expect(ledger.spendLocal(rand(32), partnerTicket.keyIdHex(), 2000, 1000)).toBe('issuer_untrusted');
    const page = ledger.recordsAfter(0, 2);
    expect(page.more).toBe(true);
    expect(page.records.map((r) => r.seq)).toEqual([1, 2]);
    expect(page.records[0]).toEqual({ seq: 1, spendId: bytesToHex(ids[0]!), issuer: own, expiresAt: 2000, spentAt: 1000 });
    expect(ledger.recordsAfter(3, 10)).toMatchObject({ more: false, records: [{ seq: 4 }] });
  });

  it('applies remote records idempotently, skipping expired ones and issuers it does not take', () => {
    fx = relayFixture('ledger-remote', today);
    const ledger = fx.ledger([partner]);
    const own = fx.key.publicKey.keyIdHex();
    const rec = (seq: number, issuer: string, expiresAt = 5000) => ({ seq, spendId: bytesToHex(rand(32)), issuer, expiresAt, spentAt: 900 });
    const records = [rec(1, own), rec(2, 'ee'.repeat(32)), rec(3, partnerTicket.keyIdHex()), rec(4, own, 999)];
    expect(ledger.applyRemote(partner.publicKey, records, 1000)).toEqual({ applied: 2, conflicts: 0 });
    expect(ledger.pullCursor(partner.publicKey)).toBe(4);
    expect(ledger.applyRemote(partner.publicKey, records, 1000)).toEqual({ applied: 0, conflicts: 0 });
    expect(fx.store.totals().spent).toBe(2);
    expect(ledger.prune(6000)).toBe(2);
  });

  it('refuses bad arguments and unknown partners', () => {
    fx = relayFixture('ledger-args', today);
    const ledger = fx.ledger([partner]);
    expect(() => ledger.spendLocal(new Uint8Array(31), 'aa', 1, 1)).toThrow(InputError);
    expect(() => ledger.trust('ab'.repeat(32))).toThrow(InputError);
    expect(() => ledger.nextOutSeq('ab'.repeat(32), 1)).toThrow(InputError);
    expect(() => ledger.nextOutSeq(partner.publicKey, -1)).toThrow(InputError);
    expect([ledger.nextOutSeq(partner.publicKey, 0), ledger.nextOutSeq(partner.publicKey, 0)]).toEqual([1, 2]);
    expect(ledger.nextOutSeq(partner.publicKey, 1_000)).toBe(1_000);
    expect(ledger.nextOutSeq(partner.publicKey, 10)).toBe(1_001);
    expect(() => ledger.recordPaymentReceived(partner.publicKey, 9, 'x', 1)).toThrow(InputError);
    expect(() => ledger.recordInboundRequest(partner.publicKey, { type: 'payment_request', id: 1, issuer: 'ab', tickets: 1, firstSeq: 1, lastSeq: 1 }, 1)).toThrow(/not one of our/);
    expect(ledger.acceptInboundSeq(partner.publicKey, 5)).toBe(true);
    expect(ledger.acceptInboundSeq(partner.publicKey, 5)).toBe(false);
    expect(ledger.acceptInboundSeq(partner.publicKey, 6)).toBe(true);
  });
});
