// The add-on's background: Firefox/Tor Browser event page or Chromium service worker. Listeners
// only; everything that must survive the background being unloaded is in storage.
import type { Runtime } from 'webextension-polyfill';
import { browser, offscreenApi } from '../platform/browser.js';
import { parseRequest, type Answer } from '../messages.js';
import { parseReportMessage } from '../mining/messages.js';
import { Miner } from '../mining/miner.js';
import { OffscreenHost } from '../mining/offscreen-host.js';
import { WorkerPool } from '../mining/worker-pool.js';
import { isWakeAlarm, WakeAlarm } from '../mining/wake-alarm.js';
import type { WorkerHost } from '../mining/worker-host.js';
import { defaultSettings, parseSettings, SETTINGS_KEY } from '../store/settings.js';
import { defaultStatus, parseStatus, STATUS_KEY } from '../store/status.js';
import { TypedStore } from '../store/typed-store.js';
import { emptyWallet, parseWallet, WALLET_KEY } from '../store/wallet.js';
import { refreshRelay } from '../relays/refresh.js';
import { WebSocketTransport } from '../transport/websocket.js';
import { Controller } from './controller.js';
import { DnrSessionRules } from '../priority/session-rules.js';
import { Spender } from '../priority/spender.js';
import { emptySpends, parseSpends, SPENDS_KEY } from '../store/spends.js';
import { withoutBoost } from '../store/settings.js';
import { hostPattern } from '../store/origin.js';
import { SocksIsolation } from '../platform/socks-isolation.js';

const settings = new TypedStore(browser.storage.local, SETTINGS_KEY, parseSettings, defaultSettings);
const status = new TypedStore(browser.storage.session, STATUS_KEY, parseStatus, defaultStatus);
const wallet = new TypedStore(browser.storage.local, WALLET_KEY, parseWallet, emptyWallet);
const fetchFn = (url: string, init: RequestInit) => fetch(url, init);

/** The worker host, chosen once by capability: an event page can start Workers, a service worker cannot. */
function chooseHost(): { host: WorkerHost; offscreen: OffscreenHost | null } {
  if (typeof Worker === 'function') return { host: new WorkerPool(browser.runtime.getURL('hash-worker.js')), offscreen: null };
  const api = offscreenApi();
  if (api === undefined) throw new Error('this browser can neither start Workers here nor create an offscreen document');
  const offscreen = new OffscreenHost(api, browser.i18n.getMessage('offscreenJustification'));
  return { host: offscreen, offscreen };
}

/**
 * Firefox and Tor Browser: every relay session and every other request of the add-on on its own
 * circuit. proxy.onRequest fires only for hosts the add-on has access to (a relay the user granted,
 * a boosted site). Chromium has no per-request proxy API.
 */
const isolation = typeof browser.proxy?.onRequest?.addListener === 'function'
  ? new SocksIsolation({
    random: (n) => crypto.getRandomValues(new Uint8Array(n)),
    extensionBase: browser.runtime.getURL(''),
    proxySettings: async () => (await browser.proxy.settings.get({})).value,
  })
  : null;
if (isolation !== null) browser.proxy.onRequest.addListener((details) => isolation.decide(details), { urls: ['<all_urls>'] });

const { host, offscreen } = chooseHost();
const miner = new Miner({
  transport: new WebSocketTransport(30_000, isolation),
  host,
  settings,
  status,
  random: (n) => crypto.getRandomValues(new Uint8Array(n)),
  cores: Math.max(1, Math.min(64, navigator.hardwareConcurrency || 1)),
  now: () => Date.now(),
  wallet,
  refreshRelay: (endpoint) => refreshRelay(settings, fetchFn, endpoint),
  wake: new WakeAlarm(browser.alarms),
});
const spends = new TypedStore(browser.storage.local, SPENDS_KEY, parseSpends, emptySpends);
let wakeTimer: ReturnType<typeof setTimeout> | undefined;
const spender: Spender = new Spender({
  settings, wallet, spends, fetch: fetchFn,
  rules: new DnrSessionRules(browser.declarativeNetRequest),
  reloadTab: (tabId) => browser.tabs.reload(tabId),
  // Best effort while the background lives; expired sessions are also dropped at start-up and
  // whenever the gateway answers session_expired.
  wakeAt: (at) => {
    clearTimeout(wakeTimer);
    wakeTimer = setTimeout(() => void spender.sweep(), Math.max(0, at - Date.now()) + 1000);
  },
  now: () => Date.now(),
});
const controller = new Controller({
  settings, status, wallet, miner, fetch: fetchFn, now: () => Date.now(), spends,
  hasHostAccess: (origin) => browser.permissions.contains({ origins: [hostPattern(origin)] }),
  unboosted: async (origin) => {
    await spender.forget(origin);
    // Give the host back unless another boosted site (another port) still needs it.
    const { boostedSites } = await settings.get();
    if (boostedSites.some((o) => hostPattern(o) === hostPattern(origin))) return;
    await browser.permissions.remove({ origins: [hostPattern(origin)] }).catch(() => false);
  },
});

// Host access is asked for only to boost a site: when the user revokes it in the browser's
// settings, the sites on that host are no longer boosted.
browser.permissions.onRemoved.addListener((p) => {
  const removed = new Set(p.origins ?? []);
  void settings.get().then(async ({ boostedSites }) => {
    for (const site of boostedSites.filter((o) => removed.has(hostPattern(o)))) {
      await settings.update((s) => withoutBoost(s, site));
      await spender.forget(site);
    }
  }).catch(() => undefined);
});

// Responses are seen only from origins the user granted host access to, i.e. boosted sites; the
// spender checks the boost list and priority mode again before it acts.
browser.webRequest.onHeadersReceived.addListener((details) => {
  void spender.onResponse({ url: details.url, method: details.method, tabId: details.tabId, headers: details.responseHeaders ?? [] });
  return undefined;
}, { urls: ['http://*/*', 'https://*/*'], types: ['main_frame', 'sub_frame'] }, ['responseHeaders']);

browser.runtime.onMessage.addListener((raw: unknown, sender: Runtime.MessageSender): Promise<Answer> | undefined => {
  if (sender.id !== browser.runtime.id) return undefined;
  const report = parseReportMessage(raw);
  if (report !== null) {
    offscreen?.deliver(report.report);
    return undefined;
  }
  const req = parseRequest(raw);
  if (req === null) return undefined;
  // A content script's sender has a tab; the add-on's own pages have an extension URL.
  const extensionPage = sender.tab === undefined || (sender.url ?? '').startsWith(browser.runtime.getURL(''));
  const pageUrl = sender.tab !== undefined && !extensionPage ? (sender.url ?? null) : null;
  return controller.handle(req, { extensionPage, pageUrl });
});

// Set while mining is wanted: wakes a background the browser unloaded before anything else did
// (e.g. stopped while mining was starting up). apply() does nothing while the session is alive.
browser.alarms.onAlarm.addListener((alarm) => {
  if (isWakeAlarm(alarm)) void miner.apply();
});

// Whatever woke the background (browser start, install, a message, the alarm), continue as the settings say.
void status.update((s) => ({ ...defaultStatus(), accepted: s.accepted, rejected: s.rejected, tickets: s.tickets, hashes: s.hashes }))
  .then(() => miner.apply());
void spender.recover();
