// Firefox suspends an idle MV3 event page (after extensions.background.idle.timeout, 30 s by default),
// which would end its Workers and its WebSocket. While mining, the page is not idle: with the timeout
// cut to 3 s, the add-on's relay connection stays open for 20 s (7 timeouts) with no page open.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchFirefox, type FirefoxWithAddon } from './lib/firefox.js';
import { startTestRelay, waitFor, type TestRelay } from './lib/relay.js';

describe('the Firefox event page while mining', () => {
  let relay: TestRelay;
  let browser: FirefoxWithAddon;

  beforeAll(async () => {
    relay = await startTestRelay();
    browser = await launchFirefox(undefined, { 'extensions.background.idle.timeout': 3000 });
  });
  afterAll(async () => {
    await browser?.close();
    await relay?.close();
  });

  it('is not suspended: its relay connection stays open', async () => {
    const page = await browser.browser.newPage();
    await page.goto(relay.descriptorUrl);
    await page.waitForSelector('#workpass-add-relay', { timeout: 15_000 });
    await page.click('#workpass-add-relay');
    await waitFor('a share', () => relay.accepted(), (n) => n >= 1);
    await page.close();
    const connections: number[] = [];
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 2000));
      connections.push((await relay.stats()).sessions);
    }
    expect(connections).toEqual(Array(10).fill(1));
  });
});
