import { browser } from './browser.js';
import { socksProxyOf } from './socks-isolation.js';

/**
 * Access to a relay's host, which circuit isolation needs (socks-isolation.ts): Firefox fires
 * proxy.onRequest only for hosts the add-on may access. Asked for from a click in an add-on page (the
 * browser prompts for this one host); Chromium has no per-request proxy, so nothing is asked there.
 */

/** True where the browser lets the add-on choose a proxy per request (Firefox, Tor Browser). */
export function isolationAvailable(): boolean {
  return typeof (browser as { proxy?: { onRequest?: { addListener?: unknown } } }).proxy?.onRequest?.addListener === 'function';
}

/** ws, wss, http and https on the URL's host (any port), or null when it is not such a URL. */
export function relayHostPatterns(url: string): string[] | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (!['ws:', 'wss:', 'http:', 'https:'].includes(u.protocol) || u.hostname === '') return null;
  return ['ws', 'wss', 'http', 'https'].map((scheme) => `${scheme}://${u.hostname}/*`);
}

export async function hasRelayAccess(url: string): Promise<boolean> {
  const origins = relayHostPatterns(url);
  return origins !== null && await browser.permissions.contains({ origins });
}

/** Asks for access to the relay's host; must run inside a user's click or submit. */
export async function requestRelayAccess(url: string): Promise<boolean> {
  const origins = relayHostPatterns(url);
  return origins !== null && await browser.permissions.request({ origins });
}

/**
 * Whether the browser's proxy is one the add-on isolates through (a local SOCKS 5 proxy with remote
 * DNS, as in Tor Browser): without it, host access alone changes nothing.
 */
export async function isolationEffective(): Promise<boolean> {
  const api = (browser as { proxy?: { settings?: { get(d: object): Promise<{ value: unknown }> } } }).proxy?.settings;
  if (api === undefined) return false;
  try {
    return socksProxyOf((await api.get({})).value) !== null;
  } catch {
    return false;
  }
}

/**
 * Gives back the access asked for a relay's host once the relay is removed, unless another relay or
 * a boosted site is on the same host (match patterns have no port, so they share it).
 */
export async function releaseRelayAccess(endpoint: string, stillUsed: readonly string[]): Promise<void> {
  const origins = relayHostPatterns(endpoint);
  if (origins === null) return;
  const host = new URL(endpoint).hostname;
  if (stillUsed.some((url) => URL.canParse(url) && new URL(url).hostname === host)) return;
  await browser.permissions.remove({ origins }).catch(() => false);
}
