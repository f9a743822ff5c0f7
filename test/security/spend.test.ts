import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTicket, infoForDay, signerCommit, signerRespond, ticketFromText, ticketToText, userBlind,
  userUnblind, utcDay, addDays, encodeTicket,
} from '../../src/core/tickets/index.js';
import { FIG1_PAID, fig1Tree, gatewayClasses } from '../../src/relay/gateway/classes.js';
import { Redeemer } from '../../src/relay/gateway/redeem.js';
import { startGateway, type GatewayHandle } from '../../src/relay/gateway/server.js';
import { SessionKey } from '../../src/relay/gateway/session-token.js';
import { base64urlToBytes, bytesToBase64url } from '../../src/core/util/bytes.js';
import { mintTicket, relayFixture, seededRandom, type RelayFixture } from '../gateway/fixtures.js';
import { get, startBackend, type Backend } from '../gateway/http.js';

/** Spending: one spend per (key, msg) whatever the encoding or signature; sessions cannot be forged or stretched. */
const today = utcDay(Date.now());
const rand = seededRandom('security/spend');
let relay: RelayFixture;
let backend: Backend;
let gw: GatewayHandle;
let offset = 0;
const sessionKey = new SessionKey(rand(32));
const auth = (params: string) => ({ authorization: `WorkpassTicket ${params}` });

beforeAll(async () => {
  relay = relayFixture('sec-spend', today);
  backend = await startBackend();
  gw = await startGateway({
    host: '127.0.0.1', port: 0, backend: `http://127.0.0.1:${backend.port}`,
    classes: gatewayClasses(fig1Tree(800), 'free', FIG1_PAID),
    redeemer: new Redeemer(relay.keyring, relay.ledger([])),
    sessionKey, sessionSeconds: 60,
    issuers: () => [{ issuer: relay.key.publicKey.keyIdHex() }],
    random: rand, now: () => Date.now() + offset, requestsPerSecond: 1000, redemptionsPerSecond: 1000,
  });
});
afterAll(async () => {
  await gw.close();
  await backend.close();
  relay.close();
});

/** A second, independent blind signature on the message of `text` (same x): another valid ticket. */
function resign(text: string): string {
  const t = ticketFromText(text);
  const info = infoForDay(t.day);
  const { state, commitment } = signerCommit(relay.key, info, rand);
  const blind = userBlind(relay.key.publicKey, info, t.msg, commitment, rand);
  const signature = userUnblind(blind.state, signerRespond(relay.key, state, blind.challenge));
  return ticketToText(createTicket({ keyId: t.keyId, day: t.day, x: t.x, signature }));
}

describe('spending', () => {
  it('a re-signed copy of a spent ticket (new signature, same key and x) is refused as spent', async () => {
    const text = mintTicket(relay.key, today, rand);
    const copy = resign(text);
    expect(copy).not.toBe(text);
    expect((await get(gw.address.port, '/', auth(`token="${text}"`))).status).toBe(200);
    const r = await get(gw.address.port, '/', auth(`token="${copy}"`));
    expect(r.status).toBe(401);
    expect(String(r.headers['www-authenticate'])).toContain('error="ticket_spent"');
  });

  it('a ticket moved to another day of the same key is refused (the day is signed)', async () => {
    const text = mintTicket(relay.key, today, rand);
    const bytes = encodeTicket(ticketFromText(text));
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    view.setUint32(33, view.getUint32(33) - 1);
    const r = await get(gw.address.port, '/', auth(`token="${bytesToBase64url(bytes)}"`));
    expect(r.status).toBe(401);
    expect((await get(gw.address.port, '/', auth(`token="${text}"`))).status).toBe(200);
  });

  it('a ticket with an expired session is refused before it is spent (it stays spendable)', async () => {
    const s = sessionKey.issue(0, Math.floor(Date.now() / 1000) - 1, rand(7));
    const text = mintTicket(relay.key, today, rand);
    const r = await get(gw.address.port, '/', auth(`token="${text}", session="${s}"`));
    expect(r.status).toBe(401);
    expect((await get(gw.address.port, '/', auth(`token="${text}"`))).status).toBe(200);
  });

  it('a session alone is never renewed, and no edit of its bytes is accepted', async () => {
    const ok = await get(gw.address.port, '/', auth(`token="${mintTicket(relay.key, today, rand)}"`));
    const token = /^([A-Za-z0-9_-]+);/.exec(String(ok.headers['workpass-session']))![1]!;
    const again = await get(gw.address.port, '/', auth(`session="${token}"`));
    expect(again.status).toBe(200);
    expect(again.headers['workpass-session']).toBeUndefined();
    const bytes = base64urlToBytes('t', token);
    for (const [i, v] of [[1, 1], [2, 0xff], [5, 0xff], [12, 1], [28, 1]] as const) {
      const b = bytes.slice();
      b[i] = b[i]! ^ v;
      expect((await get(gw.address.port, '/', auth(`session="${bytesToBase64url(b)}"`))).status).toBe(401);
    }
    offset = 61_000;
    try {
      expect((await get(gw.address.port, '/', auth(`session="${token}"`))).status).toBe(401);
    } finally {
      offset = 0;
    }
  });

  it('a key is taken only for the days it signed (retired key, later day)', () => {
    const ring = relay.keyring;
    const id = relay.key.keyId;
    expect(ring.lookup(id, today)).toBeDefined();
    expect(ring.lookup(id, addDays(today, -1))).toBeUndefined();
  });
});
