// Tor Browser runs Firefox in permanent private browsing (browser.privatebrowsing.autostart):
// every window is private, and Firefox runs an add-on there only once the user allowed it ("Run
// in Private Windows", the hidden permission internal:privateBrowsingAllowed). These helpers do
// what about:addons does when the user picks "Allow" (toolkit's addon-card.mjs, firefox-esr 153):
// ExtensionPermissions.add(id, { permissions: ['internal:privateBrowsingAllowed'], origins: [] })
// then, the add-on being active, AddonWrapper.reload(); and what "Install Add-on From File…" does
// with its install prompt accepted as shown. They run in the browser's own (chrome)
// window over WebDriver BiDi, which Firefox allows only with --remote-allow-system-access (set by
// launchFirefox).
import { existsSync } from 'node:fs';
import type { Browser } from 'puppeteer-core';
import type { FirefoxWithAddon } from './firefox.js';
import { waitFor } from './relay.js';

/** Tor Browser's always-private mode, on top of TOR_BROWSER_PREFS. */
export const PERMANENT_PRIVATE_PREFS: Record<string, unknown> = {
  'browser.privatebrowsing.autostart': true,
};

/** The hidden permission behind about:addons' "Run in Private Windows". */
export const PRIVATE_BROWSING_PERMISSION = 'internal:privateBrowsingAllowed';

/** What Firefox itself says about the add-on and private windows. */
export interface PrivateBrowsingAccess {
  /** PrivateBrowsingUtils.permanentPrivateBrowsing: every window is private. */
  readonly permanentPrivateBrowsing: boolean;
  /** The add-on's stored permissions (ExtensionPermissions) hold internal:privateBrowsingAllowed. */
  readonly granted: boolean;
  /** The running add-on's WebExtensionPolicy.privateBrowsingAllowed (false when not running). */
  readonly allowed: boolean;
  /** AddonManager: the user may switch it (PERM_CAN_CHANGE_PRIVATEBROWSING_ACCESS). */
  readonly userCanChange: boolean;
  /** The add-on was installed as a temporary add-on (as the e2e launcher does). */
  readonly temporarilyInstalled: boolean;
}

/** A gecko add-on id: an email-like id or a {GUID} (what AddonManager accepts). */
const ADDON_ID = /^(?:[\w.+-]+@[\w.-]+|\{[0-9a-fA-F-]{36}\})$/;

function checkAddonId(addonId: unknown): string {
  if (typeof addonId !== 'string' || !ADDON_ID.test(addonId)) {
    throw new TypeError(`addonId: not a gecko add-on id: ${JSON.stringify(addonId)}`);
  }
  return addonId;
}

/** The raw BiDi connection under puppeteer-core's BidiBrowser (its public `connection` getter). */
interface BidiSend {
  send(method: string, params: object): Promise<{ result: unknown }>;
}

function bidi(browser: Browser): BidiSend {
  const connection = (browser as unknown as { connection?: BidiSend }).connection;
  if (connection === undefined || typeof connection.send !== 'function') {
    throw new TypeError('browser: not a WebDriver BiDi connection (launch with protocol webDriverBiDi)');
  }
  return connection;
}

interface ChromeContext {
  context: string;
  url: string;
}

/** A top-level browser window (chrome://browser/content/browser.xhtml), the chrome scope's root. */
async function browserWindow(connection: BidiSend): Promise<string> {
  const { result } = await connection.send('browsingContext.getTree', { 'moz:scope': 'chrome', maxDepth: 0 });
  const contexts = (result as { contexts: ChromeContext[] }).contexts;
  const win = contexts.find((c) => c.url === 'chrome://browser/content/browser.xhtml');
  if (win === undefined) throw new Error(`no browser window among chrome contexts: ${contexts.map((c) => c.url).join(', ')}`);
  return win.context;
}

/**
 * Runs `body` (the text of an async function body returning a string) in the browser window with
 * system privileges and returns its string.
 */
async function evaluateChrome(browser: Browser, body: string): Promise<string> {
  const connection = bidi(browser);
  const context = await browserWindow(connection);
  const { result } = await connection.send('script.evaluate', {
    expression: `(async () => { ${body} })()`,
    target: { context },
    awaitPromise: true,
    resultOwnership: 'none',
  });
  const r = result as { type: string; result?: { type: string; value?: unknown }; exceptionDetails?: { text: string } };
  if (r.type === 'exception') throw new Error(`privileged script failed: ${r.exceptionDetails?.text ?? 'no details'}`);
  if (r.result?.type !== 'string' || typeof r.result.value !== 'string') {
    throw new Error(`privileged script returned ${JSON.stringify(r.result)}, not a string`);
  }
  return r.result.value;
}

const MODULES = `
  const { ExtensionPermissions } = ChromeUtils.importESModule('resource://gre/modules/ExtensionPermissions.sys.mjs');
  const { AddonManager } = ChromeUtils.importESModule('resource://gre/modules/AddonManager.sys.mjs');
  const { PrivateBrowsingUtils } = ChromeUtils.importESModule('resource://gre/modules/PrivateBrowsingUtils.sys.mjs');
`;

/** Reads the add-on's private-window state from Firefox (AddonManager, ExtensionPermissions). */
export async function privateBrowsingAccess(ff: FirefoxWithAddon): Promise<PrivateBrowsingAccess> {
  const id = JSON.stringify(checkAddonId(ff.addonId));
  const text = await evaluateChrome(ff.browser, `${MODULES}
    const addon = await AddonManager.getAddonByID(${id});
    if (!addon) throw new Error('add-on ' + ${id} + ' is not installed');
    const { permissions } = await ExtensionPermissions.get(${id});
    return JSON.stringify({
      permanentPrivateBrowsing: PrivateBrowsingUtils.permanentPrivateBrowsing,
      granted: permissions.includes(${JSON.stringify(PRIVATE_BROWSING_PERMISSION)}),
      allowed: WebExtensionPolicy.getByID(${id})?.privateBrowsingAllowed === true,
      userCanChange: (addon.permissions & AddonManager.PERM_CAN_CHANGE_PRIVATEBROWSING_ACCESS) !== 0,
      temporarilyInstalled: addon.temporarilyInstalled === true,
    });`);
  return JSON.parse(text) as PrivateBrowsingAccess;
}

/** What Firefox's install prompt (ExtensionsUI "addon-webext-permissions") offered. */
export interface InstallPrompt {
  /** The prompt had the "Run in Private Windows" checkbox. */
  readonly showIncognitoCheckbox: boolean;
  /** Its state as shown (Firefox checks it by default under permanent private browsing). */
  readonly grantPrivateBrowsingAllowed: boolean;
}

/**
 * about:addons' "Install Add-on From File…" with the prompt accepted as shown ("Add", checkbox
 * left as it was): AddonManager.getInstallForFile, then installAddonFromAOMWithOptions, which
 * opens the install prompt in the current tab. The launcher's temporary copy of the same add-on
 * is uninstalled first, so the prompt sees a fresh install. An unsigned .xpi needs
 * xpinstall.signatures.required false (honoured by ESR builds).
 */
export async function installFromFileWithPrompt(ff: FirefoxWithAddon, xpiPath: string): Promise<InstallPrompt> {
  const id = JSON.stringify(checkAddonId(ff.addonId));
  if (typeof xpiPath !== 'string' || !xpiPath.startsWith('/') || !xpiPath.endsWith('.xpi')) {
    throw new TypeError(`xpiPath: not an absolute path to an .xpi: ${JSON.stringify(xpiPath)}`);
  }
  if (!existsSync(xpiPath)) throw new Error(`${xpiPath} is missing: run npm run build:ext first`);
  const text = await evaluateChrome(ff.browser, `${MODULES}
    const { FileUtils } = ChromeUtils.importESModule('resource://gre/modules/FileUtils.sys.mjs');
    const old = await AddonManager.getAddonByID(${id});
    if (old) await old.uninstall();
    const install = await AddonManager.getInstallForFile(new FileUtils.File(${JSON.stringify(xpiPath)}), null,
      { source: 'about:addons', method: 'install-from-file' });
    if (install.state !== AddonManager.STATE_DOWNLOADED) throw new Error('cannot install ' + ${JSON.stringify(xpiPath)} + ': error ' + install.error);
    const ended = new Promise((resolve, reject) => install.addListener({
      onInstallEnded: resolve,
      onInstallFailed: () => reject(new Error('install failed: error ' + install.error)),
      onInstallCancelled: () => reject(new Error('install cancelled')),
    }));
    AddonManager.installAddonFromAOMWithOptions(gBrowser.selectedBrowser, document.documentURIObject, install, {});
    let prompt = null;
    const deadline = Date.now() + 30000;
    while (!prompt && Date.now() < deadline) {
      prompt = PopupNotifications.getNotification('addon-webext-permissions', gBrowser.selectedBrowser);
      if (!prompt) await new Promise((r) => setTimeout(r, 50));
    }
    if (!prompt) throw new Error('no install prompt appeared');
    const { showIncognitoCheckbox, grantPrivateBrowsingAllowed } = prompt.options.customElementOptions;
    prompt.mainAction.callback();
    await ended;
    return JSON.stringify({ showIncognitoCheckbox: !!showIncognitoCheckbox, grantPrivateBrowsingAllowed: !!grantPrivateBrowsingAllowed });`);
  return JSON.parse(text) as InstallPrompt;
}

/**
 * The user's "Run in Private Windows: Allow" in about:addons: stores the permission, reloads the
 * active add-on, and returns once the running add-on is allowed in private windows. Refuses an
 * add-on whose private-window access the user could not change (about:addons hides the switch).
 */
export async function allowInPrivateWindows(ff: FirefoxWithAddon): Promise<PrivateBrowsingAccess> {
  const id = JSON.stringify(checkAddonId(ff.addonId));
  await evaluateChrome(ff.browser, `${MODULES}
    const addon = await AddonManager.getAddonByID(${id});
    if (!addon) throw new Error('add-on ' + ${id} + ' is not installed');
    if (!(addon.permissions & AddonManager.PERM_CAN_CHANGE_PRIVATEBROWSING_ACCESS)) {
      throw new Error('about:addons offers no "Run in Private Windows" switch for ' + ${id});
    }
    const extension = WebExtensionPolicy.getByID(${id})?.extension;
    await ExtensionPermissions.add(${id}, { permissions: [${JSON.stringify(PRIVATE_BROWSING_PERMISSION)}], origins: [] }, extension);
    if (addon.isActive) await addon.reload();
    return 'ok';`);
  return waitFor('the add-on allowed in private windows', () => privateBrowsingAccess(ff), (a) => a.granted && a.allowed, 20_000);
}
