/**
 * Adding a relay in Firefox the way a user does: open the relay's descriptor page, click the
 * add-on's "add this relay" button, and wait for the add-on's verdict on the page.
 */
import type { Browser } from 'puppeteer-core';

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
