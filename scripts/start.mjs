// `npm start`: the whole main job on one machine. Installs what is missing, builds, starts the relay
// daemon in-process on its embedded defaults, starts a headless browser with the add-on, adds the
// relay to the add-on the way a user would, and prints live progress until SIGINT/SIGTERM.
//   npm start                          Chromium (Debian's /usr/bin/chromium)
//   npm start -- --browser firefox     Firefox ESR with Tor Browser's preferences
//   npm start -- --once                exit 0 after the first share from the add-on is accepted
//   npm start -- --no-build            skip the build (use what dist/ has)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const USAGE = 'usage: npm start -- [--browser chromium|firefox] [--once] [--no-build] [--timeout SECONDS]';

function usage(message) {
  process.stderr.write(`start: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parseFlags(argv) {
  const flags = { browser: 'chromium', once: false, build: true, timeout: 300 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--once') flags.once = true;
    else if (a === '--no-build') flags.build = false;
    else if (a === '--browser' || a === '--timeout') {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      if (a === '--browser') {
        if (v !== 'chromium' && v !== 'firefox') usage(`--browser must be chromium or firefox, not '${v}'`);
        flags.browser = v;
      } else {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1) usage(`--timeout must be a whole number of seconds >= 1, not '${v}'`);
        flags.timeout = n;
      }
    } else if (a === '--help' || a === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else usage(`unknown option '${a}'`);
  }
  return flags;
}

function run(cmd, args) {
  process.stdout.write(`start: ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });
  if (r.status !== 0) {
    process.stderr.write(`start: '${cmd} ${args.join(' ')}' failed (${r.error?.message ?? `exit ${r.status}`})\n`);
    process.exit(1);
  }
}

const BROWSERS = {
  chromium: { bin: process.env.WORKPASS_CHROMIUM ?? '/usr/bin/chromium', pkg: 'chromium' },
  firefox: { bin: process.env.WORKPASS_FIREFOX ?? '/usr/bin/firefox-esr', pkg: 'firefox-esr' },
};

/** Installs what is missing: node_modules (npm ci), and the browser (apt-get, when root). */
function install(browser) {
  if (!existsSync(join(root, 'node_modules'))) run('npm', ['ci']);
  const { bin, pkg } = BROWSERS[browser];
  if (existsSync(bin)) return;
  if (process.getuid?.() !== 0) {
    process.stderr.write(`start: ${bin} is missing; install it with: sudo apt-get install -y ${pkg}\n`);
    process.exit(1);
  }
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', pkg]);
}

function formatRate(hps) {
  if (hps >= 1e6) return `${(hps / 1e6).toFixed(2)} MH/s`;
  if (hps >= 1e3) return `${(hps / 1e3).toFixed(1)} kH/s`;
  return `${Math.round(hps)} H/s`;
}

const flags = parseFlags(process.argv.slice(2));
install(flags.browser);
if (flags.build) run('npm', ['run', 'build']);

const { tsImport } = await import('tsx/esm/api');
const { startRelay, resolveConfig } = await import(pathToFileURL(join(root, 'dist/node/src/relay/index.js')).href);
const { DESCRIPTOR_PATH } = await import(pathToFileURL(join(root, 'dist/node/src/core/protocol/descriptor.js')).href);

// The daemon on its embedded defaults (ws 9433, stratum 9333, http 9480, data in ./.workpass/relay).
const config = resolveConfig({ env: process.env });
mkdirSync(config.dataDir, { recursive: true });
const relay = await startRelay({ ...config, logLevel: process.env.WORKPASS_LOG_LEVEL ?? 'warn' });
process.stdout.write(`relay ws ${relay.ws.url}\nrelay http ${relay.http.url}\n`);
const descriptorUrl = `${relay.http.url}${DESCRIPTOR_PATH}`;
// Shares counted before the add-on starts (none on a fresh daemon) are not the add-on's.
const base = relay.stats().shares.accepted;

/** Starts the browser with the add-on and adds the relay; returns how to read the add-on's status. */
async function startBrowser() {
  if (flags.browser === 'chromium') {
    const { launchChromium } = await tsImport('../e2e/lib/chromium.ts', import.meta.url);
    const b = await launchChromium();
    const page = await b.context.newPage();
    await page.goto(`chrome-extension://${b.extensionId}/options.html`);
    await page.locator('#relay-input').fill(descriptorUrl);
    await page.locator('#add-relay-button').click();
    await page.locator('#relays li').first().waitFor({ timeout: 30_000 });
    return {
      close: () => b.close(),
      addonStatus: () => b.background.evaluate(async () => (await globalThis.chrome.storage.session.get('status')).status),
    };
  }
  const { launchFirefox } = await tsImport('../e2e/lib/firefox.ts', import.meta.url);
  const b = await launchFirefox();
  const page = await b.browser.newPage();
  await page.goto(descriptorUrl);
  await page.waitForSelector('#workpass-add-relay', { timeout: 30_000 });
  await page.click('#workpass-add-relay');
  await page.waitForSelector('#workpass-add-relay-result[data-state]', { timeout: 30_000 });
  const [state, text] = await page.$eval('#workpass-add-relay-result', (e) => [e.dataset.state, e.textContent]);
  if (state !== 'added') throw new Error(`the add-on refused the relay: ${text}`);
  // Firefox's BiDi cannot read an add-on's pages; the relay's side of the story is the progress.
  return { close: () => b.close(), addonStatus: async () => null };
}

let browser = null;
let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  clearInterval(timer);
  await browser?.close().catch(() => undefined);
  await relay.close();
  process.exit(code);
}

let timer;
try {
  process.stdout.write(`start: launching headless ${flags.browser} with the add-on\n`);
  browser = await startBrowser();
} catch (e) {
  process.stderr.write(`start: ${e instanceof Error ? e.message : String(e)}\n`);
  await stop(1);
}
process.stdout.write(`start: relay added to the add-on (${descriptorUrl}); mining — Ctrl-C to stop\n`);
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

const started = Date.now();
timer = setInterval(async () => {
  try {
    const s = relay.stats();
    const addon = await browser.addonStatus();
    const accepted = s.shares.accepted - base;
    const rejected = Object.values(s.shares.rejected).reduce((a, n) => a + n, 0);
    const rate = addon ? `${formatRate(addon.hashRate)} (workers busy ${(addon.cpu * 100).toFixed(1)}% of the machine)` : `~${formatRate(s.hashRate)} (relay estimate)`;
    const t = Math.round((Date.now() - started) / 1000);
    process.stdout.write(`[${String(t).padStart(4)}s] hash rate ${rate}  shares accepted ${accepted} rejected ${rejected}  tickets ${addon ? `${addon.tickets} in the wallet` : `${s.tickets.issued} issued`}\n`);
    if (flags.once && accepted >= 1) {
      process.stdout.write('start: first share from the add-on accepted by the relay\n');
      await stop(0);
    }
    if (flags.once && t > flags.timeout) {
      process.stderr.write(`start: no accepted share in ${flags.timeout} s\n`);
      await stop(1);
    }
  } catch (e) {
    process.stderr.write(`start: ${e instanceof Error ? e.message : String(e)}\n`);
  }
}, 1000);
