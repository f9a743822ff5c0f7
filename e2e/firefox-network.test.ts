// Firefox ESR with Tor Browser's prefs and every connection sent through a logging proxy (as Tor
// Browser sends everything to tor): while the add-on adds a relay, mines and collects a ticket,
// the only destinations besides Firefox's own Mozilla services are the relay's endpoints. (Firefox
// 153 still reaches its remote-settings host with the dummy-server pref set; the add-on's code
// names no Mozilla host, which the test checks in the bundle.)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firefoxExtensionDir } from './lib/paths.js';
import { launchFirefox, type FirefoxWithAddon } from './lib/firefox.js';
import { proxyPrefs, startLoggingProxy, type LoggingProxy } from './lib/logging-proxy.js';
import { startTestRelay, waitFor, type TestRelay } from './lib/relay.js';

/** Firefox's own services (update, remote settings, telemetry): never contacted by the add-on. */
const MOZILLA = /(^|\.)(mozilla\.(com|net|org)|firefox\.com|mozaws\.net):\d+$/;

describe('add-on network traffic in Firefox ESR', () => {
  let relay: TestRelay;
  let proxy: LoggingProxy;
  let browser: FirefoxWithAddon;

  beforeAll(async () => {
    relay = await startTestRelay(0.0002, 0.0008);
    proxy = await startLoggingProxy();
    browser = await launchFirefox(undefined, proxyPrefs(proxy.port));
  });
  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await relay?.close();
  });

  it('connects only to the relay it was given', async () => {
    const page = await browser.browser.newPage();
    await page.goto(relay.descriptorUrl);
    await page.waitForSelector('#workpass-add-relay', { timeout: 15_000 });
    await page.click('#workpass-add-relay');
    await page.waitForSelector('#workpass-add-relay-result[data-state="added"]', { timeout: 15_000 });
    await waitFor('a ticket issued', () => relay.stats(), (s) => s.tickets.issued >= 1);
    const ws = new URL(relay.handle.ws.url);
    const http = new URL(relay.handle.http.url);
    // The mining connection went through the proxy (so the log is a real one)…
    expect(proxy.destinations).toContain(`${ws.hostname}:${ws.port}`);
    expect(proxy.destinations).toContain(`${http.hostname}:${http.port}`);
    // …and nothing else did, but for Firefox's own services.
    const others = proxy.destinations.filter((d) => d !== `${ws.hostname}:${ws.port}` && d !== `${http.hostname}:${http.port}`);
    expect(others.filter((d) => !MOZILLA.test(d))).toEqual([]);
  });

  it('ships code that names no Mozilla host (so those connections are Firefox\'s, not the add-on\'s)', () => {
    for (const f of readdirSync(firefoxExtensionDir).filter((n) => n.endsWith('.js'))) {
      expect(readFileSync(join(firefoxExtensionDir, f), 'utf8')).not.toMatch(/mozilla\.(com|net|org)|firefox\.com|mozaws/);
    }
  });
});
