import type { Settings } from './store/settings.js';
import type { SpendRecord } from './store/spends.js';
import type { MiningStatus } from './store/status.js';

/**
 * Requests from the add-on's own pages (popup, options) and its content script to the background,
 * which is the only writer of the settings. Every request is validated by parseRequest; anything
 * else is ignored.
 *
 *   {to:"background", type:"getState"}                       -> State
 *   {to:"background", type:"addRelay", input}                -> State   (input: descriptor URL)
 *   {to:"background", type:"removeRelay", endpoint}          -> State
 *   {to:"background", type:"setActiveRelay", endpoint}       -> State
 *   {to:"background", type:"setMining", on}                  -> State
 *   {to:"background", type:"setDonation", on}                -> State
 *   {to:"background", type:"setBudget", cpuBudget, randomBand} -> State
 *   {to:"background", type:"setPriority", on}                -> State
 *   {to:"background", type:"addBoost", origin}               -> State   (the page asked for host access first)
 *   {to:"background", type:"removeBoost", origin}            -> State
 *   {to:"background", type:"addRelayFromPage"}               -> State   (content script on a descriptor page;
 *                                                               the URL is the sender's, as the browser says)
 * Answers are {ok:true, state} or {ok:false, error}.
 */
export type Request =
  | { readonly type: 'getState' }
  | { readonly type: 'addRelay'; readonly input: string }
  | { readonly type: 'removeRelay'; readonly endpoint: string }
  | { readonly type: 'setActiveRelay'; readonly endpoint: string }
  | { readonly type: 'setMining'; readonly on: boolean }
  | { readonly type: 'setDonation'; readonly on: boolean }
  | { readonly type: 'setBudget'; readonly cpuBudget: number; readonly randomBand: number }
  | { readonly type: 'setPriority'; readonly on: boolean }
  | { readonly type: 'addBoost'; readonly origin: string }
  | { readonly type: 'removeBoost'; readonly origin: string }
  | { readonly type: 'addRelayFromPage' };

export interface State {
  readonly settings: Settings;
  readonly status: MiningStatus;
  readonly wallet: WalletSummary;
  readonly spending: SpendingSummary;
}

/** What the pages show of spending: the recent history and live sessions, never their tokens. */
export interface SpendingSummary {
  readonly log: readonly SpendRecord[];
  readonly sessions: readonly { readonly site: string; readonly className: string; readonly expiresAt: number }[];
  readonly pending: number;
}

/** What the pages show of the wallet: counts and expiries, never the tickets themselves. */
export interface WalletSummary {
  readonly relays: readonly { readonly relay: string; readonly tickets: number; readonly nextExpiry: number }[];
  readonly pending: number;
}

export type Answer = { readonly ok: true; readonly state: State } | { readonly ok: false; readonly error: string };

const MAX_TEXT = 2048;

function text(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_TEXT;
}

export function parseRequest(raw: unknown): Request | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const m = raw as Record<string, unknown>;
  if (m.to !== 'background') return null;
  switch (m.type) {
    case 'getState':
      return { type: 'getState' };
    case 'addRelay':
      return text(m.input) ? { type: 'addRelay', input: m.input.trim() } : null;
    case 'removeRelay':
    case 'setActiveRelay':
      return text(m.endpoint) ? { type: m.type, endpoint: m.endpoint } : null;
    case 'setMining':
    case 'setDonation':
    case 'setPriority':
      return typeof m.on === 'boolean' ? { type: m.type, on: m.on } : null;
    case 'setBudget':
      return Number.isInteger(m.cpuBudget) && Number.isInteger(m.randomBand)
        ? { type: 'setBudget', cpuBudget: m.cpuBudget as number, randomBand: m.randomBand as number }
        : null;
    case 'addBoost':
    case 'removeBoost':
      return text(m.origin) ? { type: m.type, origin: m.origin } : null;
    case 'addRelayFromPage':
      return { type: 'addRelayFromPage' };
    default:
      return null;
  }
}
