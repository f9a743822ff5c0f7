// The add-on as a Tor Browser user runs it: Firefox ESR with Tor Browser's prefs and
// browser.privatebrowsing.autostart (every window private). Firefox runs no add-on in a private
// window until the user allows it ("Run in Private Windows" in about:addons); the test does what
// that switch does (e2e/lib/firefox-private.ts), adds the relay from its descriptor page, mines,
// earns a ticket, and restarts the browser on the same profile to see what survived.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addonStorageLocal, launchFirefox, type FirefoxWithAddon } from './lib/firefox.js';
import { allowInPrivateWindows, installFromFileWithPrompt, PERMANENT_PRIVATE_PREFS, privateBrowsingAccess } from './lib/firefox-private.js';
import { firefoxExtensionDir, repoRoot } from './lib/paths.js';
import { startTestRelay, waitFor, type TestRelay } from './lib/relay.js';

interface StoredSettings {
  relays?: { endpoint: string; descriptorUrl: string }[];
  activeRelay?: string | null;
  mining?: boolean;
}
interface StoredWallet {
  tickets?: { text: string }[];
}

describe('add-on in Firefox ESR under permanent private browsing (Tor Browser)', () => {
  let relay: TestRelay;
  let browser: FirefoxWithAddon;
  const profile = mkdtempSync(join(tmpdir(), 'workpass-firefox-private-'));

  beforeAll(async () => {
    // A ticket costs four shares at the starting difficulty.
    relay = await startTestRelay(0.0002, 0.0008);
    browser = await launchFirefox(profile, PERMANENT_PRIVATE_PREFS);
  });
  afterAll(async () => {
    await browser?.close();
    await relay?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  /** The descriptor page, loaded, in a tab (private, like every tab here). */
  async function descriptorPage(): Promise<Page> {
    const page = await browser.browser.newPage();
    await page.goto(relay.descriptorUrl);
    return page;
  }

  async function clickAddRelay(): Promise<string | undefined> {
    const page = await descriptorPage();
    try {
      await page.waitForSelector('#workpass-add-relay', { timeout: 15_000 });
      await page.click('#workpass-add-relay');
      await page.waitForSelector('#workpass-add-relay-result[data-state]', { timeout: 15_000 });
      return await page.$eval('#workpass-add-relay-result', (e) => (e as HTMLElement).dataset.state);
    } finally {
      await page.close();
    }
  }

  /** typeof browser in the add-on's options page: 'object' when the add-on runs there. */
  async function optionsPageApi(): Promise<string> {
    const page = await browser.addonPage('options.html');
    try {
      return await page.evaluate(() => typeof (globalThis as { browser?: unknown }).browser);
    } finally {
      await page.close();
    }
  }

  async function stored(): Promise<{ settings: StoredSettings | undefined; tickets: string[] }> {
    const local = await addonStorageLocal(browser);
    const wallet = local['wallet'] as StoredWallet | undefined;
    return { settings: local['settings'] as StoredSettings | undefined, tickets: (wallet?.tickets ?? []).map((t) => t.text) };
  }

  it('does not run at all until allowed in private windows', async () => {
    // The grant helper refuses an id that is not a gecko add-on id (it goes into privileged script).
    await expect(allowInPrivateWindows({ ...browser, addonId: "x'); Services.prefs.resetUserPrefs(); ('" })).rejects.toThrow(TypeError);
    expect(await privateBrowsingAccess(browser)).toMatchObject({
      permanentPrivateBrowsing: true, granted: false, allowed: false, userCanChange: true,
    });
    // Its own page opens, but as a plain page: no extension API in a private window.
    expect(await optionsPageApi()).toBe('undefined');
    // No content script on the descriptor page (the same page gets the button within a second
    // once allowed, below).
    const page = await descriptorPage();
    try {
      await expect(page.waitForSelector('#workpass-add-relay', { timeout: 5_000 })).rejects.toThrow(/Waiting for selector/);
    } finally {
      await page.close();
    }
    expect((await relay.stats()).sessions).toBe(0);
  });

  it('allowed as about:addons does, it adds the relay from its descriptor page, mines and earns a ticket', async () => {
    expect(await allowInPrivateWindows(browser)).toMatchObject({ granted: true, allowed: true });
    expect(await optionsPageApi()).toBe('object');
    expect(await clickAddRelay()).toBe('added');
    await waitFor('accepted shares', () => relay.accepted(), (n) => n >= 1);
    const stats = await waitFor('a ticket issued', () => relay.stats(), (s) => s.tickets.issued >= 1);
    expect(stats.tickets.issued).toBeGreaterThanOrEqual(1);
    const { settings, tickets } = await waitFor('a ticket in the wallet', () => stored(), (s) => s.tickets.length >= 1, 30_000);
    expect(settings?.relays?.map((r) => r.descriptorUrl)).toEqual([relay.descriptorUrl]);
    expect(tickets.length).toBeGreaterThanOrEqual(1);
  });

  it('after a browser restart on the same profile, its storage.local (relay, wallet) is still there', async () => {
    const before = await stored();
    expect(before.tickets.length).toBeGreaterThanOrEqual(1);
    await browser.close(true);
    const acceptedBefore = await relay.accepted();
    browser = await launchFirefox(profile, PERMANENT_PRIVATE_PREFS);
    // The launcher installs the add-on anew (a temporary add-on) on every launch, yet the grant
    // is still there: Firefox keeps it in the profile (extension-preferences.json) and drops it
    // only when the add-on is disabled or uninstalled. Nothing is granted again here.
    expect(await privateBrowsingAccess(browser)).toMatchObject({
      permanentPrivateBrowsing: true, temporarilyInstalled: true, granted: true, allowed: true,
    });
    // Nothing is clicked: the relay comes from storage.local, which survived the restart.
    const after = await waitFor('a share after the restart', () => relay.accepted(), (n) => n > acceptedBefore, 60_000);
    expect(after).toBeGreaterThan(acceptedBefore);
    const now = await stored();
    expect(now.settings?.relays?.map((r) => r.descriptorUrl)).toEqual([relay.descriptorUrl]);
    expect(now.settings?.activeRelay).toBe(before.settings?.activeRelay);
    expect(now.tickets).toEqual(expect.arrayContaining(before.tickets));
  });

  it('installed from its .xpi as a user does, the install prompt offers "Run in Private Windows" already checked', async () => {
    // The packaged add-on (npm run build:ext), unsigned here: Tor Browser would want AMO's signature.
    const { version } = JSON.parse(readFileSync(join(firefoxExtensionDir, 'manifest.json'), 'utf8')) as { version: string };
    const xpi = join(repoRoot, 'dist', `workpass-firefox-${version}.xpi`);
    const user = await launchFirefox(undefined, { ...PERMANENT_PRIVATE_PREFS, 'xpinstall.signatures.required': false });
    try {
      expect(await installFromFileWithPrompt(user, xpi)).toEqual({ showIncognitoCheckbox: true, grantPrivateBrowsingAllowed: true });
      const access = await waitFor('the installed add-on running', () => privateBrowsingAccess(user), (a) => a.allowed, 20_000);
      expect(access).toMatchObject({ permanentPrivateBrowsing: true, temporarilyInstalled: false, granted: true, allowed: true });
      const page = await user.browser.newPage();
      try {
        await page.goto(relay.descriptorUrl);
        await page.waitForSelector('#workpass-add-relay', { timeout: 15_000 });
      } finally {
        await page.close();
      }
    } finally {
      await user.close();
    }
  });
});
