// The toolbar popup: mining on/off, donation toggle, live status.
import { browser } from '../platform/browser.js';
import { ask } from '../platform/ask.js';
import { formatHashRate, onStatusChange, stateText } from '../platform/format.js';
import { localize } from '../platform/i18n.js';
import type { State } from '../messages.js';
import { STATUS_KEY } from '../store/status.js';

localize();
const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const mining = $<HTMLInputElement>('mining');
const donation = $<HTMLInputElement>('donation');

function show(state: State): void {
  const { settings, status } = state;
  mining.checked = settings.mining;
  donation.checked = settings.donationOnly;
  $('state').textContent = stateText(status);
  const relay = settings.relays.find((r) => r.endpoint === settings.activeRelay);
  $('relay').textContent = relay ? `${relay.name} (${status.algorithm ?? relay.descriptor.algorithms.map((a) => a.name).join(', ')})` : browser.i18n.getMessage('relayNone');
  $('hashrate').textContent = formatHashRate(status.hashRate);
  $('shares').textContent = `${status.accepted} / ${status.rejected}`;
  $('error').textContent = status.error ?? '';
}

function refresh(): void {
  ask({ type: 'getState' }).then(show, (e: unknown) => {
    $('error').textContent = e instanceof Error ? e.message : String(e);
  });
}

mining.addEventListener('change', () => void ask({ type: 'setMining', on: mining.checked }).then(show, refresh));
donation.addEventListener('change', () => void ask({ type: 'setDonation', on: donation.checked }).then(show, refresh));
$('open-options').addEventListener('click', () => void browser.runtime.openOptionsPage());
onStatusChange(browser.storage, STATUS_KEY, refresh);
