import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SigningKey, addDays, utcDay } from '../../src/core/tickets/index.js';
import { parseAuthParams } from '../../src/relay/gateway/auth-scheme.js';
import { FIG1_PAID, fig1Tree, gatewayClasses } from '../../src/relay/gateway/classes.js';
import { Redeemer } from '../../src/relay/gateway/redeem.js';
import { startGateway, type GatewayHandle } from '../../src/relay/gateway/server.js';
import { SessionKey } from '../../src/relay/gateway/session-token.js';
import { mintTicket, relayFixture, seededRandom, type RelayFixture } from './fixtures.js';
import { get, startBackend, type Backend } from './http.js';

const today = utcDay(Date.now());
let relay: RelayFixture;
let backend: Backend;
let gw: GatewayHandle;
let nowOffsetMs = 0;
const rand = seededRandom('gateway-test');
const ticket = () => mintTicket(relay.key, today, rand);
const auth = (params: string) => ({ authorization: `WorkpassTicket ${params}` });

function challengeOf(header: string | undefined): Map<string, string> {
  expect(header).toBeDefined();
  expect(header!.startsWith('WorkpassTicket ')).toBe(true);
  return parseAuthParams(header!.slice('WorkpassTicket '.length));
}

function sessionOf(header: string | string[] | undefined): { token: string; maxAge: string; cls: string } {
  const m = /^([A-Za-z0-9_-]+); max-age=(\d+); class=([\w-]+)$/.exec(String(header));
  expect(m).not.toBeNull();
  return { token: m![1]!, maxAge: m![2]!, cls: m![3]! };
}

beforeAll(async () => {
  relay = relayFixture('gw', today);
  backend = await startBackend();
  gw = await startGateway({
    host: '127.0.0.1',
    port: 0,
    backend: `http://127.0.0.1:${backend.port}`,
    classes: gatewayClasses(fig1Tree(800), 'free', FIG1_PAID),
    redeemer: new Redeemer(relay.keyring, relay.ledger([])),
    sessionKey: new SessionKey(rand(32)),
    sessionSeconds: 60,
    issuers: () => [{ issuer: relay.key.publicKey.keyIdHex(), descriptor: 'http://relay.example/descriptor' }],
    random: rand,
    now: () => Date.now() + nowOffsetMs,
    requestsPerSecond: 1000,
    redemptionsPerSecond: 1000,
  });
});

afterAll(async () => {
  await gw.close();
  await backend.close();
  relay.close();
});

describe('gateway', () => {
  it('serves a request without credentials in the free class, with a challenge', async () => {
    const r = await get(gw.address.port, '/hello');
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe('path /hello');
    expect(r.headers['x-backend']).toBe('yes');
    expect(r.headers['workpass-class']).toBe('free');
    const c = challengeOf(r.headers['www-authenticate']);
    expect(c.get('issuer')).toBe(relay.key.publicKey.keyIdHex());
    expect(c.get('ticket-type')).toBe('workpass-v1');
    expect(c.get('max-age')).toBe('60');
    expect(c.get('descriptor')).toBe('http://relay.example/descriptor');
    expect(c.has('error')).toBe(false);
  });

  it('spends a valid ticket for a session; the session then buys the paid class', async () => {
    const r = await get(gw.address.port, '/a', auth(`token="${ticket()}"`));
    expect(r.status).toBe(200);
    const s = sessionOf(r.headers['workpass-session']);
    expect(s).toMatchObject({ maxAge: '60', cls: 'group4' });
    expect(r.headers['workpass-class']).toBe('group4');
    expect(r.headers['www-authenticate']).toBeUndefined();
    const seen = backend.seen.at(-1)!;
    expect(seen.authorization).toBeUndefined();
    expect(seen['workpass-class']).toBe('group4');

    const again = await get(gw.address.port, '/b', auth(`session="${s.token}"`));
    expect(again.status).toBe(200);
    expect(again.headers['workpass-class']).toBe('group4');
    expect(again.headers['workpass-session']).toBeUndefined();
  });

  it('moves a live session one tier up for each further ticket', async () => {
    let s = sessionOf((await get(gw.address.port, '/', auth(`token="${ticket()}"`))).headers['workpass-session']);
    const classes = [s.cls];
    for (let i = 0; i < 4; i++) {
      const r = await get(gw.address.port, '/', auth(`token="${ticket()}", session="${s.token}"`));
      expect(r.status).toBe(200);
      s = sessionOf(r.headers['workpass-session']);
      classes.push(s.cls);
    }
    expect(classes).toEqual(['group4', 'group3', 'group2', 'group1', 'group1']);
  });

  it('accepts a ticket exactly once, also on concurrent connections', async () => {
    const t = ticket();
    const first = await get(gw.address.port, '/', auth(`token="${t}"`));
    expect(first.status).toBe(200);
    const second = await get(gw.address.port, '/', auth(`token="${t}"`));
    expect(second.status).toBe(401);
    expect(challengeOf(second.headers['www-authenticate']).get('error')).toBe('ticket_spent');

    const u = ticket();
    const replies = await Promise.all(Array.from({ length: 24 }, () => get(gw.address.port, '/', auth(`token="${u}"`))));
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 401)).toHaveLength(23);
  });

  it('refuses bad tickets with a clear error parameter, and changes nothing', async () => {
    const before = relay.store.totals().spent;
    const cases: Array<[string, string]> = [
      ['not-a-ticket', 'invalid_ticket'],
      [ticket().slice(0, -4) + 'AAAA', 'invalid_ticket'],
      [mintTicket(SigningKey.generate(seededRandom('stranger')), today, rand), 'unknown_issuer'],
      [mintTicket(relay.key, addDays(today, 1), rand), 'invalid_ticket'],
    ];
    for (const [t, error] of cases) {
      const r = await get(gw.address.port, '/', auth(`token="${t}"`));
      expect(r.status).toBe(401);
      const c = challengeOf(r.headers['www-authenticate']);
      expect(c.get('error')).toBe(error);
      expect(c.get('error-description')!.length).toBeGreaterThan(0);
      expect(r.body.toString()).toContain(error);
    }
    const malformed = await get(gw.address.port, '/', { authorization: 'WorkpassTicket token="x' });
    expect(malformed.status).toBe(401);
    expect(challengeOf(malformed.headers['www-authenticate']).get('error')).toBe('invalid_request');
    expect(relay.store.totals().spent).toBe(before);
  });

  it('refuses expired tickets, forged and expired sessions', async () => {
    const old = mintTicket(relay.key, today, rand);
    nowOffsetMs = 4 * 86_400_000;
    try {
      const r = await get(gw.address.port, '/', auth(`token="${old}"`));
      expect(challengeOf(r.headers['www-authenticate']).get('error')).toBe('ticket_expired');
    } finally {
      nowOffsetMs = 0;
    }
    const forged = await get(gw.address.port, '/', auth('session="AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"'));
    expect(forged.status).toBe(401);
    expect(challengeOf(forged.headers['www-authenticate']).get('error')).toBe('invalid_session');

    const s = sessionOf((await get(gw.address.port, '/', auth(`token="${ticket()}"`))).headers['workpass-session']);
    nowOffsetMs = 61_000;
    try {
      const r = await get(gw.address.port, '/', auth(`session="${s.token}"`));
      expect(r.status).toBe(401);
      expect(challengeOf(r.headers['www-authenticate']).get('error')).toBe('session_expired');
    } finally {
      nowOffsetMs = 0;
    }
  });

  it('passes other auth schemes through to the backend', async () => {
    const r = await get(gw.address.port, '/', { authorization: 'Basic dXNlcjpwYXNz' });
    expect(r.status).toBe(200);
    expect(backend.seen.at(-1)!.authorization).toBe('Basic dXNlcjpwYXNz');
  });

  it('caps header size (431)', async () => {
    const r = await get(gw.address.port, '/', { 'x-big': 'a'.repeat(10_000) });
    expect(r.status).toBe(431);
  });
});

describe('gateway limits and failures', () => {
  it('rate-limits requests per client (429 with Retry-After) and answers 502 when the backend is down', async () => {
    const r2 = relayFixture('gw-limits', today);
    const g = await startGateway({
      host: '127.0.0.1',
      port: 0,
      backend: 'http://127.0.0.1:1',
      classes: gatewayClasses(fig1Tree(10), 'free', FIG1_PAID),
      redeemer: new Redeemer(r2.keyring, r2.ledger([])),
      sessionKey: new SessionKey(rand(32)),
      sessionSeconds: 60,
      issuers: () => [],
      random: rand,
      requestsPerSecond: 1,
      requestBurst: 3,
    });
    try {
      const replies = [];
      for (let i = 0; i < 5; i++) replies.push(await get(g.address.port, '/'));
      expect(replies.map((r) => r.status)).toEqual([502, 502, 502, 429, 429]);
      expect(Number(replies[3]!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(g.stats.limited).toBe(2);
    } finally {
      await g.close();
      r2.close();
    }
  });
});
