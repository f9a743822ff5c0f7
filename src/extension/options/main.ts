// The options page: relays (add, choose, remove), CPU budget and randomization band, status.
import { ask } from '../platform/ask.js';
import { browser } from '../platform/browser.js';
import { onStorageChange, stateText, ticketLines } from '../platform/format.js';
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
  details.textContent = t('relayPrice', [String(descriptor.tickets.price), String(descriptor.tickets.dt), descriptor.algorithms.map((a) => a.name).join(', ')]);
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
  remove.textContent = t('removeRelay');
  remove.addEventListener('click', () => void act(ask({ type: 'removeRelay', endpoint })));
  li.append(remove);
  return li;
}

let shownRelays = '';
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
  if (!budgetTouched) {
    $<HTMLInputElement>('cpu-budget').value = String(state.settings.cpuBudget);
    $<HTMLInputElement>('random-band').value = String(state.settings.randomBand);
  }
  setText('state', stateText(state.status) + (state.status.error ? ` — ${state.status.error}` : ''));
  setText('shares', `${state.status.accepted} / ${state.status.rejected}`);
}

async function act(p: Promise<State>): Promise<boolean> {
  try {
    show(await p);
    setText('relay-error', '');
    return true;
  } catch (e) {
    setText('relay-error', e instanceof Error ? e.message : String(e));
    return false;
  }
}

$<HTMLFormElement>('add-relay').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const input = $<HTMLInputElement>('relay-input');
  void act(ask({ type: 'addRelay', input: input.value })).then((ok) => {
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
