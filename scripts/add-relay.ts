/**
 * Adding a relay in Firefox the way a user does: open the relay's descriptor page, click the
 * add-on's "add this relay" button, and wait for the add-on's verdict on the page.
 */
import type { Browser } from 'puppeteer-core';
import type { FirefoxWithAddon } from '../e2e/lib/firefox.js';

/** Resolves once the add-on has added the relay; throws with the add-on's message if it refused. */
export async function addRelayFromDescriptorPage(browser: Browser, descriptorUrl: string, timeoutMs: number): Promise<void> {
  if (!/^https?:\/\//.test(descriptorUrl)) throw new RangeError(`descriptorUrl: not an http(s) URL: ${descriptorUrl}`);
  const page = await browser.newPage();
  try {
    await page.goto(descriptorUrl, { timeout: timeoutMs });
    await page.waitForSelector('#workpass-add-relay', { timeout: timeoutMs });
    await page.click('#workpass-add-relay');
    await page.waitForSelector('#workpass-add-relay-result[data-state]', { timeout: timeoutMs });
    const [state, text] = await page.$eval('#workpass-add-relay-result', (e) => [(e as HTMLElement).dataset.state, e.textContent]);
    if (state !== 'added') throw new Error(`the add-on refused the relay: ${text ?? ''}`);
  } finally {
    await page.close();
  }
}

/**
 * The user's "Separate circuits" click in the add-on's options page: grants the add-on the relay's
 * host, so each relay session gets SOCKS credentials (a tor circuit) of its own.
 */
export async function isolateRelayCircuits(ff: FirefoxWithAddon, timeoutMs: number): Promise<void> {
  const options = await ff.addonPage('options.html');
  try {
    await options.waitForSelector('.relay-isolation[data-isolation]', { timeout: timeoutMs });
    if (await options.$eval('.relay-isolation', (e) => (e as HTMLElement).dataset.isolation) !== 'on') {
      await options.click('.relay-isolation button.isolate');
      await options.waitForSelector('.relay-isolation[data-isolation="on"]', { timeout: timeoutMs });
    }
  } finally {
    await options.close();
  }
}
