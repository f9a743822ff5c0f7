// `npm run bench:browser [-- --seconds N] [--browser chromium|firefox] [--json]`: serves the compiled
// kernels on 127.0.0.1 and measures each kernel build inside a dedicated Worker, one thread, in
// headless Chromium (playwright-core) and Firefox ESR (puppeteer-core over WebDriver BiDi), the
// latter also with Tor Browser's Safer-level preferences ("firefox-tor").
// Each rate is given per wall second and per CPU-second of the Worker's thread (read from /proc), the
// latter being the figure that holds on a shared, loaded machine.
// Prints a table (unless --json), then one JSON line:
//   {"chromium":{"version":...,"sha256d":H,"sha256dPerCpuSecond":H,...},"firefox":{...}}.
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { execFileSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const CHROMIUM_BIN = '/usr/bin/chromium';
const FIREFOX_BIN = '/usr/bin/firefox-esr';
const BUILDS = [
  ['sha256d', 'sha256d'], ['sha256d_scalar', 'sha256d'],
  ['scrypt', 'scrypt'], ['scrypt_scalar', 'scrypt'],
  ['x11', 'x11'],
];

function usage(msg) {
  process.stderr.write(`bench:browser: ${msg}\nusage: npm run bench:browser -- [--seconds N] [--browser chromium|firefox|firefox-tor] [--json]\n`);
  process.exit(2);
}

function parse(argv) {
  const opts = { seconds: 3, browsers: ['chromium', 'firefox', 'firefox-tor'], json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') opts.json = true;
    else if (a === '--seconds') {
      opts.seconds = Number(argv[++i]);
      if (!(opts.seconds > 0 && opts.seconds <= 600)) usage('--seconds must be in (0, 600]');
    } else if (a === '--browser') {
      const b = argv[++i];
      if (!['chromium', 'firefox', 'firefox-tor'].includes(b)) usage('--browser must be chromium, firefox or firefox-tor');
      opts.browsers = [b];
    } else usage(`unknown option ${a}`);
  }
  return opts;
}

/** The compiled loader and generated kernel modules must exist; build them if not. */
function ensureBuilt() {
  const gen = join(root, 'src/core/pow/kernels/sha256d.wasm.generated.ts');
  if (!existsSync(gen)) execFileSync(process.execPath, [join(root, 'scripts/build-wasm.mjs')], { stdio: 'inherit' });
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.node.json')], { stdio: 'inherit' });
  } catch (e) {
    // tsc still emits when some other file has a type error; only missing output is fatal here.
    if (!existsSync(join(root, 'dist/node/src/core/pow/kernels/loader.js'))) throw e;
    process.stderr.write('bench:browser: tsc reported errors (see above); using the emitted kernels anyway\n');
  }
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.map': 'application/json' };

/** Static files: /bench/browser/* from bench/browser, /dist/* from dist/node. Nothing else. */
function serve() {
  const mounts = { '/bench/browser/': join(root, 'bench/browser'), '/dist/': join(root, 'dist/node') };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    for (const [prefix, dir] of Object.entries(mounts)) {
      if (!path.startsWith(prefix)) continue;
      const file = normalize(join(dir, path.slice(prefix.length)));
      if (!file.startsWith(dir) || !existsSync(file)) break;
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(readFileSync(file));
      return;
    }
    res.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** CPU clock ticks (user + system) of every thread of every process below this one, by "pid/tid". */
function threadTicks() {
  const parent = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      parent.set(pid, stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch { /* the process exited */ }
  }
  const mine = new Set([String(process.pid)]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of parent) {
      if (!mine.has(pid) && mine.has(ppid)) {
        mine.add(pid);
        grew = true;
      }
    }
  }
  const ticks = new Map();
  for (const pid of mine) {
    let tids;
    try { tids = readdirSync(`/proc/${pid}/task`); } catch { continue; }
    for (const tid of tids) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        ticks.set(`${pid}/${tid}`, Number(f[11]) + Number(f[12])); // utime, stime (fields 14, 15)
      } catch { /* the thread exited */ }
    }
  }
  return ticks;
}

const CLK_TCK = 100; // Linux USER_HZ

/**
 * Exposed to the page as window.benchMark: at 'start' it snapshots thread CPU times, at 'done' it
 * returns the CPU seconds of the busiest thread since then, which is the bench Worker's thread.
 * Dividing hashes by that (rather than by wall time) keeps figures honest on a loaded machine.
 */
function cpuMarker() {
  let before = new Map();
  return async (phase) => {
    if (phase === 'start') {
      before = threadTicks();
      return null;
    }
    let busiest = 0;
    for (const [id, t] of threadTicks()) if (before.has(id)) busiest = Math.max(busiest, t - before.get(id));
    return busiest / CLK_TCK;
  };
}

async function runPage(page, url, seconds) {
  await page.exposeFunction('benchMark', cpuMarker());
  await page.goto(url);
  await page.waitForFunction(() => window.benchReady === true);
  return page.evaluate(([b, s]) => window.runBench(b, s), [BUILDS, seconds]);
}

async function chromiumRun(url, seconds) {
  const { chromium } = await import('playwright-core');
  const dir = mkdtempSync(join(tmpdir(), 'workpass-bench-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM_BIN,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const version = context.browser()?.version() ?? (await page.evaluate(() => navigator.userAgent));
    return { version, results: await runPage(page, url, seconds) };
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Tor Browser's preferences at the Safer security level (DESIGN.md; the same set the e2e suite
 * uses), except `javascript.options.wasm`: Safer turns it off, which removes WebAssembly from web
 * pages such as this benchmark's, while the add-on's extension page and Workers keep it (the e2e
 * suite mines with it off). So here it stays on, and the JIT switches are what is measured.
 */
const TOR_BROWSER_PREFS = {
  'privacy.resistFingerprinting': true,
  'javascript.options.ion': false,
  'javascript.options.baselinejit': false,
  'javascript.options.native_regexp': false,
  'javascript.options.asmjs': false,
  'javascript.options.wasm': true,
};

async function firefoxRun(url, seconds, torPrefs = false) {
  const { default: puppeteer } = await import('puppeteer-core');
  const dir = mkdtempSync(join(tmpdir(), 'workpass-bench-firefox-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_BIN,
    headless: true,
    protocol: 'webDriverBiDi',
    userDataDir: dir,
    extraPrefsFirefox: {
      'app.update.enabled': false, 'browser.shell.checkDefaultBrowser': false, 'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.enabled': false, 'network.captive-portal-service.enabled': false, 'network.connectivity-service.enabled': false,
      'browser.safebrowsing.malware.enabled': false, 'browser.safebrowsing.phishing.enabled': false,
      ...(torPrefs ? TOR_BROWSER_PREFS : {}),
    },
  });
  try {
    const page = await browser.newPage();
    const version = await browser.version();
    return { version, results: await runPage(page, url, seconds) };
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (h) => (h >= 1e6 ? `${(h / 1e6).toFixed(2)} MH/s` : `${(h / 1e3).toFixed(2)} kH/s`);

const opts = parse(process.argv.slice(2));
ensureBuilt();
const server = await serve();
const url = `http://127.0.0.1:${server.address().port}/bench/browser/index.html`;
const out = {};
const rows = [];
let failed = false;
try {
  for (const name of opts.browsers) {
    const { version, results } = name === 'chromium'
      ? await chromiumRun(url, opts.seconds)
      : await firefoxRun(url, opts.seconds, name === 'firefox-tor');
    out[name] = { version };
    for (const [build] of BUILDS) {
      const r = results[build];
      if (r.error) {
        failed = true;
        rows.push([name, build, `error: ${r.error.split('\n')[0]}`, '', '']);
      } else {
        const perCpuSecond = r.cpuSeconds > 0 ? r.hashes / r.cpuSeconds : NaN;
        out[name][build] = Math.round(r.perSecond);
        out[name][`${build}PerCpuSecond`] = Math.round(perCpuSecond);
        rows.push([name, build, fmt(r.perSecond), fmt(perCpuSecond), `${((r.cpuSeconds / opts.seconds) * 100).toFixed(0)}%`]);
      }
    }
  }
} finally {
  server.close();
}
if (!opts.json) {
  const head = ['browser', 'kernel', 'rate (wall)', 'per CPU-second', 'CPU share'];
  const w = head.map((h, i) => Math.max(...rows.map((r) => r[i].length), h.length));
  const line = (c) => c.map((s, i) => s.padEnd(w[i])).join('  ');
  process.stdout.write(line(head) + '\n' + w.map((n) => '-'.repeat(n)).join('  ') + '\n');
  for (const r of rows) process.stdout.write(line(r) + '\n');
  for (const b of opts.browsers) process.stdout.write(`${b}: ${out[b].version}\n`);
  process.stdout.write('\n');
}
process.stdout.write(JSON.stringify(out) + '\n');
process.exit(failed ? 1 : 0);
