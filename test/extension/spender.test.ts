import { describe, expect, it } from 'vitest';
import { utcDay } from '../../src/core/tickets/day.js';
import { SigningKey } from '../../src/core/tickets/keys.js';
import { formatChallenge } from '../../src/relay/gateway/auth-scheme.js';
import { parseSessionGrant, ticketChallenges } from '../../src/extension/priority/challenge.js';
import { sessionRule } from '../../src/extension/priority/session-rules.js';
import { Spender, type ObservedResponse } from '../../src/extension/priority/spender.js';
import { MemoryStorageArea } from '../../src/extension/store/area.js';
import { defaultSettings, parseSettings, SETTINGS_KEY, type Settings } from '../../src/extension/store/settings.js';
import { emptySpends, parseSpends, SPENDS_KEY, type LiveSession } from '../../src/extension/store/spends.js';
import { TypedStore } from '../../src/extension/store/typed-store.js';
import { emptyWallet, parseWallet, WALLET_KEY, type StoredTicket } from '../../src/extension/store/wallet.js';
import { mintTicket, seededRandom } from '../gateway/fixtures.js';
import { TICKET_KEY } from './fakes.js';

const SITE = 'http://site.test:8080';
const ISSUER = TICKET_KEY.publicKey.keyIdHex();
const OTHER_KEY = SigningKey.fromBytes(Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 9 : 0)));
const NOW = Date.parse('2026-06-01T12:00:00Z');
const DAY = utcDay(NOW);
const rand = seededRandom('spender-test');

function ticket(key = TICKET_KEY): StoredTicket {
  return { relay: 'ws://relay.test/mine', text: mintTicket(key, DAY, rand), day: DAY, keyId: key.publicKey.keyIdHex(), expiresAt: NOW + 86_400_000 };
}

const challenge = (issuer = ISSUER, error?: 'ticket_spent' | 'unknown_issuer' | 'session_expired') =>
  formatChallenge({ issuer, ticketType: 'workpass-v1', descriptor: 'http://relay.test/.well-known/workpass/descriptor.json', maxAge: 600, ...(error ? { error } : {}) });

/**
 * A gateway on SITE: spends each ticket once (a second presentation is ticket_spent), answers a
 * ticket of an unknown key with unknown_issuer, and records every request it was sent.
 */
function fakeGateway(opts: { failFirst?: boolean } = {}) {
  const spent = new Set<string>();
  const calls: { url: string; authorization: string | null }[] = [];
  let fail = opts.failFirst ?? false;
  const fetch = async (url: string, init: RequestInit): Promise<Response> => {
    const authorization = new Headers(init.headers).get('authorization');
    calls.push({ url, authorization });
    const token = /token="([^"]+)"/.exec(authorization ?? '')?.[1];
    if (token === undefined) return new Response('free', { status: 200, headers: { 'www-authenticate': challenge() } });
    const known = token.length > 0 && !token.startsWith('x');
    if (spent.has(token)) return new Response('', { status: 401, headers: { 'www-authenticate': challenge(ISSUER, 'ticket_spent') } });
    if (!known) return new Response('', { status: 401, headers: { 'www-authenticate': challenge(ISSUER, 'unknown_issuer') } });
    spent.add(token);
    if (fail) {
      // The spend happened, but the answer is lost (the background died mid-request).
      fail = false;
      throw new TypeError('Failed to fetch');
    }
    return new Response('paid', { status: 200, headers: { 'workpass-session': `AQMAsess${spent.size}; max-age=600; class=group4` } });
  };
  return { fetch, calls, spent };
}

function setup(patch: Partial<Settings>, tickets: StoredTicket[], gw = fakeGateway()) {
  const local = new MemoryStorageArea();
  const settings = new TypedStore(local, SETTINGS_KEY, parseSettings, defaultSettings);
  const wallet = new TypedStore(local, WALLET_KEY, parseWallet, emptyWallet);
  const spends = new TypedStore(local, SPENDS_KEY, parseSpends, emptySpends);
  const rules: (readonly LiveSession[])[] = [];
  const reloads: number[] = [];
  let now = NOW;
  const spender = new Spender({
    settings, wallet, spends, fetch: gw.fetch, now: () => now,
    rules: { replace: async (s) => void rules.push(s) },
    reloadTab: async (id) => void reloads.push(id),
    wakeAt: () => undefined,
  });
  const ready = Promise.all([
    settings.set({ ...defaultSettings(), priorityMode: true, boostedSites: [SITE], ...patch }),
    wallet.set({ version: 1, tickets, pending: [] }),
  ]);
  return { spender, settings, wallet, spends, gw, rules, reloads, ready, advance: (ms: number) => { now += ms; } };
}

const response = (url: string, headers: string[] = [challenge()], tabId = 3): ObservedResponse => ({
  url, method: 'GET', tabId, headers: headers.map((value) => ({ name: 'WWW-Authenticate', value })),
});

describe('Spender', () => {
  it('spends exactly one ticket at a boosted site in priority mode, keeps the session and reloads the tab', async () => {
    const [a, b] = [ticket(), ticket()];
    const t = setup({}, [a, b]);
    await t.ready;
    // Several challenged responses at once (frames of one page) buy one session.
    const outcomes = await Promise.all([
      t.spender.onResponse(response(`${SITE}/`)), t.spender.onResponse(response(`${SITE}/frame`)), t.spender.onResponse(response(`${SITE}/`)),
    ]);
    expect(outcomes.sort()).toEqual(['session-live', 'session-live', 'spent']);
    expect(t.gw.calls).toHaveLength(1);
    expect(t.gw.calls[0]!.url).toBe(`${SITE}/`);
    expect(t.gw.spent.size).toBe(1);
    expect((await t.wallet.get()).tickets).toHaveLength(1);
    const s = await t.spends.get();
    expect(s.pending).toEqual([]);
    expect(s.sessions).toEqual([{ site: SITE, token: 'AQMAsess1', className: 'group4', expiresAt: NOW + 600_000 }]);
    expect(s.log).toEqual([{ site: SITE, relay: a.relay, at: NOW, outcome: 'spent', detail: 'group4' }]);
    expect(t.rules.at(-1)).toEqual(s.sessions);
    expect(t.reloads).toEqual([3]);

    // Until max-age passes the session is reused; after it, a new ticket is spent.
    t.advance(599_000);
    expect(await t.spender.onResponse(response(`${SITE}/`))).toBe('session-live');
    t.advance(2_000);
    const rulesBefore = t.rules.length;
    expect(await t.spender.onResponse(response(`${SITE}/`, [challenge(ISSUER, 'session_expired')]))).toBe('spent');
    // The refused session's rule was removed before the new ticket was sent.
    expect(t.rules[rulesBefore]).toEqual([]);
    expect(t.gw.spent.size).toBe(2);
    expect((await t.wallet.get()).tickets).toEqual([]);
    expect(t.reloads).toEqual([3, 3]);
    // No ticket left when the next session expires: its rule goes and the tab is reloaded once, free.
    t.advance(601_000);
    expect(await t.spender.onResponse(response(`${SITE}/`, [challenge(ISSUER, 'session_expired')]))).toBe('no-ticket');
    expect(t.rules.at(-1)).toEqual([]);
    expect(t.reloads).toEqual([3, 3, 3]);
    expect(await t.spender.onResponse(response(`${SITE}/`))).toBe('no-ticket');
    expect(t.reloads).toEqual([3, 3, 3]);
  });

  it('never spends without priority mode, for a site not boosted, for another issuer, or outside a tab', async () => {
    const t = setup({ priorityMode: false }, [ticket()]);
    await t.ready;
    expect(await t.spender.onResponse(response(`${SITE}/`))).toBe('ignored');
    await t.settings.update((s) => ({ ...s, priorityMode: true }));
    expect(await t.spender.onResponse(response('http://other.test/'))).toBe('ignored');
    expect(await t.spender.onResponse(response('http://site.test:8081/'))).toBe('ignored');
    expect(await t.spender.onResponse(response('https://site.test:8080/'))).toBe('ignored');
    expect(await t.spender.onResponse(response(`${SITE}/`, [], 3))).toBe('no-challenge');
    expect(await t.spender.onResponse(response(`${SITE}/`, ['Basic realm="x"', 'WorkpassTicket issuer="zz"'], 3))).toBe('no-challenge');
    expect(await t.spender.onResponse(response(`${SITE}/`, [challenge(OTHER_KEY.publicKey.keyIdHex())]))).toBe('no-ticket');
    expect(await t.spender.onResponse(response(`${SITE}/`, [challenge()], -1))).toBe('ignored');
    expect(await t.spender.onResponse({ ...response(`${SITE}/`), method: 'POST' })).toBe('ignored');
    expect(t.gw.calls).toEqual([]);
    expect((await t.wallet.get()).tickets).toHaveLength(1);
    expect((await t.spends.get()).pending).toEqual([]);
  });

  it('sends the ticket only to the challenged origin, with no cookies, referrer or redirects', async () => {
    const seen: RequestInit[] = [];
    const gw = fakeGateway();
    const t = setup({ boostedSites: [SITE, 'https://b.test'] }, [ticket()], {
      ...gw, fetch: async (url, init) => {
        seen.push(init);
        return gw.fetch(url, init);
      },
    });
    await t.ready;
    expect(await t.spender.onResponse(response(`${SITE}/page?x=1`))).toBe('spent');
    expect(gw.calls.map((c) => new URL(c.url).origin)).toEqual([SITE]);
    expect(seen[0]).toMatchObject({ credentials: 'omit', redirect: 'manual', referrerPolicy: 'no-referrer', cache: 'no-store' });
    expect(t.rules.at(-1)!.map((r) => r.site)).toEqual([SITE]);
  });

  it('marks the spend pending before sending; after a crash the same ticket is presented again and counted spent once', async () => {
    const gw = fakeGateway({ failFirst: true });
    const a = ticket();
    const t = setup({}, [a, ticket()], gw);
    await t.ready;
    expect(await t.spender.onResponse(response(`${SITE}/`))).toBe('unreachable');
    expect((await t.spends.get()).pending.map((p) => p.ticket)).toEqual([a.text]);
    expect((await t.wallet.get()).tickets).toHaveLength(2);
    // A fresh background over the same storage.
    const again = new Spender({
      settings: t.settings, wallet: t.wallet, spends: t.spends, fetch: gw.fetch, now: () => NOW,
      rules: { replace: async () => undefined }, reloadTab: async () => undefined, wakeAt: () => undefined,
    });
    await again.recover();
    expect(gw.calls.map((c) => c.authorization)).toEqual([`WorkpassTicket token="${a.text}"`, `WorkpassTicket token="${a.text}"`]);
    expect(gw.spent.size).toBe(1);
    const s = await t.spends.get();
    expect(s.pending).toEqual([]);
    expect(s.log).toEqual([{ site: SITE, relay: a.relay, at: NOW, outcome: 'spent', detail: 'session_lost' }]);
    expect((await t.wallet.get()).tickets.map((x) => x.text)).not.toContain(a.text);
    expect((await t.wallet.get()).tickets).toHaveLength(1);
  });

  it('a pending spend for a site no longer boosted is not presented again', async () => {
    const gw = fakeGateway({ failFirst: true });
    const t = setup({}, [ticket()], gw);
    await t.ready;
    await t.spender.onResponse(response(`${SITE}/`));
    await t.settings.update((s) => ({ ...s, boostedSites: [] }));
    await t.spender.recover();
    expect(gw.calls).toHaveLength(1);
    expect((await t.spends.get()).pending).toEqual([]);
  });

  it('shows refusals: ticket_spent drops the ticket, unknown_issuer keeps it', async () => {
    const spentElsewhere = ticket();
    const gw = fakeGateway();
    gw.spent.add(spentElsewhere.text);
    const t = setup({}, [spentElsewhere], gw);
    await t.ready;
    expect(await t.spender.onResponse(response(`${SITE}/`))).toBe('refused');
    expect((await t.wallet.get()).tickets).toEqual([]);
    expect((await t.spends.get()).log.at(-1)).toMatchObject({ outcome: 'refused', detail: 'ticket_spent' });
    expect(t.reloads).toEqual([]);

    const unknown = { ...ticket(), text: 'x' + ticket().text.slice(1) };
    const u = setup({}, [], gw);
    await u.ready;
    await u.wallet.update((w) => ({ ...w, tickets: [unknown] }));
    // The wallet validates on read: a mangled ticket is not even offered.
    expect(await u.spender.onResponse(response(`${SITE}/`))).toBe('no-ticket');
  });

  it('keeps a ticket the gateway refuses as unknown_issuer and records the refusal', async () => {
    const a = ticket();
    const gw = fakeGateway();
    const t = setup({}, [a], {
      ...gw, fetch: async () => new Response('', { status: 401, headers: { 'www-authenticate': challenge(ISSUER, 'unknown_issuer') } }),
    });
    await t.ready;
    expect(await t.spender.onResponse(response(`${SITE}/`))).toBe('refused');
    expect((await t.wallet.get()).tickets.map((x) => x.text)).toEqual([a.text]);
    const s = await t.spends.get();
    expect(s.pending).toEqual([]);
    expect(s.log).toEqual([{ site: SITE, relay: a.relay, at: NOW, outcome: 'refused', detail: 'unknown_issuer' }]);
  });

  it('forget drops a site session and its rule', async () => {
    const t = setup({}, [ticket()]);
    await t.ready;
    await t.spender.onResponse(response(`${SITE}/`));
    await t.spender.forget(SITE);
    expect((await t.spends.get()).sessions).toEqual([]);
    expect(t.rules.at(-1)).toEqual([]);
  });
});

describe('challenge and session parsing', () => {
  it('reads our challenges among others and ignores malformed ones without throwing', () => {
    const ok = ticketChallenges([`Basic realm="a", ${challenge()}`, challenge(ISSUER, 'ticket_spent')]);
    expect(ok).toEqual([
      { issuer: ISSUER, descriptor: 'http://relay.test/.well-known/workpass/descriptor.json', maxAge: 600, error: null },
      { issuer: ISSUER, descriptor: 'http://relay.test/.well-known/workpass/descriptor.json', maxAge: 600, error: 'ticket_spent' },
    ]);
    for (const bad of ['WorkpassTicket issuer="', '=', 'WorkpassTicket issuer="AB", ticket-type="workpass-v1", max-age=1',
      `WorkpassTicket issuer="${ISSUER}", ticket-type="other", max-age=1`, `WorkpassTicket issuer="${ISSUER}", ticket-type="workpass-v1", max-age=-1`,
      '\u0000'.repeat(100), 'x'.repeat(40_000)]) {
      expect(ticketChallenges([bad])).toEqual([]);
    }
  });

  it('parses Workpass-Session and refuses anything else', () => {
    expect(parseSessionGrant('AQMAZ2n3; max-age=600; class=group4')).toEqual({ token: 'AQMAZ2n3', maxAge: 600, className: 'group4' });
    for (const bad of [null, '', 'a b; max-age=1; class=g', 'tok; max-age=0; class=g', 'tok; class=g', 'tok; max-age=5', 'tok; max-age=5; class="g"']) {
      expect(parseSessionGrant(bad)).toBeNull();
    }
  });

  it('a session rule matches only its own origin', () => {
    const rule = sessionRule(1, { site: SITE, token: 'AQMA', className: 'group4', expiresAt: 1 });
    expect(rule.condition.urlFilter).toBe('|http://site.test:8080/');
    expect(rule.condition.resourceTypes).toContain('main_frame');
    expect(rule.action.requestHeaders).toEqual([{ header: 'authorization', operation: 'set', value: 'WorkpassTicket session="AQMA"' }]);
  });
});
