import { ask } from './ask.js';
import { browser } from './browser.js';
import type { State } from '../messages.js';

/** The host-access pattern asked for when a site is boosted: that origin only. */
export function originPattern(origin: string): string {
  return `${origin}/*`;
}

/**
 * Boosts a site from a click in an add-on page: asks the user for access to that one origin (the
 * browser shows its prompt; this must run inside the click), then tells the background. The
 * background also boosts on the permission's grant, for a popup the prompt closed.
 */
export async function boostSite(origin: string): Promise<State> {
  const granted = await browser.permissions.request({ origins: [originPattern(origin)] });
  if (!granted) throw new Error(browser.i18n.getMessage('boostDenied', origin) || `access to ${origin} was not granted`);
  return ask({ type: 'addBoost', origin });
}
