import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Worker } from 'playwright-core';
import { CHROMIUM_BIN, chromiumExtensionDir, requireBuilt } from './paths.js';

export interface ChromiumWithAddon {
  readonly context: BrowserContext;
  readonly extensionId: string;
  readonly background: Worker;
  readonly userDataDir: string;
  /** Closes the browser; removes the profile unless `keepProfile`. */
  close(keepProfile?: boolean): Promise<void>;
}

export interface LaunchOptions {
  /** Write Chromium's NetLog (every network request the browser makes) to this file. */
  readonly netLog?: string;
}

/** Debian's chromium, headless, with the unpacked dist/chromium add-on loaded. */
export async function launchChromium(userDataDir?: string, options: LaunchOptions = {}): Promise<ChromiumWithAddon> {
  requireBuilt(chromiumExtensionDir);
  const dir = userDataDir ?? mkdtempSync(join(tmpdir(), 'workpass-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM_BIN,
    headless: true,
    // The caller closes the browser (and removes its profile) on signals itself.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    args: [
      '--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
      `--disable-extensions-except=${chromiumExtensionDir}`, `--load-extension=${chromiumExtensionDir}`,
      ...(options.netLog !== undefined ? [`--log-net-log=${options.netLog}`, '--net-log-capture-mode=Default'] : []),
    ],
  });
  try {
    const background = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
    const extensionId = new URL(background.url()).host;
    return {
      context, extensionId, background, userDataDir: dir,
      async close(keepProfile = false) {
        try {
          await context.close();
        } finally {
          if (!keepProfile) rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (e) {
    await context.close();
    if (userDataDir === undefined) rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** What the add-on keeps, read from its service worker: settings, status and the wallet. */
export async function addonStorage(b: ChromiumWithAddon): Promise<{ local: Record<string, unknown>; session: Record<string, unknown> }> {
  return b.background.evaluate(async () => {
    type Area = { get(k: null): Promise<Record<string, unknown>> };
    const c = (globalThis as unknown as { chrome: { storage: { local: Area; session: Area } } }).chrome;
    return { local: await c.storage.local.get(null), session: await c.storage.session.get(null) };
  });
}

/** Adds a relay through the options page, as a user would; returns the page's error text ('' if none). */
export async function addRelayInOptions(b: ChromiumWithAddon, descriptorUrl: string): Promise<string> {
  const page = await b.context.newPage();
  try {
    await page.goto(`chrome-extension://${b.extensionId}/options.html`);
    const before = await page.locator('#relays li').count();
    await page.locator('#relay-input').fill(descriptorUrl);
    await page.locator('#add-relay-button').click();
    await page.waitForFunction(
      (n) => document.querySelectorAll('#relays li').length > n || (document.getElementById('relay-error')?.textContent ?? '') !== '',
      before, { timeout: 15_000 },
    );
    return (await page.locator('#relay-error').textContent()) ?? '';
  } finally {
    await page.close();
  }
}

/**
 * Grants the add-on access to a host the way the user can in chrome://extensions ("Site access"):
 * the permission prompt of permissions.request is browser UI that automation cannot click, and a
 * request for access already granted there resolves at once, without the prompt.
 */
export async function grantSiteAccess(b: ChromiumWithAddon, pattern: string): Promise<void> {
  const page = await b.context.newPage();
  try {
    await page.goto('chrome://extensions');
    await page.evaluate(async ([id, p]) => {
      type DeveloperPrivate = { addHostPermission(id: string, host: string): Promise<void> };
      await (globalThis as unknown as { chrome: { developerPrivate: DeveloperPrivate } }).chrome.developerPrivate.addHostPermission(id!, p!);
    }, [b.extensionId, pattern]);
  } finally {
    await page.close();
  }
}
