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

/** The add-on's service worker as Chromium's DevTools protocol reports it, after a stop. */
export interface StoppedServiceWorker {
  /** When Chromium stopped it (Date.now()). */
  readonly stoppedAt: number;
  /** Resolves with the time (Date.now()) it next runs: something woke it. */
  running(timeoutMs: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * Stops the add-on's service worker as Chromium does when it finds it idle (CDP
 * ServiceWorker.stopAllWorkers) and resolves once Chromium reports it stopped; then watches for
 * its next start. (Playwright keeps one Worker handle across the restart; it evaluates in the new life.)
 */
export async function stopServiceWorker(b: ChromiumWithAddon, timeoutMs = 10_000): Promise<StoppedServiceWorker> {
  type Version = { scriptURL: string; runningStatus: string };
  const script = `chrome-extension://${b.extensionId}/`;
  // Every status change Chromium reports, in order, with when it came.
  const seen: { status: string; at: number }[] = [];
  const listeners = new Set<() => void>();
  /** The first change to `status` at index `from` or later. */
  const reach = (status: string, from: number, ms: number) => new Promise<{ at: number; index: number }>((resolve, reject) => {
    const check = () => {
      const index = seen.findIndex((x, i) => i >= from && x.status === status);
      if (index < 0) return;
      done();
      resolve({ at: seen[index]!.at, index });
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`the service worker was not ${status} within ${ms} ms (last: ${seen.at(-1)?.status ?? 'none'})`));
    }, ms);
    const done = () => {
      clearTimeout(timer);
      listeners.delete(check);
    };
    listeners.add(check);
    check();
  });
  const page = await b.context.newPage();
  try {
    const cdp = await b.context.newCDPSession(page);
    cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }: { versions: Version[] }) => {
      const ours = versions.find((v) => v.scriptURL.startsWith(script));
      if (ours === undefined || ours.runningStatus === seen.at(-1)?.status) return;
      seen.push({ status: ours.runningStatus, at: Date.now() });
      for (const f of [...listeners]) f();
    });
    await cdp.send('ServiceWorker.enable');
    const from = seen.length;
    await cdp.send('ServiceWorker.stopAllWorkers');
    const stopped = await reach('stopped', from, timeoutMs);
    return {
      stoppedAt: stopped.at,
      running: async (ms) => (await reach('running', stopped.index + 1, ms)).at,
      async close() {
        await cdp.detach().catch(() => undefined);
        await page.close();
      },
    };
  } catch (e) {
    await page.close();
    throw e;
  }
}
