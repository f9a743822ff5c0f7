import { afterEach, describe, expect, it } from 'vitest';
import { Keyring, PublicKey, SigningKey } from '../../src/core/tickets/keys.js';
import { verifyTicket } from '../../src/core/tickets/ticket.js';
import { relayEntry } from '../../src/extension/store/settings.js';
import type { MiningStatus } from '../../src/extension/store/status.js';
import type { Wallet } from '../../src/extension/store/wallet.js';
import { FakeRelay, testDescriptor, TICKET_KEY } from './fakes.js';
import { setup, until } from './harness.js';

let stopMiner: (() => Promise<void>) | null = null;
afterEach(async () => {
  await stopMiner?.();
  stopMiner = null;
});

function ring(): Keyring {
  const r = new Keyring();
  r.addPublic(PublicKey.fromText(TICKET_KEY.publicKey.toText()), '2000-01-01', '9999-12-31');
  return r;
}

describe('tickets from the fake relay', () => {
  it('collects verified tickets into the wallet as credit accrues, with nothing left pending', async () => {
    const relay = new FakeRelay({ price: 2 });
    const t = setup(relay);
    stopMiner = () => t.miner.stop();
    await t.ready;
    await t.miner.apply();
    const w = await until(() => t.wallet.get(), (v: Wallet) => v.tickets.length >= 2);
    await t.miner.stop();
    const final = await t.wallet.get();
    expect(final.pending).toEqual([]);
    expect(final.tickets.length).toBe(relay.signs);
    for (const ticket of w.tickets) {
      expect(ticket.relay).toBe('ws://relay.test/mine');
      expect(verifyTicket(ticket.text, ring(), Date.now()).ok).toBe(true);
      expect(ticket.expiresAt).toBeGreaterThan(Date.now());
    }
    expect(new Set(w.tickets.map((x) => x.text)).size).toBe(w.tickets.length);
    expect((await t.status.get()).tickets).toBeGreaterThanOrEqual(2);
  });

  it('finishes an issuance whose reply was lost, on the next connection, without paying twice', async () => {
    const relay = new FakeRelay({ price: 2 });
    relay.dropSignReplies = 1;
    const t = setup(relay);
    stopMiner = () => t.miner.stop();
    await t.ready;
    await t.miner.apply();
    // Before the reply was lost, the pending issuance had been written.
    await until(() => Promise.resolve(relay.connections), (n) => n >= 2);
    const w = await until(() => t.wallet.get(), (v: Wallet) => v.tickets.length >= 1);
    await t.miner.stop();
    const firstSid = [...relay.signing.keys()][0]!;
    expect(relay.signing.get(firstSid)!.answer).not.toBeNull();
    // The relay signed once per stored ticket: the lost reply was fetched again, not bought again.
    const final = await t.wallet.get();
    expect(final.tickets.length).toBe(relay.signs);
    expect(final.pending).toEqual([]);
    expect(w.tickets.every((x) => verifyTicket(x.text, ring(), Date.now()).ok)).toBe(true);
    // The lost ticket was fetched on a connection of its own; no mining session saw another's token.
    const first = relay.log[0]!;
    expect(relay.log.some((c) => c.methods.length > 0 && c.methods.every((m) => m === 'ticket.sign') && c.tokens.has(first.own))).toBe(true);
    for (const c of relay.log.filter((x) => x.methods.includes('mining.subscribe'))) expect([...c.tokens]).toEqual([c.own]);
  });

  it('refuses a ticket whose blind signature does not verify, and says so', async () => {
    const relay = new FakeRelay({ price: 2, corruptSign: true });
    const t = setup(relay);
    stopMiner = () => t.miner.stop();
    await t.ready;
    await t.miner.apply();
    const s = await until(() => t.status.get(), (v: MiningStatus) => /ticket rejected/.test(v.error ?? ''));
    expect(s.tickets).toBe(0);
    await t.miner.stop();
    const w = await t.wallet.get();
    expect(w.tickets).toEqual([]);
    expect(w.pending).toEqual([]);
  });

  it('refuses a relay that signs with a key its descriptor does not publish', async () => {
    const relay = new FakeRelay({ price: 2, ticketKey: SigningKey.fromBytes(Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 9 : 0))) });
    const t = setup(relay);
    stopMiner = () => t.miner.stop();
    await t.ready;
    await t.miner.apply();
    const s = await until(() => t.status.get(), (v: MiningStatus) => /does not publish|no refresh/.test(v.error ?? ''));
    expect(s.tickets).toBe(0);
    expect((await t.wallet.get()).pending).toEqual([]);
    expect(relay.signs).toBe(0);
  });

  it('refuses a relay that publishes more than two ticket keys for one day (clients could be told apart)', async () => {
    const extra = [9, 13].map((b) => SigningKey.fromBytes(Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? b : 0))));
    const relay = new FakeRelay({ price: 2 });
    const descriptor = testDescriptor('ws://relay.test/mine', 1, [TICKET_KEY, ...extra]);
    const t = setup(relay, { relays: [relayEntry('http://relay.test/.well-known/workpass/descriptor.json', descriptor)] });
    stopMiner = () => t.miner.stop();
    await t.ready;
    await t.miner.apply();
    const s = await until(() => t.status.get(), (v: MiningStatus) => /ticket keys for/.test(v.error ?? ''));
    expect(s.tickets).toBe(0);
    expect(relay.signs).toBe(0);
  });

  it('asks for no ticket in donation mode', async () => {
    const relay = new FakeRelay({ price: 1 });
    const t = setup(relay, { donationOnly: true });
    stopMiner = () => t.miner.stop();
    await t.ready;
    await t.miner.apply();
    await until(() => t.status.get(), (v: MiningStatus) => v.accepted >= 3);
    await t.miner.stop();
    expect(relay.signing.size).toBe(0);
    expect((await t.wallet.get()).tickets).toEqual([]);
  });

  it('fetches the descriptor again when the relay signs with a newer key, then verifies with it', async () => {
    const newKey = SigningKey.fromBytes(Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 11 : 0)));
    const relay = new FakeRelay({ price: 2, ticketKey: newKey });
    let refreshed = 0;
    const t = setup(relay, {}, async (endpoint) => {
      refreshed++;
      return testDescriptor(endpoint, 1, [TICKET_KEY, newKey]);
    });
    stopMiner = () => t.miner.stop();
    await t.ready;
    await t.miner.apply();
    const w = await until(() => t.wallet.get(), (v: Wallet) => v.tickets.length >= 1);
    expect(refreshed).toBeGreaterThanOrEqual(1);
    const r = new Keyring();
    r.addPublic(PublicKey.fromText(newKey.publicKey.toText()), '2000-01-01', '9999-12-31');
    expect(verifyTicket(w.tickets[0]!.text, r, Date.now()).ok).toBe(true);
  });
});
