// Spending in Chromium against the real daemon and its gateway in front of a local test site: mine
// until a verified ticket is in the wallet -> boost the site and turn priority mode on in the
// options page -> open the site -> the gateway spent exactly one ticket and the site served the
// page in a paid class -> reload: the live session is reused, no second spend.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addonStorage, addRelayInOptions, grantSiteAccess, launchChromium, type ChromiumWithAddon } from './lib/chromium.js';
import { netLogRequests } from './lib/netlog.js';
import { startTestRelay, waitFor, type TestRelay } from './lib/relay.js';
import { startTestSite, type TestSite } from './lib/test-site.js';
import type { SpendsJson, WalletJson } from './lib/addon-json.js';

describe('priority mode in Chromium', () => {
  let site: TestSite;
  let relay: TestRelay;
  let browser: ChromiumWithAddon | null = null;
  const work = mkdtempSync(join(tmpdir(), 'workpass-e2e-priority-'));
  const netLog = join(work, 'netlog.json');

  beforeAll(async () => {
    site = await startTestSite();
    relay = await startTestRelay(0.0002, 0.0008, site.url);
  });
  afterAll(async () => {
    await browser?.close();
    await relay?.close();
    await site?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const gatewayUrl = () => {
    const url = relay.handle.services.gatewayUrl;
    if (url === null) throw new Error('the daemon runs no gateway');
    return url;
  };
  const local = async () => (await addonStorage(browser!)).local;
  /** The site's page requests (the browser's favicon requests come and go on their own). */
  const pages = () => site.seen.filter((r) => r.path !== '/favicon.ico');
  const spentAtGateway = () => (relay.handle.store.db.prepare('SELECT count(*) AS n FROM spent').get() as { n: number }).n;

  it('spends one ticket at the boosted site and reuses its session on reload', async () => {
    browser = await launchChromium(undefined, { netLog });
    expect(await addRelayInOptions(browser, relay.descriptorUrl)).toBe('');
    await waitFor('a ticket in the wallet', async () => ((await local())['wallet'] as WalletJson | undefined)?.tickets.length ?? 0, (n) => n >= 1);

    // Stop mining so the wallet only changes by spending.
    const popup = await browser.context.newPage();
    await popup.goto(`chrome-extension://${browser.extensionId}/popup.html`);
    await popup.locator('#mining').uncheck();
    await popup.close();
    // Once the add-on's connection is gone no ticket can arrive: the wallet changes only by spending.
    await waitFor('the add-on disconnected', () => relay.stats(), (s) => s.sessions === 0, 15_000);
    const before = ((await local())['wallet'] as WalletJson).tickets.length;
    expect(before).toBeGreaterThanOrEqual(1);

    // Priority mode on and host access granted, but the site not boosted: opening it spends nothing.
    await grantSiteAccess(browser, 'http://127.0.0.1/*');
    const options = await browser.context.newPage();
    await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
    await options.locator('#priority').check();
    await waitFor('priority mode on', async () => ((await local())['settings'] as { priorityMode: boolean }).priorityMode, (on) => on, 10_000);
    const page = await browser.context.newPage();
    await page.goto(`${gatewayUrl()}/first`);
    await new Promise((r) => setTimeout(r, 1500));
    expect(pages().filter((r) => r.path === '/first').map((r) => r.workpassClass)).toEqual(['free']);
    expect(spentAtGateway()).toBe(0);

    await options.locator('#boost-input').fill(gatewayUrl());
    await options.locator('#add-boost-button').click();
    await options.waitForFunction(
      (s) => (document.getElementById('boosted')?.textContent ?? '').includes(s) || (document.getElementById('boost-error')?.textContent ?? '') !== '',
      gatewayUrl(), { timeout: 15_000 },
    );
    expect(await options.locator('#boost-error').textContent()).toBe('');
    const settings = (await local())['settings'] as { priorityMode: boolean; boostedSites: string[] };
    expect(settings).toMatchObject({ priorityMode: true, boostedSites: [gatewayUrl()] });

    await page.goto(`${gatewayUrl()}/video`);
    // The free response's challenge makes the add-on spend and reload the tab: the site then
    // serves the page in a paid class.
    await waitFor('the page served with priority', async () => pages().filter((r) => r.path === '/video').map((r) => r.workpassClass), (c) => c.includes('group4'), 30_000);
    await page.waitForFunction(() => document.getElementById('class')?.textContent === 'group4', undefined, { timeout: 15_000 });
    expect(spentAtGateway()).toBe(1);
    const spends = (await local())['spends'] as SpendsJson;
    expect(spends.pending).toEqual([]);
    expect(spends.sessions).toMatchObject([{ site: gatewayUrl(), className: 'group4' }]);
    expect(spends.log).toMatchObject([{ site: gatewayUrl(), outcome: 'spent', detail: 'group4' }]);
    expect(((await local())['wallet'] as WalletJson).tickets.length).toBe(before - 1);

    // Reload: the session rule carries the credential; nothing more is spent.
    const seenBefore = pages().length;
    await page.reload();
    await page.waitForFunction(() => document.getElementById('class')?.textContent === 'group4', undefined, { timeout: 15_000 });
    expect(pages().slice(seenBefore).map((r) => r.workpassClass)).toEqual(['group4']);
    await new Promise((r) => setTimeout(r, 1000));
    expect(spentAtGateway()).toBe(1);
    expect(((await local())['wallet'] as WalletJson).tickets.length).toBe(before - 1);
    // Our credentials never reach the site behind the gateway.
    expect(site.seen.every((r) => r.authorization === null)).toBe(true);

    // The popup shows what was spent where.
    const popup2 = await browser.context.newPage();
    await popup2.goto(`chrome-extension://${browser.extensionId}/popup.html`);
    await popup2.waitForFunction((s) => (document.getElementById('spends')?.textContent ?? '').includes(s), gatewayUrl(), { timeout: 10_000 });
    await popup2.close();

    // The add-on itself reached only the relay (descriptor, WebSocket) and the boosted site.
    const extensionId = browser.extensionId;
    await browser.close();
    browser = null;
    const addon = netLogRequests(netLog).filter((r) => r.initiator === `chrome-extension://${extensionId}`);
    const allowed = (url: string) => url === relay.descriptorUrl || url.startsWith(relay.handle.ws.url) || url.startsWith(`${gatewayUrl()}/`);
    expect(addon.filter((r) => !allowed(r.url))).toEqual([]);
    expect(addon.filter((r) => r.url.startsWith(`${gatewayUrl()}/`)).map((r) => r.url)).toEqual([`${gatewayUrl()}/video`]);
  });
});
