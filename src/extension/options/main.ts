// The options page: relays (add, choose, remove), priority mode and boosted sites, CPU budget and
// randomization band, status.
import { ask } from '../platform/ask.js';
import { browser } from '../platform/browser.js';
import { boostSite } from '../platform/boost.js';
import { hasRelayAccess, isolationAvailable, isolationEffective, releaseRelayAccess, requestRelayAccess } from '../platform/relay-access.js';
import { onStorageChange, relayDetails, sessionLines, spendLines, stateText, ticketLines } from '../platform/format.js';
import { siteOrigin } from '../store/origin.js';
import { localize, t } from '../platform/i18n.js';
import type { State } from '../messages.js';
import type { RelayEntry } from '../store/settings.js';

localize();
const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
/** Writes text only when it changed (live regions would announce every rewrite). */
function setText(id: string, text: string): void {
  const el = $(id);
  if (el.textContent !== text) el.textContent = text;
}
let budgetTouched = false;

function relayItem(state: State, relay: RelayEntry): HTMLLIElement {
  const { endpoint, name, descriptor } = relay;
  const li = document.createElement('li');
  li.dataset.endpoint = endpoint;
  const label = document.createElement('span');
  label.textContent = `${name} — ${endpoint}` + (state.settings.activeRelay === endpoint ? ` (${t('activeRelay')})` : '');
  const details = document.createElement('div');
  details.className = 'relay-details';
  details.textContent = relayDetails(descriptor);
  li.append(label, details, ' ');
  if (state.settings.activeRelay !== endpoint) {
    const use = document.createElement('button');
    use.type = 'button';
    use.textContent = t('useRelay');
    use.addEventListener('click', () => void act(ask({ type: 'setActiveRelay', endpoint })));
    li.append(use, ' ');
  }
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.className = 'remove-relay';
  remove.textContent = t('removeRelay');
  remove.addEventListener('click', () => void act(ask({ type: 'removeRelay', endpoint }).then(async (next) => {
    // The relay's host access goes with it (unless another relay or a boosted site is there).
    const s = next.settings;
    if (isolationAvailable()) await releaseRelayAccess(endpoint, [...s.relays.flatMap((r) => [r.endpoint, r.descriptorUrl]), ...s.boostedSites]);
    return next;
  })));
  li.append(remove);
  if (isolationAvailable()) li.append(isolationControl(endpoint));
  return li;
}

/** Whether this relay's sessions get circuits of their own, and the button that makes it so. */
function isolationControl(endpoint: string): HTMLElement {
  const box = document.createElement('div');
  box.className = 'relay-isolation';
  const refresh = async (): Promise<void> => {
    const granted = await hasRelayAccess(endpoint);
    if (granted && !(await isolationEffective())) {
      // Access is there, but the browser's proxy is not a local SOCKS 5 proxy: nothing to isolate through.
      box.dataset.isolation = 'unavailable';
      box.replaceChildren(t('isolationUnavailable'));
      return;
    }
    box.dataset.isolation = granted ? 'on' : 'off';
    box.replaceChildren(t(granted ? 'isolationOn' : 'isolationOff'));
    if (granted) return;
    const grant = document.createElement('button');
    grant.type = 'button';
    grant.className = 'isolate';
    grant.textContent = t('isolateRelay');
    // Asked for inside the click (a user action): the browser's prompt for the relay's host.
    grant.addEventListener('click', () => void requestRelayAccess(endpoint).then(refresh, refresh));
    box.append(' ', grant);
  };
  void refresh();
  return box;
}

function boostItem(site: string): HTMLLIElement {
  const li = document.createElement('li');
  li.dataset.site = site;
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.textContent = t('removeBoost');
  remove.setAttribute('aria-label', `${t('removeBoost')} ${site}`);
  remove.addEventListener('click', () => void act(ask({ type: 'removeBoost', origin: site }), 'boost-error'));
  li.append(site, ' ', remove);
  return li;
}

function lines(items: string[]): HTMLLIElement[] {
  return items.map((line) => {
    const li = document.createElement('li');
    li.textContent = line;
    return li;
  });
}

let shownRelays = '';
let shownBoosts = '';
let shownTickets = '';

function show(state: State): void {
  // Lists are rebuilt only when they change, so keyboard focus stays where the user left it.
  const relaysKey = JSON.stringify([state.settings.activeRelay, state.settings.relays.map((r) => [r.endpoint, r.descriptor.signature])]);
  if (relaysKey !== shownRelays) {
    shownRelays = relaysKey;
    $('relays').replaceChildren(...state.settings.relays.map((r) => relayItem(state, r)));
  }
  const ticketsKey = JSON.stringify(state.wallet);
  if (ticketsKey !== shownTickets) {
    shownTickets = ticketsKey;
    $('tickets').replaceChildren(...ticketLines(state).map((line) => {
      const li = document.createElement('li');
      li.textContent = line;
      return li;
    }));
    setText('tickets-pending', state.wallet.pending > 0 ? t('ticketsPending', String(state.wallet.pending)) : '');
  }
  const boostsKey = JSON.stringify([state.settings.boostedSites, state.spending]);
  if (boostsKey !== shownBoosts) {
    shownBoosts = boostsKey;
    const sites = state.settings.boostedSites;
    $('boosted').replaceChildren(...(sites.length === 0 ? lines([t('boostNone')]) : sites.map(boostItem)));
    $('spends').replaceChildren(...lines([...sessionLines(state), ...spendLines(state, 20)]));
  }
  $<HTMLInputElement>('priority').checked = state.settings.priorityMode;
  if (!budgetTouched) {
    $<HTMLInputElement>('cpu-budget').value = String(state.settings.cpuBudget);
    $<HTMLInputElement>('random-band').value = String(state.settings.randomBand);
  }
  setText('state', stateText(state.status) + (state.status.error ? ` — ${state.status.error}` : ''));
  setText('shares', `${state.status.accepted} / ${state.status.rejected}`);
}

async function act(p: Promise<State>, errorId = 'relay-error'): Promise<boolean> {
  try {
    show(await p);
    setText(errorId, '');
    return true;
  } catch (e) {
    setText(errorId, e instanceof Error ? e.message : String(e));
    return false;
  }
}

$<HTMLFormElement>('add-relay').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const input = $<HTMLInputElement>('relay-input');
  const value = input.value;
  // Access to the relay's host first, inside the submit: without it sessions share a circuit.
  const access = isolationAvailable() ? requestRelayAccess(value).catch(() => false) : Promise.resolve(false);
  void access.then(() => act(ask({ type: 'addRelay', input: value }))).then((ok) => {
    if (ok) input.value = '';
  });
});

$<HTMLInputElement>('priority').addEventListener('change', (ev) => {
  void act(ask({ type: 'setPriority', on: (ev.target as HTMLInputElement).checked }), 'boost-error');
});
$<HTMLFormElement>('add-boost').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const input = $<HTMLInputElement>('boost-input');
  const site = siteOrigin(input.value.trim());
  if (site === null) {
    setText('boost-error', t('boostUnavailable'));
    return;
  }
  // Asked for inside the submit (a user action): the browser's prompt for this one origin.
  void act(boostSite(site), 'boost-error').then((ok) => {
    if (ok) input.value = '';
  });
});

for (const id of ['cpu-budget', 'random-band']) $(id).addEventListener('input', () => { budgetTouched = true; });
$<HTMLFormElement>('budget').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const cpuBudget = Number($<HTMLInputElement>('cpu-budget').value);
  const randomBand = Number($<HTMLInputElement>('random-band').value);
  void act(ask({ type: 'setBudget', cpuBudget, randomBand })).then((ok) => {
    budgetTouched = !ok;
    setText('budget-result', ok ? t('saved') : '');
  });
});

onStorageChange(browser.storage, () => {
  ask({ type: 'getState' }).then(show, (e: unknown) => {
    setText('relay-error', e instanceof Error ? e.message : String(e));
  });
});
