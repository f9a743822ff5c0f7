import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signDescriptor, type Descriptor } from '../../src/core/protocol/descriptor.js';
import { DAY_MS, SigningKey, addDays, startOfDay } from '../../src/core/tickets/index.js';
import { bytesToHex } from '../../src/core/util/bytes.js';
import { ExchangeKey } from '../../src/relay/exchange/envelope.js';
import type { PartnerConfig } from '../../src/relay/exchange/config.js';
import { MAX_PARTNER_GRACE_MS, PartnerKeys, type MetaStore } from '../../src/relay/exchange/partner-keys.js';
import { mintTicket, seededRandom } from '../gateway/fixtures.js';
import { startBackend, type Backend } from '../gateway/http.js';
import { descriptorOf, errorOf, freePort, startNode, type NodeOptions, type ServicesNode } from '../gateway/services-fixture.js';

/**
 * A partner's pinned ticket keys take tickets only of the days the partner's signed descriptor
 * lists for them, for the partner's graceHours. R1 issues (key K1 for days D..D+2, 96 h grace);
 * R2 (48 h grace for its own tickets) pins K1 and learns R1's descriptor over Protocol 2.
 */
const D = '2026-11-20';
const H = 3_600_000;
const endOfD = startOfDay(D) + DAY_MS;
const rand = seededRandom('partner-keys');
const k1 = SigningKey.generate(seededRandom('partner-keys/k1'));
const k2 = SigningKey.generate(seededRandom('partner-keys/k2'));
const s1 = seededRandom('partner-keys/x1')(32);
const s2 = seededRandom('partner-keys/x2')(32);
const pk1 = new ExchangeKey(s1).publicKey;
const pk2 = new ExchangeKey(s2).publicKey;
let clock = startOfDay(D) + 12 * H;
const now = () => clock;

const pinned = (url: string): PartnerConfig => ({ publicKey: pk1, url, ticketKeys: [{ keyId: k1.publicKey.keyIdHex(), publicKey: k1.publicKey }], trustLimit: 100, paymentEvery: 10 });
const r1Options = (backendPort: number, exchangePort: number): NodeOptions => ({
  name: 'r1', key: k1, firstDay: D, lastDay: addDays(D, 2), graceMs: 96 * H, backendPort, now, secret: s1, exchangePort,
  partners: [{ publicKey: pk2, url: 'http://127.0.0.1:1', ticketKeys: [], trustLimit: 100, paymentEvery: 10 }],
});

let backend: Backend;
const nodes: ServicesNode[] = [];
beforeAll(async () => {
  backend = await startBackend();
});
afterEach(async () => {
  for (const n of nodes.splice(0)) await n.close();
});
afterAll(async () => {
  await backend.close();
});

/** R2 first (its start-up sync finds R1 down and is awaited), then R1: no sync runs unless the test asks. */
async function pair(r1Descriptor?: () => Descriptor) {
  const port1 = await freePort();
  const r2 = await startNode({ name: 'r2', key: k2, firstDay: D, lastDay: addDays(D, 6), graceMs: 48 * H, backendPort: backend.port, now, secret: s2, partners: [pinned(`http://127.0.0.1:${port1}`)] });
  nodes.push(r2);
  const cfg = r2.services.ledger.partner(pk1)!;
  await expect(r2.services.exchangeClient!.syncOnce(cfg)).rejects.toThrow();
  const r1 = await startNode({ ...r1Options(backend.port, port1), ...(r1Descriptor === undefined ? {} : { descriptor: r1Descriptor }) });
  nodes.push(r1);
  await r1.services.exchangeClient!.syncOnce(r1.services.ledger.partner(pk2)!).catch(() => undefined);
  const sync = () => r2.services.exchangeClient!.syncOnce(cfg);
  return { r1, r2, sync };
}

const count = (n: ServicesNode, table: 'spent' | 'exchange_log') => (n.store.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('pinned partner ticket keys at the gateway', () => {
  it('refuses them until the partner\'s signed descriptor arrives, then only for the days it lists', async () => {
    clock = startOfDay(D) + 12 * H;
    const { r2, sync } = await pair();
    const refusedUnrecorded = async (ticket: string) => {
      const r = await r2.spend(ticket);
      expect(r.status).toBe(401);
      // The same error a foreign key's ticket gets.
      expect(errorOf(r)).toBe('unknown_issuer');
    };
    await refusedUnrecorded(mintTicket(k1, D, rand));
    expect(errorOf(await r2.spend(mintTicket(SigningKey.generate(rand), D, rand)))).toBe('unknown_issuer');
    expect([count(r2, 'spent'), count(r2, 'exchange_log'), r2.services.ledger.trust(pk1).served]).toEqual([0, 0, 0]);

    expect(await sync()).toMatchObject({ descriptor: true });
    expect(r2.services.partnerKeys.window(k1.publicKey.keyIdHex())).toMatchObject({ firstDay: D, lastDay: addDays(D, 2), graceMs: 96 * H });
    expect((await r2.spend(mintTicket(k1, D, rand))).status).toBe(200);
    // A day before the key's first day.
    clock = startOfDay(D) + 12 * H;
    await refusedUnrecorded(mintTicket(k1, addDays(D, -1), rand));
    // The key's last day is still good; the day after is not.
    clock = startOfDay(addDays(D, 2)) + 12 * H;
    expect((await r2.spend(mintTicket(k1, addDays(D, 2), rand))).status).toBe(200);
    clock = startOfDay(addDays(D, 3)) + 12 * H;
    await refusedUnrecorded(mintTicket(k1, addDays(D, 3), rand));
    expect([count(r2, 'spent'), count(r2, 'exchange_log'), r2.services.ledger.trust(pk1).served]).toEqual([2, 2, 2]);
  });

  it('takes the partner\'s tickets for the partner\'s graceHours and keeps their spends past pruning', async () => {
    clock = startOfDay(D) + 12 * H;
    const { r2, sync } = await pair();
    await sync();
    const t = mintTicket(k1, D, rand);
    expect((await r2.spend(t)).status).toBe(200);
    // Past R2's own 48 h, within R1's 96 h.
    clock = endOfD + 60 * H;
    r2.store.prune(clock, 0);
    expect(errorOf(await r2.spend(t))).toBe('ticket_spent');
    expect((await r2.spend(mintTicket(k1, D, rand))).status).toBe(200);
    clock = endOfD + 96 * H;
    expect(errorOf(await r2.spend(t))).toBe('ticket_expired');
    // R2's own tickets keep R2's 48 h.
    clock = endOfD + 47 * H;
    expect((await r2.spend(mintTicket(k2, D, rand))).status).toBe(200);
    clock = endOfD + 48 * H;
    expect(errorOf(await r2.spend(mintTicket(k2, D, rand)))).toBe('ticket_expired');
  });

  it('a descriptor not signed by the pinned key fails the sync (after the log pull) and opens no key', async () => {
    clock = startOfDay(D) + 12 * H;
    const other = descriptorOf({ ...r1Options(1, 1), secret: s2 });
    const { r1, r2, sync } = await pair(() => other);
    expect((await r1.spend(mintTicket(k1, D, rand))).status).toBe(200);
    await expect(sync()).rejects.toThrow(/pinned key/);
    expect(r2.services.ledger.pullCursor(pk1)).toBe(1);
    expect(r2.services.partnerKeys.windows()).toEqual([]);
    expect(errorOf(await r2.spend(mintTicket(k1, D, rand)))).toBe('unknown_issuer');
  });

  it('keeps a spend a partner reported as long as the ticket verifies here, whatever expiry the partner counted', async () => {
    clock = startOfDay(D) + 12 * H;
    const { r1 } = await pair();
    const t = mintTicket(k1, D, rand);
    const spendId = await spendIdAt(t);
    // The partner counted a 48 h grace for R1's ticket; R1 takes its own tickets for 96 h.
    const nowS = Math.floor(clock / 1000);
    const record = { seq: 1, spendId, issuer: k1.publicKey.keyIdHex(), expiresAt: Math.ceil((endOfD + 48 * H) / 1000), spentAt: nowS };
    expect(r1.services.ledger.applyRemote(pk2, [record], nowS)).toEqual({ applied: 1, conflicts: 0 });
    clock = endOfD + 60 * H;
    r1.store.prune(clock, 0);
    r1.services.ledger.prune(Math.floor(clock / 1000));
    expect(errorOf(await r1.spend(t))).toBe('ticket_spent');
  });
});

/** The spend id of a ticket, as the gateway logs it (spend it at a throwaway node, read its log). */
async function spendIdAt(ticket: string): Promise<string> {
  const port = await freePort();
  const probe = await startNode({ ...r1Options(backend.port, port), partners: [] });
  try {
    expect((await probe.spend(ticket)).status).toBe(200);
    return bytesToHex(new Uint8Array((probe.store.db.prepare('SELECT spend_id AS id FROM exchange_log').get() as { id: Buffer }).id));
  } finally {
    await probe.close();
  }
}

describe('PartnerKeys', () => {
  const meta = (): MetaStore & { kept: Map<string, string> } => {
    const kept = new Map<string, string>();
    return { kept, meta: (n) => kept.get(n), setMeta: (n, v) => void kept.set(n, v) };
  };
  const cfg = pinned('http://127.0.0.1:1');
  const o = r1Options(1, 1);
  /** A descriptor's body, to re-sign with changes. */
  const bodyOf = (d: Descriptor) => ({ version: d.version, name: d.name, fingerprint: d.fingerprint, published: d.published, endpoints: d.endpoints, algorithms: d.algorithms, tickets: d.tickets, partners: d.partners });
  const signed = (over: { published?: number; graceHours?: number; lastDay?: string; secret?: Uint8Array } = {}): Descriptor => {
    const d = descriptorOf(o);
    const body = bodyOf(d);
    const key = { ...d.tickets.keys[0]!, ...(over.lastDay === undefined ? {} : { lastDay: over.lastDay }) };
    return signDescriptor({ ...body, published: over.published ?? d.published, tickets: { ...d.tickets, graceHours: over.graceHours ?? d.tickets.graceHours, keys: [key] } }, over.secret ?? s1);
  };
  const id = k1.publicKey.keyId;

  it('takes a descriptor signed by the pinned key, newest first, and reloads it from the store', () => {
    clock = startOfDay(D);
    const store = meta();
    const keys = new PartnerKeys([cfg], store);
    expect(keys.lookup(id, D)).toBeUndefined();
    expect(keys.update(pk1, signed({ published: 2000 }))).toBe('taken');
    expect(keys.lookup(id, D)?.equals(k1.publicKey)).toBe(true);
    expect(keys.lookup(id, addDays(D, 3))).toBeUndefined();
    expect(keys.update(pk1, signed({ published: 1000, lastDay: addDays(D, 9) }))).toBe('stale');
    expect(keys.lookup(id, addDays(D, 3))).toBeUndefined();
    const again = new PartnerKeys([cfg], store);
    expect(again.window(k1.publicKey.keyIdHex())).toMatchObject({ firstDay: D, lastDay: addDays(D, 2), graceMs: 96 * H });
    // A newer descriptor that no longer lists the key closes it.
    const body = bodyOf(signed({ published: 3000 }));
    expect(again.update(pk1, signDescriptor({ ...body, tickets: { ...body.tickets, keys: [] } }, s1))).toBe('taken');
    expect(again.lookup(id, D)).toBeUndefined();
  });

  it('refuses descriptors not signed by the pinned key, tampered or malformed, and caps the grace', () => {
    const store = meta();
    const keys = new PartnerKeys([cfg], store);
    expect(keys.update(pk1, signed({ secret: s2 }))).toBe('refused');
    const good = signed();
    expect(keys.update(pk1, { ...good, tickets: { ...good.tickets, graceHours: 1000 } })).toBe('refused');
    for (const bad of [null, 1, 'x', [], {}, { ...good, signature: 'AA' }]) expect(keys.update(pk1, bad)).toBe('refused');
    expect(store.kept.size).toBe(0);
    expect(keys.lookup(id, D)).toBeUndefined();
    expect(() => keys.update(pk2, good)).toThrow(/partner/);
    // A damaged kept value is ignored.
    store.kept.set(`exchange.descriptor.${pk1}`, '{');
    expect(new PartnerKeys([cfg], store).windows()).toEqual([]);
    expect(keys.update(pk1, signed({ graceHours: 10_000 }))).toBe('taken');
    expect(keys.window(k1.publicKey.keyIdHex())!.graceMs).toBe(MAX_PARTNER_GRACE_MS);
  });
});
