/**
 * The add-on's own status in Firefox (hash rate, workers' share of the machine, tickets), read where
 * the add-on keeps it: storage.session "status" (src/extension/store/status.ts), from one of the
 * add-on's pages kept open for the purpose, and checked with the add-on's own parser.
 */
import type { FirefoxWithAddon } from '../e2e/lib/firefox.js';
import { parseStatus, STATUS_KEY } from '../src/extension/store/status.js';
import type { AddonStatus } from './progress.js';

/** Opens the add-on's options page; returns a reader (null while the add-on has written no status). */
export async function firefoxStatusReader(firefox: FirefoxWithAddon): Promise<() => Promise<AddonStatus | null>> {
  const page = await firefox.addonPage('options.html');
  return async () => {
    const raw = await page.evaluate(async (key) => {
      type Area = { get(k: string): Promise<Record<string, unknown>> };
      const b = (globalThis as unknown as { browser: { storage: { session: Area } } }).browser;
      return (await b.storage.session.get(key))[key];
    }, STATUS_KEY);
    return raw === undefined ? null : parseStatus(raw);
  };
}
