// The thin slice in Firefox ESR with Tor Browser's prefs: the relay's descriptor page -> the add-on's
// "add this relay" (content script) -> event page -> WebAssembly kernel in a Worker -> share -> the
// real daemon counts it. The relay is added as a user would, from its descriptor page; the add-on's
// own pages are opened only to read its storage.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addonStorageLocal, launchFirefox, type FirefoxWithAddon } from './lib/firefox.js';
import { startTestRelay, waitFor, type TestRelay } from './lib/relay.js';
import { serveTamperedDescriptor } from './lib/tampered-descriptor.js';

describe('add-on in Firefox ESR (Tor Browser prefs)', () => {
  let relay: TestRelay;
  let browser: FirefoxWithAddon;
  const profile = mkdtempSync(join(tmpdir(), 'workpass-firefox-'));

  beforeAll(async () => {
    // A ticket costs four shares at the starting difficulty.
    relay = await startTestRelay(0.0002, 0.0008);
    browser = await launchFirefox(profile);
  });
  afterAll(async () => {
    await browser?.close();
    await relay?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  async function clickAddRelay(url: string): Promise<[string | undefined, string | null]> {
    const page = await browser.browser.newPage();
    try {
      await page.goto(url);
      await page.waitForSelector('#workpass-add-relay', { timeout: 15_000 });
      await page.click('#workpass-add-relay');
      await page.waitForSelector('#workpass-add-relay-result[data-state]', { timeout: 15_000 });
      return await page.$eval('#workpass-add-relay-result', (e) => [(e as HTMLElement).dataset.state, e.textContent] as [string | undefined, string | null]);
    } finally {
      await page.close();
    }
  }

  it('refuses a relay whose descriptor signature is bad, with an error on the page', async () => {
    const bad = await serveTamperedDescriptor(relay.descriptorUrl);
    try {
      const [state, text] = await clickAddRelay(bad.url);
      expect(state).toBe('error');
      expect(text).toMatch(/descriptor signature bad/);
    } finally {
      await bad.close();
    }
    expect((await relay.stats()).sessions).toBe(0);
  });

  it('adds the relay from its descriptor page, mines shares the daemon accepts and collects a ticket', async () => {
    const [state] = await clickAddRelay(relay.descriptorUrl);
    expect(state).toBe('added');
    const accepted = await waitFor('accepted shares', () => relay.accepted(), (n) => n >= 1);
    expect(accepted).toBeGreaterThanOrEqual(1);
    // ticket.sign answered for the add-on's session: blinding, unblinding and verifying ran in the add-on.
    const stats = await waitFor('a ticket issued', () => relay.stats(), (s) => s.tickets.issued >= 1);
    expect(stats.tickets.issued).toBeGreaterThanOrEqual(1);
  });

  /** The add-on's wallet, read from storage.local in its options page. */
  async function walletTickets(): Promise<string[]> {
    const w = (await addonStorageLocal(browser))['wallet'] as { tickets?: { text: string }[] } | undefined;
    return (w?.tickets ?? []).map((t) => t.text);
  }

  it('keeps its relay and its tickets across a browser restart with the same profile and mines on', async () => {
    const tickets = await waitFor('a ticket in the wallet', () => walletTickets(), (t) => t.length >= 1, 30_000);
    await browser.close(true);
    const before = await relay.accepted();
    browser = await launchFirefox(profile);
    // Nothing is clicked this time: the relay comes from storage.local, which survived the restart.
    const after = await waitFor('a share after the restart', () => relay.accepted(), (n) => n > before, 60_000);
    expect(after).toBeGreaterThan(before);
    // Every ticket stored before the restart is still there (more may have been earned since).
    expect(await walletTickets()).toEqual(expect.arrayContaining(tickets));
  });

  it('adding the relay in the options page asks for its host (given back on removal); with no local SOCKS proxy it says circuits are not separated', async () => {
    const options = await browser.addonPage('options.html');
    try {
      // Added from its descriptor page (a content script cannot ask): not isolated yet.
      await options.waitForSelector('.relay-isolation[data-isolation]', { timeout: 15_000 });
      expect(await options.$eval('.relay-isolation', (e) => (e as HTMLElement).dataset.isolation)).toBe('off');
      await options.type('#relay-input', relay.descriptorUrl);
      await options.click('#add-relay-button');
      // This profile has no proxy (the Tor suite has one and sees "on"): access is granted, but
      // there is nothing to isolate through, and the page says so instead of claiming isolation.
      await options.waitForSelector('.relay-isolation[data-isolation="unavailable"]', { timeout: 15_000 });
      const hostGranted = () => options.evaluate(async (url) => {
        const api = (globalThis as unknown as { browser: { permissions: { contains(p: { origins: string[] }): Promise<boolean> } } }).browser;
        return api.permissions.contains({ origins: [`ws://${new URL(url).hostname}/*`] });
      }, relay.descriptorUrl);
      expect(await hostGranted()).toBe(true);
      expect(await options.$eval('#relay-error', (e) => e.textContent)).toBe('');
      expect(await options.$$eval('#relays li', (els) => els.length)).toBe(1);
      // Removing the relay gives its host access back.
      await options.click('#relays li button.remove-relay');
      await options.waitForFunction(() => document.querySelectorAll('#relays li').length === 0, { timeout: 15_000 });
      await waitFor('the relay host given back', () => hostGranted(), (g) => !g, 10_000);
    } finally {
      await options.close();
    }
  });
});
