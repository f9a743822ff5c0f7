import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { FIREFOX_BIN, firefoxExtensionDir, requireBuilt } from './paths.js';

/**
 * Tor Browser's preferences that matter to the add-on (DESIGN.md, checked on firefox-esr 153):
 * resistFingerprinting, and the Safer security level's JIT switches. WebAssembly stays on: at Safer,
 * an extension page and its Worker still instantiate WebAssembly.
 */
export const TOR_BROWSER_PREFS: Record<string, unknown> = {
  'privacy.resistFingerprinting': true,
  'javascript.options.ion': false,
  'javascript.options.baselinejit': false,
  'javascript.options.native_regexp': false,
  'javascript.options.asmjs': false,
  'javascript.options.wasm': true,
};

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
  close(keepProfile?: boolean): Promise<void>;
}

/** Debian's firefox-esr over WebDriver BiDi, with Tor Browser's prefs and dist/firefox installed. */
export async function launchFirefox(userDataDir?: string, extraPrefs: Record<string, unknown> = {}): Promise<FirefoxWithAddon> {
  requireBuilt(firefoxExtensionDir);
  const dir = userDataDir ?? mkdtempSync(join(tmpdir(), 'workpass-firefox-'));
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
    extraPrefsFirefox: { ...QUIET_PREFS, ...TOR_BROWSER_PREFS, ...extraPrefs },
  });
  try {
    const addonId = await browser.installExtension(firefoxExtensionDir);
    return {
      browser, addonId, userDataDir: dir,
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
