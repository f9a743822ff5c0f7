import { describe, expect, it } from 'vitest';
import { endpointKey, SocksIsolation, socksProxyOf, type IsolatedProxy, type ProxyRequest, type SocksProxyInfo } from '../../src/extension/platform/socks-isolation.js';

const BASE = 'moz-extension://0b7c9a52-4d1e-4b8f-9c3a-6e2f1d0a5b7c/';
const TOR = { proxyType: 'manual', socks: '127.0.0.1:9150', socksVersion: 5, proxyDNS: true };
const RELAY = 'ws://relayrelayrelay.onion:9433';

/** A counter as the random source: every credential differs, and runs are repeatable. */
function isolation(settings: () => unknown = () => TOR) {
  let n = 0;
  return new SocksIsolation({
    random: (len) => Uint8Array.from({ length: len }, () => n++ & 0xff),
    extensionBase: BASE,
    proxySettings: async () => settings(),
  });
}
const own = (url: string, type = 'xmlhttprequest'): ProxyRequest => ({ url, type, tabId: -1, originUrl: `${BASE}_generated_background_page.html` });
/** The add-on's mining WebSocket to `url`. */
const ws = (url: string): ProxyRequest => own(url, 'websocket');
/** The proxy of an answer, which must end in null (no failover to the browser's own settings). */
async function proxyOf(answer: Promise<IsolatedProxy | undefined>): Promise<SocksProxyInfo | undefined> {
  const a = await answer;
  if (a === undefined) return undefined;
  expect(a).toHaveLength(2);
  expect(a[1]).toBeNull();
  return a[0];
}

describe('SocksIsolation', () => {
  it('gives a relay session its own credentials, kept for the session and new for the next one', async () => {
    const iso = isolation();
    iso.beginSession(RELAY);
    const a = await proxyOf(iso.decide(ws(`${RELAY}/`)));
    expect(a).toMatchObject({ type: 'socks', host: '127.0.0.1', port: 9150, proxyDNS: true, failoverTimeout: 1 });
    expect(a!.username).toMatch(/^[0-9a-f]{24}$/);
    expect(await proxyOf(iso.decide(ws(RELAY)))).toEqual(a);
    iso.beginSession(RELAY);
    const b = await proxyOf(iso.decide(ws(RELAY)));
    expect(b!.username).not.toBe(a!.username);
    expect(b!.password).not.toBe(a!.password);
  });

  it('ending an older session leaves the newer one alone; after its own end, requests get fresh ones', async () => {
    const iso = isolation();
    const endOld = iso.beginSession(RELAY);
    const endNew = iso.beginSession(RELAY);
    const current = await proxyOf(iso.decide(ws(RELAY)));
    endOld();
    expect(await proxyOf(iso.decide(ws(RELAY)))).toEqual(current);
    endNew();
    const after = await proxyOf(iso.decide(ws(RELAY)));
    expect(after!.username).not.toBe(current!.username);
  });

  it('every other request of the add-on gets one-off credentials (descriptor fetch, ticket spend)', async () => {
    const iso = isolation();
    iso.beginSession(RELAY);
    const session = await proxyOf(iso.decide(ws(RELAY)));
    const spend1 = await proxyOf(iso.decide({ url: 'http://gatewaygateway.onion/page', tabId: -1, documentUrl: `${BASE}x.html` }));
    const spend2 = await proxyOf(iso.decide(own('http://gatewaygateway.onion/page')));
    const descriptor = await proxyOf(iso.decide(own('http://relayrelayrelay.onion/.well-known/workpass/descriptor.json')));
    // A gateway served on the session's own host and port: still not the session's circuit.
    const samePort = await proxyOf(iso.decide(own(`${RELAY.replace('ws:', 'http:')}/spend`)));
    const names = [session, spend1, spend2, descriptor, samePort].map((p) => p!.username);
    expect(new Set(names).size).toBe(5);
  });

  it('never touches a tab’s request or one that did not come from the add-on', async () => {
    const iso = isolation();
    iso.beginSession(RELAY);
    expect(await proxyOf(iso.decide({ url: RELAY, tabId: 3, originUrl: `${BASE}popup.html` }))).toBeUndefined();
    expect(await proxyOf(iso.decide({ url: RELAY, tabId: -1, originUrl: 'http://evil.example/' }))).toBeUndefined();
    expect(await proxyOf(iso.decide({ url: RELAY, tabId: -1 }))).toBeUndefined();
    expect(await proxyOf(iso.decide({ url: RELAY, tabId: -1, originUrl: BASE.replace('0b7c', '0b7d') }))).toBeUndefined();
    expect(await proxyOf(iso.decide(own('ftp://relayrelayrelay.onion/')))).toBeUndefined();
  });

  it('leaves requests to the browser when its proxy is not manual SOCKS 5 with remote DNS', async () => {
    for (const s of [
      { ...TOR, proxyType: 'system' }, { ...TOR, socksVersion: 4 }, { ...TOR, proxyDNS: false },
      { ...TOR, socks: '' }, { proxyType: 'none' }, null, 'manual',
    ]) {
      const iso = isolation(() => s);
      iso.beginSession(RELAY);
      expect(await proxyOf(iso.decide(ws(RELAY)))).toBeUndefined();
    }
    const throwing = isolation(() => {
      throw new Error('no access to proxy settings');
    });
    expect(await proxyOf(throwing.decide(ws(RELAY)))).toBeUndefined();
  });

  it('refuses a bad endpoint or add-on base with a RangeError', () => {
    expect(() => isolation().beginSession('not a url')).toThrow(RangeError);
    expect(() => isolation().beginSession('ftp://x.onion/')).toThrow(RangeError);
    expect(() => new SocksIsolation({ random: () => new Uint8Array(12), extensionBase: 'http://x', proxySettings: async () => TOR })).toThrow(RangeError);
  });
});

describe('socksProxyOf and endpointKey', () => {
  it('parses host:port, bracketed IPv6, and refuses Unix sockets and bad ports', () => {
    expect(socksProxyOf(TOR)).toEqual({ host: '127.0.0.1', port: 9150 });
    expect(socksProxyOf({ ...TOR, socks: '[::1]:9050' })).toEqual({ host: '[::1]', port: 9050 });
    expect(socksProxyOf({ ...TOR, socks: 'localhost:9050' })).toEqual({ host: 'localhost', port: 9050 });
    expect(socksProxyOf({ ...TOR, socks: '127.3.2.1:9050' })).toEqual({ host: '127.3.2.1', port: 9050 });
    // A remote proxy would see every session's credentials: not ours to hand them to.
    for (const socks of ['file:///run/tor/socks.socket', '127.0.0.1', '127.0.0.1:0', '127.0.0.1:65536', 'a b:1', '127.0.0.1:9050/x',
      'proxy.example:1080', '10.0.0.1:9050', '[2001:db8::1]:9050', '128.0.0.1:9050']) {
      expect(socksProxyOf({ ...TOR, socks })).toBeNull();
    }
  });

  it('fills in default ports per scheme', () => {
    expect(endpointKey('ws://a.onion')).toBe('a.onion:80');
    expect(endpointKey('wss://a.onion/x')).toBe('a.onion:443');
    expect(endpointKey('http://a.onion:9433/')).toBe('a.onion:9433');
    expect(endpointKey('https://a.onion')).toBe('a.onion:443');
    expect(endpointKey('ftp://a.onion')).toBeNull();
    expect(endpointKey('::')).toBeNull();
  });
});
