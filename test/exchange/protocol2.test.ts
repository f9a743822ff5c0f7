import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring, SigningKey, addDays, utcDay } from '../../src/core/tickets/index.js';
import { Store } from '../../src/relay/store/store.js';
import { Ledger } from '../../src/relay/exchange/ledger.js';
import { relaySpentStore } from '../../src/relay/exchange/spent.js';
import { ExchangeKey, HEADER_FROM, HEADER_SEQ, HEADER_SIGNATURE, HEADER_TIME } from '../../src/relay/exchange/envelope.js';
import { EXCHANGE_PATH, ExchangeService, startExchangeServer } from '../../src/relay/exchange/service.js';
import { ExchangeClient, ExchangeError } from '../../src/relay/exchange/client.js';
import type { PartnerConfig } from '../../src/relay/exchange/config.js';
import { encodeRequest, encodeResponse } from '../../src/relay/exchange/messages.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redeemer } from '../../src/relay/gateway/redeem.js';
import { mintTicket, seededRandom } from '../gateway/fixtures.js';

/**
 * Protocol 2 between two in-process relays over real HTTP on loopback: R2 is R1's backup (R1's
 * ticket key pinned in R2's keyring and partner config); each pins the other's exchange key.
 */
const today = utcDay(Date.now());
const rand = seededRandom('protocol2');
const k1 = SigningKey.generate(seededRandom('r1/ticket'));
const x1 = rand(32);
const x2 = rand(32);

interface Relay {
  readonly dir: string;
  store: Store;
  ledger: Ledger;
  redeemer: Redeemer;
  client: ExchangeClient;
  url: string;
  close(): Promise<void>;
}

const open: Relay[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) await r.close();
});

async function startRelay(name: 'r1' | 'r2', dir: string, partner: Omit<PartnerConfig, 'url'>, peerUrl: () => string): Promise<Relay> {
  const key = new ExchangeKey(name === 'r1' ? x1 : x2);
  const keyring = new Keyring();
  const own = name === 'r1' ? k1 : SigningKey.generate(seededRandom('r2/ticket'));
  keyring.rotate(own, today);
  if (name === 'r2') keyring.addPublic(k1.publicKey, addDays(today, -3), addDays(today, 3));
  const store = new Store(dir);
  // The partner's URL is known only once it listens; the ledger reads it at sync time.
  const cfg = { ...partner, get url() { return peerUrl(); } } as PartnerConfig;
  const ledger = new Ledger(store.db, relaySpentStore(store), [cfg], (issuer) => issuer === own.publicKey.keyIdHex());
  const server = await startExchangeServer(new ExchangeService({ key, ledger }), '127.0.0.1', 0);
  const relay: Relay = {
    dir,
    store,
    ledger,
    redeemer: new Redeemer(keyring, ledger),
    client: new ExchangeClient(key, ledger),
    url: `http://127.0.0.1:${server.address.port}`,
    close: async () => {
      await relay.client.stop();
      await server.close();
      store.close();
    },
  };
  open.push(relay);
  return relay;
}

async function pair(opts: { trustLimit?: number; paymentEvery?: number } = {}) {
  const d1 = mkdtempSync(join(tmpdir(), 'workpass-r1-'));
  const d2 = mkdtempSync(join(tmpdir(), 'workpass-r2-'));
  const pk1 = new ExchangeKey(x1).publicKey;
  const pk2 = new ExchangeKey(x2).publicKey;
  const ref = { r1: '', r2: '' };
  const r1partner = { publicKey: pk2, ticketKeys: [], trustLimit: 100, paymentEvery: 10 };
  const r2partner = { publicKey: pk1, ticketKeys: [{ keyId: k1.publicKey.keyIdHex(), publicKey: k1.publicKey }], trustLimit: opts.trustLimit ?? 100, paymentEvery: opts.paymentEvery ?? 10 };
  const r1 = await startRelay('r1', d1, r1partner, () => ref.r2);
  const r2 = await startRelay('r2', d2, r2partner, () => ref.r1);
  ref.r1 = r1.url;
  ref.r2 = r2.url;
  const cleanup = () => {
    rmSync(d1, { recursive: true, force: true });
    rmSync(d2, { recursive: true, force: true });
  };
  const restart = async (which: 'r1' | 'r2') => {
    const old = which === 'r1' ? r1 : r2;
    await old.close();
    open.splice(open.indexOf(old), 1);
    const fresh = which === 'r1' ? await startRelay('r1', d1, r1partner, () => ref.r2) : await startRelay('r2', d2, r2partner, () => ref.r1);
    ref[which] = fresh.url;
    return fresh;
  };
  return { r1, r2, pk1, pk2, cleanup, restart, r1partner: { ...r1partner, get url() { return ref.r2; } }, r2partner: { ...r2partner, get url() { return ref.r1; } } };
}

const t1 = () => mintTicket(k1, today, rand);
const now = () => Date.now();

describe('Protocol 2: ticket exchange between partner relays', () => {
  it('R2 takes R1 tickets; after sync R1 refuses a ticket spent at R2, and the other way round', async () => {
    const { r1, r2, pk1, pk2, cleanup, r1partner, r2partner } = await pair();
    try {
      const a = t1();
      const b = t1();
      expect(r2.redeemer.redeem(a, now()).ok).toBe(true);
      expect(r1.redeemer.redeem(b, now()).ok).toBe(true);
      expect(await r1.client.syncOnce(r1partner)).toMatchObject({ pulled: 1, applied: 1, conflicts: 0 });
      expect(await r2.client.syncOnce(r2partner)).toMatchObject({ pulled: 1, applied: 1, conflicts: 0 });
      expect(r1.redeemer.redeem(a, now())).toMatchObject({ ok: false, error: 'ticket_spent' });
      expect(r2.redeemer.redeem(b, now())).toMatchObject({ ok: false, error: 'ticket_spent' });
      // Idempotent: syncing again pulls nothing new and changes nothing.
      expect(await r1.client.syncOnce(r1partner)).toMatchObject({ pulled: 0, applied: 0 });
      expect(r2.ledger.trust(pk1)).toMatchObject({ served: 1, conflicts: 0, unpaid: 1, accepting: true });
      expect(r1.ledger.conflictCount(pk2)).toBe(0);
    } finally {
      cleanup();
    }
  });

  it('R2 sends PAYMENT_REQUEST every N served tickets (recorded on both sides) and stops at the trust limit', async () => {
    const { r1, r2, pk1, pk2, cleanup, r1partner, r2partner } = await pair({ trustLimit: 5, paymentEvery: 3 });
    try {
      for (let i = 0; i < 5; i++) expect(r2.redeemer.redeem(t1(), now()).ok).toBe(true);
      expect(r2.redeemer.redeem(t1(), now())).toMatchObject({ ok: false, error: 'issuer_untrusted' });
      expect(r2.ledger.trust(pk1)).toMatchObject({ served: 5, unpaid: 5, accepting: false });
      const out = r2.ledger.payments(pk1);
      expect(out).toMatchObject([{ direction: 'out', id: 1, tickets: 3, firstSeq: 1, lastSeq: 3, delivered: false }]);

      await r1.client.syncOnce(r1partner);
      expect(await r2.client.syncOnce(r2partner)).toMatchObject({ requestsDelivered: 1 });
      expect(r2.ledger.payments(pk1)[0]!.delivered).toBe(true);
      expect(r1.ledger.payments(pk2)).toMatchObject([{ direction: 'in', id: 1, tickets: 3, matched: 3, paidReference: null }]);

      // R1 pays (its operator sends coins) and the notice reaches R2 at the next sync.
      expect(r1.ledger.settle(pk2, 1, 'txid:00ff', Math.floor(now() / 1000))).toBe(true);
      expect(r1.ledger.settle(pk2, 1, 'txid:00ff', Math.floor(now() / 1000))).toBe(false);
      expect(await r1.client.syncOnce(r1partner)).toMatchObject({ paymentsDelivered: 1 });
      expect(r2.ledger.trust(pk1)).toMatchObject({ served: 5, paid: 3, unpaid: 2, accepting: true });
      expect(r2.redeemer.redeem(t1(), now()).ok).toBe(true);
      expect(await r1.client.syncOnce(r1partner)).toMatchObject({ paymentsDelivered: 0 });
      expect(r2.ledger.trust(pk1).paid).toBe(3);
    } finally {
      cleanup();
    }
  });

  it('a ticket spent at both during a partition is detected at sync and charged against R1', async () => {
    const { r1, r2, pk1, pk2, cleanup, r1partner, r2partner } = await pair();
    try {
      const t = t1();
      expect(r1.redeemer.redeem(t, now()).ok).toBe(true);
      expect(r2.redeemer.redeem(t, now()).ok).toBe(true);
      expect(await r2.client.syncOnce(r2partner)).toMatchObject({ pulled: 1, applied: 0, conflicts: 1 });
      expect(await r1.client.syncOnce(r1partner)).toMatchObject({ pulled: 1, applied: 0, conflicts: 1 });
      expect(r2.ledger.trust(pk1)).toMatchObject({ served: 1, conflicts: 1, unpaid: 2 });
      expect(r1.ledger.conflictCount(pk2)).toBe(1);
      // Found once, charged once.
      await r2.client.syncOnce(r2partner);
      expect(r2.ledger.trust(pk1).conflicts).toBe(1);
    } finally {
      cleanup();
    }
  });

  it('resumes from its cursor after either relay was offline', async () => {
    const p = await pair();
    let { r1, r2 } = p;
    try {
      for (let i = 0; i < 4; i++) r2.redeemer.redeem(t1(), now());
      expect(await r1.client.syncOnce(p.r1partner)).toMatchObject({ pulled: 4 });
      r2 = await p.restart('r2');
      for (let i = 0; i < 3; i++) r2.redeemer.redeem(t1(), now());
      r1 = await p.restart('r1');
      expect(r1.ledger.pullCursor(p.pk2)).toBe(4);
      expect(await r1.client.syncOnce(p.r1partner)).toMatchObject({ pulled: 3, applied: 3 });
      // A relay that is down makes sync fail cleanly; the next round picks up.
      await r2.close();
      open.splice(open.indexOf(r2), 1);
      await expect(r1.client.syncOnce(p.r1partner)).rejects.toThrow();
      open.push(r2);
      r2 = await p.restart('r2');
      r2.redeemer.redeem(t1(), now());
      expect(await r1.client.syncOnce(p.r1partner)).toMatchObject({ pulled: 1 });
    } finally {
      p.cleanup();
    }
  });

  it('authenticates partners: unknown key 403, replay 409, tampered body 401, forged response refused', async () => {
    const { r1, r2, pk2, cleanup, r1partner } = await pair();
    try {
      const body = encodeRequest({ type: 'spent_query', after: 0, limit: 10 });
      const post = (key: ExchangeKey, seq: number, b: Uint8Array = body, sent: Uint8Array = b) => {
        const auth = key.signRequest(pk2, seq, Math.floor(now() / 1000), b);
        return fetch(r2.url + EXCHANGE_PATH, {
          method: 'POST',
          headers: { [HEADER_FROM]: auth.from, [HEADER_SEQ]: String(auth.seq), [HEADER_TIME]: String(auth.time), [HEADER_SIGNATURE]: auth.signature },
          body: Buffer.from(sent),
        });
      };
      expect((await post(new ExchangeKey(rand(32)), 1)).status).toBe(403);
      const me = new ExchangeKey(x1);
      expect((await post(me, 1000)).status).toBe(200);
      expect((await post(me, 1000)).status).toBe(409);
      expect((await post(me, 999)).status).toBe(409);
      expect((await post(me, 1001, body, encodeRequest({ type: 'spent_query', after: 5, limit: 10 }))).status).toBe(401);
      expect((await fetch(r2.url + EXCHANGE_PATH, { method: 'POST', body: '{}' })).status).toBe(401);
      expect((await fetch(r2.url + '/other', { method: 'POST', body: '{}' })).status).toBe(404);
      expect((await post(me, 1002, new Uint8Array(20_000))).status).toBe(413);
      const garbage = new TextEncoder().encode('{"type":"spent_query","after":-1,"limit":10}');
      expect((await post(me, 1003, garbage)).status).toBe(400);
      // A well-formed request the ledger refuses: a payment for a request that does not exist.
      const unknown = encodeRequest({ type: 'payment', id: 77, reference: 'tx' });
      expect((await post(me, 1004, unknown)).status).toBe(422);
      expect(r2.ledger.trust(new ExchangeKey(x1).publicKey).paid).toBe(0);
      // An impostor at the partner's address, signing with another key: R1 refuses its answers.
      const impostorKey = new ExchangeKey(rand(32));
      const impostor = createServer((req, res) => {
        const out = encodeResponse({ type: 'spent_records', records: [], more: false });
        const reqSig = String(req.headers[HEADER_SIGNATURE]);
        res.writeHead(200, { [HEADER_SIGNATURE]: impostorKey.signResponse(reqSig, 200, out) }).end(Buffer.from(out));
      });
      await new Promise<void>((r) => impostor.listen(0, '127.0.0.1', () => r()));
      try {
        const url = `http://127.0.0.1:${(impostor.address() as AddressInfo).port}`;
        await expect(r1.client.request({ ...r1partner, url }, { type: 'spent_query', after: 0, limit: 1 })).rejects.toThrow(ExchangeError);
        await expect(r1.client.request({ ...r1partner, url }, { type: 'spent_query', after: 0, limit: 1 })).rejects.toThrow(/unauthenticated response/);
      } finally {
        impostor.close();
      }
    } finally {
      cleanup();
    }
  });
});
