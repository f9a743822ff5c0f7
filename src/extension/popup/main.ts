// The toolbar popup: mining on/off, donation and priority toggles, boost this site, live status, spends.
import { browser } from '../platform/browser.js';
import { ask } from '../platform/ask.js';
import { boostSite } from '../platform/boost.js';
import { algorithmsText, formatHashRate, minedPrice, onStorageChange, sessionLines, spendLines, stateText, ticketLines } from '../platform/format.js';
import { localize, t } from '../platform/i18n.js';
import { siteOrigin } from '../store/origin.js';
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
const priority = $<HTMLInputElement>('priority');
const boost = $<HTMLButtonElement>('boost');
/** The active tab's origin (readable through activeTab while the popup is open), or null. */
let tabSite: string | null = null;
let tabBoosted = false;
let shownLists = '';

function list(id: string, lines: string[]): void {
  $(id).replaceChildren(...lines.map((line) => {
    const li = document.createElement('li');
    li.textContent = line;
    return li;
  }));
}

function show(state: State): void {
  const { settings, status } = state;
  mining.checked = settings.mining;
  donation.checked = settings.donationOnly;
  setText('state', stateText(status));
  const relay = settings.relays.find((r) => r.endpoint === settings.activeRelay);
  setText('relay', relay
    ? `${relay.name} (${status.algorithm ?? algorithmsText(relay.descriptor)}; ${t('relayTicketPrice', String(minedPrice(relay.descriptor, status.algorithm)))})`
    : browser.i18n.getMessage('relayNone'));
  setText('hashrate', formatHashRate(status.hashRate));
  setText('cpu', `${(status.cpu * 100).toFixed(0)} %`);
  setText('shares', `${status.accepted} / ${status.rejected}`);
  setText('tickets', ticketLines(state).join('; '));
  setText('error', status.error ?? '');
  priority.checked = settings.priorityMode;
  if (tabSite !== null) {
    tabBoosted = settings.boostedSites.includes(tabSite);
    boost.hidden = false;
    setText('boost', t(tabBoosted ? 'unboostSite' : 'boostSite', tabSite));
  }
  const lists = JSON.stringify(state.spending);
  if (lists !== shownLists) {
    shownLists = lists;
    list('sessions', sessionLines(state));
    list('spends', spendLines(state));
  }
}

function refresh(): void {
  ask({ type: 'getState' }).then(show, (e: unknown) => {
    setText('error', e instanceof Error ? e.message : String(e));
  });
}

mining.addEventListener('change', () => void ask({ type: 'setMining', on: mining.checked }).then(show, refresh));
donation.addEventListener('change', () => void ask({ type: 'setDonation', on: donation.checked }).then(show, refresh));
priority.addEventListener('change', () => void ask({ type: 'setPriority', on: priority.checked }).then(show, refresh));
boost.addEventListener('click', () => {
  if (tabSite === null) return;
  const site = tabSite;
  // The permission prompt must be asked for inside the click, before anything else is awaited.
  (tabBoosted ? ask({ type: 'removeBoost', origin: site }) : boostSite(site)).then(show, (e: unknown) => {
    setText('error', e instanceof Error ? e.message : String(e));
  });
});
void browser.tabs.query({ active: true, currentWindow: true }).then(([tab]) => {
  tabSite = siteOrigin(tab?.url);
  if (tabSite === null) setText('boost-note', t('boostUnavailable'));
  refresh();
}, () => setText('boost-note', t('boostUnavailable')));
$('open-options').addEventListener('click', () => void browser.runtime.openOptionsPage());
onStorageChange(browser.storage, refresh);
