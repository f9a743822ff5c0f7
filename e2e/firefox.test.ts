// The thin slice in Firefox ESR with Tor Browser's prefs: the relay's descriptor page -> the add-on's
// "add this relay" (content script) -> event page -> WebAssembly kernel in a Worker -> share -> the
// real daemon counts it. BiDi cannot open moz-extension:// pages, so the test works as a user would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchFirefox, type FirefoxWithAddon } from './lib/firefox.js';
import { startTestRelay, waitFor, type TestRelay } from './lib/relay.js';

describe('add-on in Firefox ESR (Tor Browser prefs)', () => {
  let relay: TestRelay;
  let browser: FirefoxWithAddon;

  beforeAll(async () => {
    relay = await startTestRelay();
    browser = await launchFirefox();
  });
  afterAll(async () => {
    await browser?.close();
    await relay?.close();
  });

  it('adds the relay from its descriptor page and mines a share the daemon accepts', async () => {
    const page = await browser.browser.newPage();
    await page.goto(relay.descriptorUrl);
    await page.waitForSelector('#workpass-add-relay', { timeout: 15_000 });
    await page.click('#workpass-add-relay');
    await page.waitForSelector('#workpass-add-relay-result[data-state]', { timeout: 15_000 });
    const result = await page.$eval('#workpass-add-relay-result', (e) => [(e as HTMLElement).dataset.state, e.textContent]);
    expect(result).toEqual(['added', expect.any(String)]);
    const accepted = await waitFor('accepted shares', () => relay.accepted(), (n) => n >= 1);
    expect(accepted).toBeGreaterThanOrEqual(1);
  });
});
