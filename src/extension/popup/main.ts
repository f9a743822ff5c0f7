// The toolbar popup: mining on/off, donation toggle, live status.
import { browser } from '../platform/browser.js';
import { ask } from '../platform/ask.js';
import { formatHashRate, onStorageChange, stateText, ticketLines } from '../platform/format.js';
import { localize } from '../platform/i18n.js';
import type { State } from '../messages.js';

localize();
const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
/** Writes text only when it changed (live regions would announce every rewrite). */
function setText(id: string, text: string): void {
  const el = $(id);
  if (el.textContent !== text) el.textContent = text;
}
const mining = $<HTMLInputElement>('mining');
const donation = $<HTMLInputElement>('donation');

function show(state: State): void {
  const { settings, status } = state;
  mining.checked = settings.mining;
  donation.checked = settings.donationOnly;
  setText('state', stateText(status));
  const relay = settings.relays.find((r) => r.endpoint === settings.activeRelay);
  setText('relay', relay ? `${relay.name} (${status.algorithm ?? relay.descriptor.algorithms.map((a) => a.name).join(', ')})` : browser.i18n.getMessage('relayNone'));
  setText('hashrate', formatHashRate(status.hashRate));
  setText('cpu', `${(status.cpu * 100).toFixed(0)} %`);
  setText('shares', `${status.accepted} / ${status.rejected}`);
  setText('tickets', ticketLines(state).join('; '));
  setText('error', status.error ?? '');
}

function refresh(): void {
  ask({ type: 'getState' }).then(show, (e: unknown) => {
    setText('error', e instanceof Error ? e.message : String(e));
  });
}

mining.addEventListener('change', () => void ask({ type: 'setMining', on: mining.checked }).then(show, refresh));
donation.addEventListener('change', () => void ask({ type: 'setDonation', on: donation.checked }).then(show, refresh));
$('open-options').addEventListener('click', () => void browser.runtime.openOptionsPage());
onStorageChange(browser.storage, refresh);
