import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { FIREFOX_BIN, firefoxExtensionDir, requireBuilt } from './paths.js';

/**
 * Tor Browser's preferences that matter to the add-on (DESIGN.md, checked on firefox-esr 153):
 * resistFingerprinting, and the Safer security level's switches, `javascript.options.wasm` off
 * included. The add-on's event page and its Workers still instantiate WebAssembly under them (every
 * Firefox e2e test mines with these prefs).
 */
export const TOR_BROWSER_PREFS: Record<string, unknown> = {
  'privacy.resistFingerprinting': true,
  'javascript.options.ion': false,
  'javascript.options.baselinejit': false,
  'javascript.options.native_regexp': false,
  'javascript.options.asmjs': false,
  'javascript.options.wasm': false,
};

/** manifest.json browser_specific_settings.gecko.id */
const ADDON_ID = 'workpass@workpass.example';

/** Keeps the test browser quiet and local: no update checks, telemetry or first-run pages. */
const QUIET_PREFS: Record<string, unknown> = {
  'app.update.enabled': false,
  'browser.shell.checkDefaultBrowser': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.enabled': false,
  'extensions.update.enabled': false,
  'browser.startup.homepage_override.mstone': 'ignore',
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'extensions.blocklist.enabled': false,
  // Tor Browser points remote settings at a dummy server; so does the test profile.
  'services.settings.server': 'data:,#remote-settings-dummy/v1',
};

export interface FirefoxWithAddon {
  readonly browser: Browser;
  readonly addonId: string;
  readonly userDataDir: string;
  /** moz-extension://<uuid>/ of the installed add-on. */
  readonly addonBase: string;
  /** Opens one of the add-on's pages (options.html, popup.html) in a new tab, loaded. */
  addonPage(path: string): Promise<Page>;
  close(keepProfile?: boolean): Promise<void>;
}

/**
 * The add-on's pages. WebDriver BiDi refuses to navigate to moz-extension:// unless Firefox runs
 * with --remote-allow-system-access; the add-on's internal UUID is pinned by the
 * extensions.webextensions.uuids pref so the test knows its URLs. The navigation swaps the tab into
 * the extension process and puppeteer's goto never sees it finish, so readiness is polled.
 */
async function openAddonPage(browser: Browser, base: string, path: string): Promise<Page> {
  const page = await browser.newPage();
  const url = base + path;
  void page.goto(url, { timeout: 20_000 }).catch(() => undefined);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ready = await page.evaluate(() => `${location.href} ${document.readyState}`).catch(() => '');
    if (ready === `${url} complete`) return page;
    if (Date.now() > deadline) throw new Error(`add-on page ${path} did not load (${ready || 'no document'})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The add-on's internal UUID for this profile, the same on every launch: its storage belongs to the
 * moz-extension://<uuid> origin, so a new UUID would look like a fresh install.
 */
function addonUuid(profile: string): string {
  const file = join(profile, 'workpass-addon-uuid');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const uuid = randomUUID();
  writeFileSync(file, uuid);
  return uuid;
}

/** Debian's firefox-esr over WebDriver BiDi, with Tor Browser's prefs and dist/firefox installed. */
export async function launchFirefox(userDataDir?: string, extraPrefs: Record<string, unknown> = {}): Promise<FirefoxWithAddon> {
  requireBuilt(firefoxExtensionDir);
  const dir = userDataDir ?? mkdtempSync(join(tmpdir(), 'workpass-firefox-'));
  const uuid = addonUuid(dir);
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_BIN,
    headless: true,
    protocol: 'webDriverBiDi',
    userDataDir: dir,
    // The caller closes the browser (and removes its profile) on signals itself.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      ...QUIET_PREFS, ...TOR_BROWSER_PREFS,
      'extensions.webextensions.uuids': JSON.stringify({ [ADDON_ID]: uuid }),
      // Grants what the add-on asks for from a click (the user's "Allow" in the prompt).
      'extensions.webextOptionalPermissionPrompts': false,
      ...extraPrefs,
    },
  });
  try {
    const addonId = await browser.installExtension(firefoxExtensionDir);
    if (addonId !== ADDON_ID) throw new Error(`installed add-on has id ${addonId}, expected ${ADDON_ID}`);
    const addonBase = `moz-extension://${uuid}/`;
    return {
      browser, addonId, userDataDir: dir, addonBase,
      addonPage: (path) => openAddonPage(browser, addonBase, path),
      async close(keepProfile = false) {
        try {
          await browser.close();
        } finally {
          if (!keepProfile) rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (e) {
    await browser.close();
    if (userDataDir === undefined) rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** The add-on's storage.local, read in one of its own pages (as the add-on itself sees it). */
export async function addonStorageLocal(ff: FirefoxWithAddon): Promise<Record<string, unknown>> {
  const page = await ff.addonPage('options.html');
  try {
    return await page.evaluate(async () => {
      const api = (globalThis as unknown as { browser: { storage: { local: { get(): Promise<Record<string, unknown>> } } } }).browser;
      return api.storage.local.get();
    });
  } finally {
    await page.close();
  }
}
