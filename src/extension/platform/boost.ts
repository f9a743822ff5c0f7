import { ask } from './ask.js';
import { browser } from './browser.js';
import type { State } from '../messages.js';
import { hostPattern } from '../store/origin.js';


/**
 * Boosts a site from a click in an add-on page: asks the user for access to that one host (the
 * browser shows its prompt; this must run inside the click), then tells the background, which
 * checks that access was granted.
 */
export async function boostSite(origin: string): Promise<State> {
  const granted = await browser.permissions.request({ origins: [hostPattern(origin)] });
  if (!granted) throw new Error(browser.i18n.getMessage('boostDenied', origin) || `access to ${origin} was not granted`);
  return ask({ type: 'addBoost', origin });
}
