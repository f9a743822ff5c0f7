// The add-on's background: Firefox/Tor Browser event page or Chromium service worker. Listeners
// only; everything that must survive the background being unloaded is in storage.
import type { Runtime } from 'webextension-polyfill';
import { browser, offscreenApi } from '../platform/browser.js';
import { parseRequest, type Answer } from '../messages.js';
import { parseReportMessage } from '../mining/messages.js';
import { Miner } from '../mining/miner.js';
import { OffscreenHost } from '../mining/offscreen-host.js';
import { WorkerPool } from '../mining/worker-pool.js';
import type { WorkerHost } from '../mining/worker-host.js';
import { defaultSettings, parseSettings, SETTINGS_KEY } from '../store/settings.js';
import { defaultStatus, parseStatus, STATUS_KEY } from '../store/status.js';
import { TypedStore } from '../store/typed-store.js';
import { emptyWallet, parseWallet, WALLET_KEY } from '../store/wallet.js';
import { refreshRelay } from '../relays/refresh.js';
import { WebSocketTransport } from '../transport/websocket.js';
import { Controller } from './controller.js';

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

const { host, offscreen } = chooseHost();
const miner = new Miner({
  transport: new WebSocketTransport(),
  host,
  settings,
  status,
  random: (n) => crypto.getRandomValues(new Uint8Array(n)),
  cores: Math.max(1, Math.min(64, navigator.hardwareConcurrency || 1)),
  now: () => Date.now(),
  wallet,
  refreshRelay: (endpoint) => refreshRelay(settings, fetchFn, endpoint),
});
const controller = new Controller({ settings, status, wallet, miner, fetch: fetchFn, now: () => Date.now() });

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

// Whatever woke the background (browser start, install, a message), continue as the settings say.
void status.update((s) => ({ ...defaultStatus(), accepted: s.accepted, rejected: s.rejected, tickets: s.tickets, hashes: s.hashes }))
  .then(() => miner.apply());
