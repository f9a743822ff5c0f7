// The thin slice in Chromium: options page -> relay descriptor -> service worker -> offscreen document
// -> WebAssembly kernel in a Worker -> share -> the real daemon counts it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addonStorage, launchChromium, stopServiceWorker, type ChromiumWithAddon } from './lib/chromium.js';
import { startTestRelay, waitFor, type TestRelay } from './lib/relay.js';

describe('add-on in Chromium', () => {
  let relay: TestRelay;
  let browser: ChromiumWithAddon;

  beforeAll(async () => {
    relay = await startTestRelay();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await relay?.close();
  });

  it('mines a share that the relay daemon accepts', async () => {
    const page = await browser.context.newPage();
    await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
    await page.locator('#relay-input').fill(relay.descriptorUrl);
    await page.locator('#add-relay-button').click();
    await page.locator('#relays li').first().waitFor({ timeout: 15_000 });
    expect(await page.locator('#relay-error').textContent()).toBe('');
    const accepted = await waitFor('accepted shares', () => relay.accepted(), (n) => n >= 1);
    expect(accepted).toBeGreaterThanOrEqual(1);
    // The add-on saw it too, and mined in the offscreen document (a service worker has no Worker).
    const { status, offscreen } = await browser.background.evaluate(async () => {
      type Chrome = {
        storage: { session: { get(k: string): Promise<Record<string, unknown>> } };
        runtime: { getContexts(f: { contextTypes: string[] }): Promise<unknown[]> };
      };
      const c = (globalThis as unknown as { chrome: Chrome }).chrome;
      return {
        status: (await c.storage.session.get('status'))['status'] as { accepted: number; state: string },
        offscreen: (await c.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] })).length,
      };
    });
    expect(status.state).toBe('mining');
    expect(status.accepted).toBeGreaterThanOrEqual(1);
    expect(offscreen).toBe(1);
  });

  it('has a localized popup that works from the keyboard', async () => {
    const page = await browser.context.newPage();
    await page.goto(`chrome-extension://${browser.extensionId}/popup.html`);
    await page.locator('#state').filter({ hasText: /\S/ }).waitFor();
    expect(await page.locator('h1').textContent()).toBe('workpass');
    expect(await page.locator('label[for], label').first().textContent()).toMatch(/Mining/);
    // Tab reaches the mining switch first; Space turns mining off, and the background says so.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('mining');
    await page.keyboard.press('Space');
    await page.locator('#state').filter({ hasText: 'Idle' }).waitFor({ timeout: 10_000 });
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('donation');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('priority');
    // Space turns priority mode on and the background stores it; Space again turns it off.
    const priorityMode = async () => ((await addonStorage(browser)).local['settings'] as { priorityMode: boolean }).priorityMode;
    await page.keyboard.press('Space');
    await waitFor('priority mode on', priorityMode, (on) => on, 10_000);
    await page.keyboard.press('Space');
    await waitFor('priority mode off', priorityMode, (on) => !on, 10_000);
    // This popup is a tab of its own: its page cannot be boosted, so the boost button is hidden.
    expect(await page.locator('#boost').isHidden()).toBe(true);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('open-options');
    // Mining off released the workers: the offscreen document is gone.
    const offscreen = await browser.background.evaluate(async () => {
      const c = (globalThis as unknown as { chrome: { runtime: { getContexts(f: { contextTypes: string[] }): Promise<unknown[]> } } }).chrome;
      return (await c.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] })).length;
    });
    expect(offscreen).toBe(0);
    await page.close();
  });

  it('keeps mining after Chromium stops its service worker, with its counters intact', async () => {
    // Mining back on (the previous test turned it off), and really under way again before the
    // service worker is stopped: new shares, not the ones counted before mining was turned off.
    const acceptedBefore = await relay.accepted();
    const popup = await browser.context.newPage();
    await popup.goto(`chrome-extension://${browser.extensionId}/popup.html`);
    await popup.locator('#mining').check();
    await popup.close();
    await waitFor('mining again', () => relay.accepted(), (n) => n >= acceptedBefore + 2);
    type Status = { accepted: number; state: string };
    const read = (w: typeof browser.background) => w.evaluate(async () => {
      const c = (globalThis as unknown as { chrome: { storage: { session: { get(k: string): Promise<Record<string, unknown>> } } } }).chrome;
      return (await c.storage.session.get('status'))['status'] as Status;
    });
    await browser.background.evaluate(() => {
      (globalThis as unknown as { lifeMark: number }).lifeMark = 1;
    });
    const countedBefore = (await read(browser.background)).accepted;
    // The offscreen document's next report restarts it (e2e/chromium-wake.test.ts: a stop before
    // anything reports, which only the wake-up alarm undoes).
    const stopped = await stopServiceWorker(browser);
    try {
      const acceptedAtStop = await relay.accepted();
      await stopped.running(30_000);
      await waitFor('shares after the restart', () => relay.accepted(), (n) => n >= acceptedAtStop + 3);
    } finally {
      await stopped.close();
    }
    // A new life of the background (the mark is gone), same counters (they live in storage.session).
    expect(await browser.background.evaluate(() => (globalThis as unknown as { lifeMark?: number }).lifeMark)).toBeUndefined();
    const after = await read(browser.background);
    expect(after.state).toBe('mining');
    expect(after.accepted).toBeGreaterThan(countedBefore);
  });
});
