// The options page: relays (add, choose, remove), CPU budget and randomization band, status.
import { ask } from '../platform/ask.js';
import { browser } from '../platform/browser.js';
import { onStatusChange, stateText } from '../platform/format.js';
import { localize, t } from '../platform/i18n.js';
import type { State } from '../messages.js';
import { STATUS_KEY } from '../store/status.js';

localize();
const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
let budgetTouched = false;

function relayItem(state: State, endpoint: string, name: string): HTMLLIElement {
  const li = document.createElement('li');
  li.dataset.endpoint = endpoint;
  const label = document.createElement('span');
  label.textContent = `${name} — ${endpoint}` + (state.settings.activeRelay === endpoint ? ` (${t('activeRelay')})` : '');
  li.append(label, ' ');
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

function show(state: State): void {
  const list = $('relays');
  list.replaceChildren(...state.settings.relays.map((r) => relayItem(state, r.endpoint, r.name)));
  if (!budgetTouched) {
    $<HTMLInputElement>('cpu-budget').value = String(state.settings.cpuBudget);
    $<HTMLInputElement>('random-band').value = String(state.settings.randomBand);
  }
  $('state').textContent = stateText(state.status) + (state.status.error ? ` — ${state.status.error}` : '');
  $('shares').textContent = `${state.status.accepted} / ${state.status.rejected}`;
}

async function act(p: Promise<State>): Promise<boolean> {
  try {
    show(await p);
    $('relay-error').textContent = '';
    return true;
  } catch (e) {
    $('relay-error').textContent = e instanceof Error ? e.message : String(e);
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
    $('budget-result').textContent = ok ? t('saved') : '';
  });
});

onStatusChange(browser.storage, STATUS_KEY, () => {
  ask({ type: 'getState' }).then(show, (e: unknown) => {
    $('relay-error').textContent = e instanceof Error ? e.message : String(e);
  });
});
