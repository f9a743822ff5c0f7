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

/** Debian's chromium, headless, with the unpacked dist/chromium add-on loaded. */
export async function launchChromium(userDataDir?: string): Promise<ChromiumWithAddon> {
  requireBuilt(chromiumExtensionDir);
  const dir = userDataDir ?? mkdtempSync(join(tmpdir(), 'workpass-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM_BIN,
    headless: true,
    args: [
      '--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
      `--disable-extensions-except=${chromiumExtensionDir}`, `--load-extension=${chromiumExtensionDir}`,
    ],
  });
  try {
    const background = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
    const extensionId = new URL(background.url()).host;
    return {
      context, extensionId, background, userDataDir: dir,
      async close(keepProfile = false) {
        await context.close();
        if (!keepProfile) rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await context.close();
    throw e;
  }
}
