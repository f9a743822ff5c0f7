import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { userBlind, userUnblind, signerCommit, signerRespond } from '../../src/core/tickets/abe-okamoto.js';
import { infoForDay, utcDay } from '../../src/core/tickets/day.js';
import { createTicket, newTicketSecret, ticketToText } from '../../src/core/tickets/ticket.js';
import { summarize } from '../../src/extension/store/wallet-summary.js';
import {
  emptyWallet, parseWallet, pruned, withoutPending, withPending, withTicket, type PendingIssue, type StoredTicket,
} from '../../src/extension/store/wallet.js';
import { counterRandom, TICKET_KEY } from './fakes.js';

function ticket(relay: string, expiresAt: number, seed: number): StoredTicket {
  const rand = counterRandom(seed);
  const day = utcDay(Date.now());
  const info = infoForDay(day);
  const { x, msg } = newTicketSecret(rand);
  const { state: ss, commitment } = signerCommit(TICKET_KEY, info, rand);
  const { challenge, state } = userBlind(TICKET_KEY.publicKey, info, msg, commitment, rand);
  const signature = userUnblind(state, signerRespond(TICKET_KEY, ss, challenge));
  const t = createTicket({ keyId: TICKET_KEY.keyId, day, x, signature });
  return { relay, text: ticketToText(t), day, keyId: TICKET_KEY.publicKey.keyIdHex(), expiresAt };
}

const PENDING: PendingIssue = {
  relay: 'ws://relay.test/a', token: 'AAAAAAAAAAAAAAAAAAAAAA', sid: '0'.repeat(31) + '1', keyId: 'ab'.repeat(32), day: '2026-12-01',
  x: 'A'.repeat(43), e: 'B'.repeat(43), t: ['C'.repeat(43), 'D'.repeat(43), 'E'.repeat(43), 'F'.repeat(43)], createdAt: 1000,
};

describe('wallet', () => {
  const now = Date.now();
  const t1 = ticket('ws://relay.test/a', now + 1000, 1);
  const t2 = ticket('ws://relay.test/a', now + 5000, 2);
  const t3 = ticket('ws://relay.test/b', now - 1, 3);

  it('round-trips through parseWallet', () => {
    const w = withTicket(withPending(emptyWallet(), PENDING), t1, 'other');
    expect(parseWallet(structuredClone(w))).toEqual(w);
  });

  it('drops entries that do not parse, keeps the rest', () => {
    // x changed: H(x) no longer matches the signed message.
    const tampered = { ...t2, text: t2.text.slice(0, 60) + (t2.text[60] === 'A' ? 'B' : 'A') + t2.text.slice(61) };
    const w = parseWallet({ version: 1, tickets: [t1, tampered, { ...t1, day: '2020-01-01' }, 'x', null], pending: [PENDING, { ...PENDING, e: 'short' }] });
    expect(w?.tickets).toEqual([t1]);
    expect(w?.pending).toEqual([PENDING]);
    expect(parseWallet({ version: 2, tickets: [], pending: [] })).toBeNull();
  });

  it('never throws on arbitrary JSON', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      parseWallet(v);
      parseWallet({ version: 1, tickets: [v], pending: [v] });
    }));
  });

  it('stores a ticket and drops its pending issuance in one step, without duplicates', () => {
    let w = withPending(emptyWallet(), PENDING);
    w = withTicket(w, t1, PENDING.sid);
    expect(w.pending).toEqual([]);
    expect(withTicket(w, t1, PENDING.sid).tickets).toEqual([t1]);
    expect(withoutPending(withPending(emptyWallet(), PENDING), PENDING.sid).pending).toEqual([]);
  });

  it('prunes expired tickets and old pending issuances; summarizes per relay', () => {
    const w = { version: 1 as const, tickets: [t1, t2, t3], pending: [PENDING] };
    const p = pruned(w, now);
    expect(p.tickets).toEqual([t1, t2]);
    expect(p.pending).toEqual([]);
    expect(summarize(w, now)).toEqual({ relays: [{ relay: 'ws://relay.test/a', tickets: 2, nextExpiry: now + 1000 }], pending: 1 });
  });
});
