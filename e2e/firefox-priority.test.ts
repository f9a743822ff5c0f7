// Spending and donating in Firefox ESR (Tor Browser's prefs) against the real daemon and its gateway in
// front of a local test site: add the relay in the options page -> mine until a verified ticket is in
// the wallet -> priority mode on, the site not boosted: nothing spent -> boost it -> open it: the
// gateway spent exactly one ticket and the site served the page in a paid class -> reload: the live
// session is reused -> donation mode: shares accepted, no ticket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { addonStorageLocal, launchFirefox, type FirefoxWithAddon } from './lib/firefox.js';
import { startTestRelay, waitFor, type TestRelay } from './lib/relay.js';
import { startTestSite, type TestSite } from './lib/test-site.js';
import type { SpendsJson, WalletJson } from './lib/addon-json.js';

describe('priority mode and donation in Firefox ESR', () => {
  let site: TestSite;
  let relay: TestRelay;
  let ff: FirefoxWithAddon;

  beforeAll(async () => {
    site = await startTestSite();
    // A ticket costs four shares at the starting difficulty.
    relay = await startTestRelay(0.0002, 0.0008, site.url);
    ff = await launchFirefox();
  });
  afterAll(async () => {
    await ff?.close();
    await relay?.close();
    await site?.close();
  });

  const gatewayUrl = (): string => {
    const url = relay.handle.services.gatewayUrl;
    if (url === null) throw new Error('the daemon runs no gateway');
    return url;
  };
  const local = () => addonStorageLocal(ff);
  const tickets = async () => ((await local())['wallet'] as WalletJson | undefined)?.tickets.length ?? 0;
  const pages = (path: string) => site.seen.filter((r) => r.path === path).map((r) => r.workpassClass);
  const spentAtGateway = () => (relay.handle.store.db.prepare('SELECT count(*) AS n FROM spent').get() as { n: number }).n;
  const classShown = (page: Page, name: string) =>
    page.waitForFunction((c) => document.getElementById('class')?.textContent === c, { timeout: 30_000 }, name);

  async function setPopupBox(id: 'mining' | 'donation', on: boolean): Promise<void> {
    const popup = await ff.addonPage('popup.html');
    try {
      await popup.waitForSelector(`#${id}`);
      if (await popup.$eval(`#${id}`, (e) => (e as HTMLInputElement).checked) !== on) await popup.click(`#${id}`);
    } finally {
      await popup.close();
    }
  }

  it('spends one ticket at the boosted site and reuses its session on reload', async () => {
    const options = await ff.addonPage('options.html');
    await options.type('#relay-input', relay.descriptorUrl);
    await options.click('#add-relay-button');
    await options.waitForSelector('#relays li', { timeout: 15_000 });
    expect(await options.$eval('#relay-error', (e) => e.textContent)).toBe('');
    await waitFor('a ticket in the wallet', tickets, (n) => n >= 1, 60_000);

    // Stop mining so the wallet only changes by spending.
    await setPopupBox('mining', false);
    await waitFor('mining off', async () => (await local())['settings'] as { mining: boolean }, (s) => !s.mining, 10_000);
    // Once the add-on's connection is gone no ticket can arrive: the wallet changes only by spending.
    await waitFor('the add-on disconnected', () => relay.stats(), (s) => s.sessions === 0, 15_000);
    const before = await tickets();
    expect(before).toBeGreaterThanOrEqual(1);

    // Priority mode on, the site not boosted: opening it spends nothing.
    await options.click('#priority');
    await waitFor('priority mode on', async () => ((await local())['settings'] as { priorityMode: boolean }).priorityMode, (on) => on, 10_000);
    const page = await ff.browser.newPage();
    await page.goto(`${gatewayUrl()}/first`);
    await classShown(page, 'free');
    await new Promise((r) => setTimeout(r, 1500));
    expect(pages('/first')).toEqual(['free']);
    expect(spentAtGateway()).toBe(0);

    await options.type('#boost-input', gatewayUrl());
    await options.click('#add-boost-button');
    await options.waitForFunction(
      (s) => (document.getElementById('boosted')?.textContent ?? '').includes(s) || (document.getElementById('boost-error')?.textContent ?? '') !== '',
      { timeout: 15_000 }, gatewayUrl(),
    );
    expect(await options.$eval('#boost-error', (e) => e.textContent)).toBe('');
    await options.close();

    // The free response's challenge makes the add-on spend and reload the tab.
    await page.goto(`${gatewayUrl()}/video`);
    await waitFor('the page served with priority', async () => pages('/video'), (c) => c.includes('group4'), 30_000);
    await classShown(page, 'group4');
    expect(spentAtGateway()).toBe(1);
    const spends = (await local())['spends'] as SpendsJson;
    expect(spends.pending).toEqual([]);
    expect(spends.sessions).toMatchObject([{ site: gatewayUrl(), className: 'group4' }]);
    expect(spends.log).toMatchObject([{ site: gatewayUrl(), outcome: 'spent', detail: 'group4' }]);
    expect(await tickets()).toBe(before - 1);

    // Reload: the session rule carries the credential; nothing more is spent.
    const seenBefore = site.seen.length;
    await page.reload();
    await classShown(page, 'group4');
    expect(site.seen.slice(seenBefore).filter((r) => r.path === '/video').map((r) => r.workpassClass)).toEqual(['group4']);
    await new Promise((r) => setTimeout(r, 1000));
    expect(spentAtGateway()).toBe(1);
    expect(await tickets()).toBe(before - 1);
    // Our credentials never reach the site behind the gateway.
    expect(site.seen.every((r) => r.authorization === null)).toBe(true);
    await page.close();
  });

  it('earns no ticket in donation mode, while its shares are still accepted', async () => {
    await setPopupBox('donation', true);
    await waitFor('donation mode', async () => ((await local())['settings'] as { donationOnly: boolean }).donationOnly, (on) => on, 10_000);
    const issued = (await relay.stats()).tickets.issued;
    const accepted = await relay.accepted();
    await setPopupBox('mining', true);
    await waitFor('shares in donation mode', () => relay.accepted(), (n) => n >= accepted + 8, 60_000);
    expect((await relay.stats()).tickets.issued).toBe(issued);
    const sessions = relay.handle.store.db.prepare("SELECT count(*) AS n FROM sessions WHERE mode = 'donation'").get() as { n: number };
    expect(sessions.n).toBeGreaterThanOrEqual(1);
  });
});
