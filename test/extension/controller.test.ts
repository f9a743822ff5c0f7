import { describe, expect, it } from 'vitest';
import { Controller } from '../../src/extension/background/controller.js';
import { parseRequest } from '../../src/extension/messages.js';
import { descriptorUrlFrom, fetchDescriptor, type FetchLike } from '../../src/extension/relays/descriptor-fetch.js';
import { refreshRelay } from '../../src/extension/relays/refresh.js';
import { MemoryStorageArea } from '../../src/extension/store/area.js';
import { defaultSettings, parseSettings, SETTINGS_KEY } from '../../src/extension/store/settings.js';
import { defaultStatus, parseStatus, STATUS_KEY } from '../../src/extension/store/status.js';
import { TypedStore } from '../../src/extension/store/typed-store.js';
import { emptyWallet, parseWallet, WALLET_KEY } from '../../src/extension/store/wallet.js';
import { emptySpends, parseSpends, SPENDS_KEY } from '../../src/extension/store/spends.js';
import { testDescriptor } from './fakes.js';

const URL_A = 'http://relay.test/.well-known/workpass/descriptor.json';
const EXT = { extensionPage: true, pageUrl: null };

/** A fetch that serves fixed bodies by URL and records what it was asked. */
function fakeFetch(bodies: Record<string, string>): FetchLike & { calls: { url: string; init: RequestInit }[] } {
  const calls: { url: string; init: RequestInit }[] = [];
  const f = async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    if (!(url in bodies)) throw new TypeError('Failed to fetch');
    return new Response(bodies[url], { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return Object.assign(f, { calls });
}

function setup(bodies: Record<string, string>, granted: string[] = []) {
  const local = new MemoryStorageArea();
  const settings = new TypedStore(local, SETTINGS_KEY, parseSettings, defaultSettings);
  const status = new TypedStore(new MemoryStorageArea(), STATUS_KEY, parseStatus, defaultStatus);
  const wallet = new TypedStore(local, WALLET_KEY, parseWallet, emptyWallet);
  let applied = 0;
  const fetch = fakeFetch(bodies);
  const spends = new TypedStore(local, SPENDS_KEY, parseSpends, emptySpends);
  const unboosted: string[] = [];
  const c = new Controller({
    settings, status, wallet, fetch, now: () => Date.now(), miner: { apply: async () => void applied++ }, spends,
    hasHostAccess: async (origin) => granted.includes(origin),
    unboosted: async (origin) => void unboosted.push(origin),
  });
  return { c, settings, fetch, applied: () => applied, unboosted, spends };
}

describe('Controller', () => {
  const good = JSON.stringify(testDescriptor('ws://relay.test/mine'));

  it('adds a relay by descriptor URL (or bare origin) after verifying it, and applies it', async () => {
    const t = setup({ [URL_A]: good });
    const a = await t.c.handle({ type: 'addRelay', input: 'http://relay.test' }, EXT);
    expect(a.ok).toBe(true);
    const s = await t.settings.get();
    expect(s.relays.map((r) => [r.endpoint, r.descriptorUrl, r.name])).toEqual([['ws://relay.test/mine', URL_A, 'test relay']]);
    expect(s.activeRelay).toBe('ws://relay.test/mine');
    expect(t.applied()).toBe(1);
    // No cookies, no referrer, no redirects.
    expect(t.fetch.calls[0]!.init).toMatchObject({ credentials: 'omit', redirect: 'error', referrerPolicy: 'no-referrer' });
  });

  it('refuses a descriptor whose signature is bad, changing nothing', async () => {
    const tampered = JSON.stringify({ ...JSON.parse(good), name: 'evil relay' });
    const t = setup({ [URL_A]: tampered });
    expect(await t.c.handle({ type: 'addRelay', input: URL_A }, EXT)).toEqual({ ok: false, error: 'descriptor signature bad' });
    expect((await t.settings.get()).relays).toEqual([]);
    expect(t.applied()).toBe(0);
  });

  it('refuses a known relay whose descriptor key changed', async () => {
    const t = setup({ [URL_A]: good });
    await t.c.handle({ type: 'addRelay', input: URL_A }, EXT);
    const other = setup({ [URL_A]: JSON.stringify(testDescriptor('ws://relay.test/mine', 2)) });
    // Same stored settings, new key at the same URL.
    await other.settings.set(await t.settings.get());
    const a = await other.c.handle({ type: 'addRelay', input: URL_A }, EXT);
    expect(a).toEqual({ ok: false, error: "the relay's descriptor key changed since it was added" });
  });

  it('lets a content script add only the descriptor of the page it runs on', async () => {
    const t = setup({ [URL_A]: good });
    expect((await t.c.handle({ type: 'addRelayFromPage' }, { extensionPage: false, pageUrl: URL_A })).ok).toBe(true);
    const page = { extensionPage: false, pageUrl: 'http://relay.test/other' };
    expect((await t.c.handle({ type: 'addRelayFromPage' }, page)).ok).toBe(false);
    for (const req of [{ type: 'getState' }, { type: 'setMining', on: false }, { type: 'addRelay', input: URL_A }] as const) {
      expect(await t.c.handle(req, page)).toEqual({ ok: false, error: `${req.type}: not allowed from a web page` });
    }
    expect((await t.c.handle({ type: 'addRelayFromPage' }, EXT)).ok).toBe(false);
  });

  it('validates budget and relay choices', async () => {
    const t = setup({ [URL_A]: good });
    expect((await t.c.handle({ type: 'setBudget', cpuBudget: 0, randomBand: 10 }, EXT)).ok).toBe(false);
    expect((await t.c.handle({ type: 'setBudget', cpuBudget: 50, randomBand: 60 }, EXT)).ok).toBe(false);
    expect((await t.c.handle({ type: 'setActiveRelay', endpoint: 'ws://nowhere/' }, EXT)).ok).toBe(false);
    const a = await t.c.handle({ type: 'setBudget', cpuBudget: 40, randomBand: 5 }, EXT);
    expect(a.ok && [a.state.settings.cpuBudget, a.state.settings.randomBand]).toEqual([40, 5]);
  });
});

describe('parseRequest', () => {
  it('accepts only well-formed requests addressed to the background', () => {
    expect(parseRequest({ to: 'background', type: 'setMining', on: true })).toEqual({ type: 'setMining', on: true });
    for (const bad of [null, 'x', {}, { to: 'offscreen', type: 'getState' }, { to: 'background', type: 'setMining', on: 'yes' },
      { to: 'background', type: 'addRelay', input: 'x'.repeat(5000) }, { to: 'background', type: 'setBudget', cpuBudget: 2.5, randomBand: 1 },
      { to: 'background', type: 'nope' }]) {
      expect(parseRequest(bad)).toBeNull();
    }
  });
});

describe('descriptor fetching', () => {
  it('normalizes the descriptor URL and refuses other schemes, paths and credentials', () => {
    expect(descriptorUrlFrom('https://relay.example')).toBe('https://relay.example/.well-known/workpass/descriptor.json');
    expect(descriptorUrlFrom(`${URL_A}?x=1#y`)).toBe(URL_A);
    for (const bad of ['ws://relay.test/', 'file:///etc/passwd', 'http://u:p@relay.test/', 'http://relay.test/other', 'not a url']) {
      expect(() => descriptorUrlFrom(bad)).toThrow();
    }
  });

  it('names the failure: unreachable, malformed, oversized', async () => {
    await expect(fetchDescriptor(fakeFetch({}), URL_A)).rejects.toMatchObject({ kind: 'unreachable' });
    await expect(fetchDescriptor(fakeFetch({ [URL_A]: 'not json' }), URL_A)).rejects.toMatchObject({ kind: 'malformed' });
    await expect(fetchDescriptor(fakeFetch({ [URL_A]: '{"version":1}' }), URL_A)).rejects.toMatchObject({ kind: 'malformed' });
    await expect(fetchDescriptor(fakeFetch({ [URL_A]: ' '.repeat(70_000) }), URL_A)).rejects.toMatchObject({ kind: 'malformed' });
  });
});

describe('refreshRelay', () => {
  it('stores the newer descriptor of a known relay and refuses one that moved its endpoint', async () => {
    const t = setup({ [URL_A]: JSON.stringify(testDescriptor('ws://relay.test/mine')) });
    await t.c.handle({ type: 'addRelay', input: URL_A }, EXT);
    const newer = testDescriptor('ws://relay.test/mine', 1, []);
    const d = await refreshRelay(t.settings, fakeFetch({ [URL_A]: JSON.stringify(newer) }), 'ws://relay.test/mine');
    expect(d.tickets.keys).toEqual([]);
    expect((await t.settings.get()).relays[0]!.descriptor.tickets.keys).toEqual([]);
    const moved = fakeFetch({ [URL_A]: JSON.stringify(testDescriptor('ws://relay.test/elsewhere')) });
    await expect(refreshRelay(t.settings, moved, 'ws://relay.test/mine')).rejects.toThrow('moved its mining endpoint');
    await expect(refreshRelay(t.settings, moved, 'ws://unknown/')).rejects.toThrow('no longer configured');
  });

  it('boosts a site only with host access granted, normalized to its origin; unboosting gives access back', async () => {
    const t = setup({}, ['http://site.test:8080']);
    expect(await t.c.handle({ type: 'addBoost', origin: 'http://other.test' }, EXT)).toEqual({ ok: false, error: 'no access to http://other.test was granted' });
    expect((await t.c.handle({ type: 'addBoost', origin: 'ftp://site.test' }, EXT)).ok).toBe(false);
    const a = await t.c.handle({ type: 'addBoost', origin: 'http://site.test:8080/some/page?q=1' }, EXT);
    expect(a.ok && a.state.settings.boostedSites).toEqual(['http://site.test:8080']);
    expect((await t.c.handle({ type: 'addBoost', origin: 'http://site.test:8080' }, EXT)).ok).toBe(true);
    expect((await t.settings.get()).boostedSites).toEqual(['http://site.test:8080']);
    const r = await t.c.handle({ type: 'removeBoost', origin: 'http://site.test:8080' }, EXT);
    expect(r.ok && r.state.settings.boostedSites).toEqual([]);
    expect(t.unboosted).toEqual(['http://site.test:8080']);
  });

  it('sets priority mode only from the add-on pages', async () => {
    const t = setup({});
    expect((await t.c.handle({ type: 'setPriority', on: true }, { extensionPage: false, pageUrl: 'http://evil.test/' })).ok).toBe(false);
    expect((await t.settings.get()).priorityMode).toBe(false);
    expect(parseRequest({ to: 'background', type: 'setPriority', on: 'yes' })).toBeNull();
    expect(parseRequest({ to: 'background', type: 'addBoost', origin: 5 })).toBeNull();
    const a = await t.c.handle({ type: 'setPriority', on: true }, EXT);
    expect(a.ok && a.state.settings.priorityMode).toBe(true);
  });

  it('shows spends and live sessions to the pages, never a session token', async () => {
    const t = setup({});
    await t.spends.set({
      version: 1, pending: [],
      sessions: [{ site: 'http://site.test', token: 'SECRETSESSIONTOKEN', className: 'group4', expiresAt: Date.now() + 60_000 }],
      log: [{ site: 'http://site.test', relay: 'ws://relay.test/mine', at: 1, outcome: 'spent', detail: 'group4' }],
    });
    const a = await t.c.handle({ type: 'getState' }, EXT);
    if (!a.ok) throw new Error(a.error);
    expect(a.state.spending.sessions).toEqual([{ site: 'http://site.test', className: 'group4', expiresAt: expect.any(Number) }]);
    expect(a.state.spending.log).toHaveLength(1);
    expect(JSON.stringify(a)).not.toContain('SECRETSESSIONTOKEN');
  });
});
