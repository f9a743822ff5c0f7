import { algorithmPrice } from '../../core/protocol/descriptor-price.js';
import type { Descriptor } from '../../core/protocol/descriptor.js';
import type { State } from '../messages.js';
import type { MiningStatus } from '../store/status.js';
import { t } from './i18n.js';

export function formatHashRate(hps: number): string {
  if (hps >= 1e6) return `${(hps / 1e6).toFixed(2)} MH/s`;
  if (hps >= 1e3) return `${(hps / 1e3).toFixed(1)} kH/s`;
  return `${hps.toFixed(0)} H/s`;
}

/**
 * The ticket price the add-on pays at a relay: that of the algorithm it mines there (`mined`, its
 * session's, else the WebSocket listener's: the descriptor's first entry).
 */
export function minedPrice(d: Descriptor, mined: string | null = null): number {
  return algorithmPrice(d, mined ?? d.algorithms[0]?.name ?? '') ?? d.tickets.price;
}

/** The relay's algorithms, each with its ticket price when they do not all cost the same ("sha256d 0.05, scrypt 2"). */
export function algorithmsText(d: Descriptor): string {
  const names = [...new Set(d.algorithms.map((a) => a.name))];
  const prices = names.map((n) => algorithmPrice(d, n) ?? d.tickets.price);
  return names.map((n, i) => (new Set(prices).size > 1 ? `${n} ${prices[i]}` : n)).join(', ');
}

/** A relay's details in the options page: the price the add-on pays, priority per ticket, the algorithms. */
export function relayDetails(d: Descriptor): string {
  return t('relayPrice', [String(minedPrice(d)), String(d.tickets.dt), algorithmsText(d)]);
}

export function stateText(s: MiningStatus): string {
  return t(`state_${s.state}`);
}

/** One line per relay with tickets: "<name>: N tickets, next expires <date>". */
export function ticketLines(state: State): string[] {
  if (state.wallet.relays.length === 0) return [t('ticketsNone')];
  return state.wallet.relays.map((r) => {
    const name = state.settings.relays.find((x) => x.endpoint === r.relay)?.name ?? r.relay;
    return `${name}: ${t('ticketsForRelay', [String(r.tickets), new Date(r.nextExpiry).toLocaleString()])}`;
  });
}

/** Calls `render` now and whenever the add-on's storage changes. */
export function onStorageChange(
  storage: { onChanged: { addListener(f: (changes: Record<string, unknown>, area: string) => void): void } },
  render: () => void,
): void {
  storage.onChanged.addListener(() => render());
  render();
}

/** The recent spends and refusals, newest first: what was spent where, and what the user may act on. */
export function spendLines(state: State, max = 5): string[] {
  const log = [...state.spending.log].reverse().slice(0, max);
  if (log.length === 0) return [t('spendsNone')];
  return log.map((r) => {
    const when = new Date(r.at).toLocaleString();
    if (r.outcome === 'spent') return r.detail === 'session_lost' ? t('spentLost', [when, r.site]) : t('spentAt', [when, r.site, r.detail]);
    if (r.detail === 'ticket_spent' || r.detail === 'unknown_issuer') return t(`refused_${r.detail}`, [when, r.site]);
    return t('refused_other', [when, r.site, r.detail]);
  });
}

/** One line per live priority session. */
export function sessionLines(state: State): string[] {
  return state.spending.sessions.map((s) => t('sessionLive', [s.site, s.className, new Date(s.expiresAt).toLocaleTimeString()]));
}
