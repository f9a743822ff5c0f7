import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAlgorithm } from '../../src/core/pow/registry.js';
import { ticketToText } from '../../src/core/tickets/index.js';
import { decodeSessionOpenResult } from '../../src/core/protocol/workpass.js';
import { resolveConfig, startRelay, type RelayHandle } from '../../src/relay/index.js';
import { MinerClient, RemoteError, mineShare } from '../../src/relay/miner-client.js';
import { collectTicket } from '../../test/relay/ticket-client.js';
import { CHROMIUM_BIN, repoRoot } from '../lib/paths.js';

/**
 * The dashboard against a running daemon: a Stratum client mines real shares (reference hash, low
 * difficulty), earns and spends a ticket at the gateway, and fetches pages through the gateway's
 * HTB classes; then headless chromium opens the printed token URL and the test reads the DOM.
 */
const sha256d = getAlgorithm('sha256d');
const SHARES = 8;
const PARTNER_KEY = 'ab'.repeat(32);

let dataDir: string;
let relayConfig: ReturnType<typeof resolveConfig>;
let userDataDir: string;
let backend: Server;
let relay: RelayHandle;
let browser: BrowserContext;
let page: Page;
const miners: MinerClient[] = [];

async function rejection(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (err) {
    if (err instanceof RemoteError) return err.code;
    throw err;
  }
  throw new Error('expected a Stratum error');
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'workpass-dashboard-'));
  userDataDir = mkdtempSync(join(tmpdir(), 'workpass-dashboard-chromium-'));
  backend = createServer((_req, res) => res.end('x'.repeat(48_000)));
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  const backendPort = (backend.address() as AddressInfo).port;
  const config = resolveConfig({
    flags: new Map([
      ['ws', '127.0.0.1:0'], ['stratum', '127.0.0.1:0'], ['http', '127.0.0.1:0'], ['data-dir', dataDir],
      ['difficulty', '0.00001'], ['price', '0.00003'], ['gateway', '127.0.0.1:0'], ['backend', `http://127.0.0.1:${backendPort}`],
      ['link-mbit', '4'], ['exchange', '127.0.0.1:0'], ['dashboard', '127.0.0.1:0'],
    ]),
    file: {
      path: 'dashboard-test.json',
      text: JSON.stringify({
        // A partner that is not running (its port is closed): the panel shows it with its counts.
        exchange: { partners: [{ publicKey: PARTNER_KEY, url: 'http://127.0.0.1:9', ticketKeys: [], trustLimit: 50, paymentEvery: 10 }], syncSeconds: 3600 },
        dashboard: { bandwidthKBps: 20_000, role: 'exit', usdPerBlock: 0 },
      }),
    },
  });
  relayConfig = { ...config, logLevel: 'silent' };
  relay = await startRelay(relayConfig, { logger: pino({ level: 'silent' }), dashboardSampleMs: 500 });

  // Mining: SHARES valid shares, one duplicate and one share that misses the target.
  const c = await MinerClient.connect(relay.ws.url);
  miners.push(c);
  const open = decodeSessionOpenResult(await c.request('workpass.session.open', [{ mode: 'tickets' }]));
  const sub = await c.subscribe('dashboard-e2e/1');
  await c.authorize(open.token);
  const job = await c.latestJob();
  let last: { extranonce2: string; ntime: string; nonce: string } | undefined;
  for (let i = 0; i < SHARES; i++) {
    const en2 = i.toString(16).padStart(2 * sub.extranonce2Size, '0');
    last = mineShare(sha256d, job, sub.extranonce1, en2)!;
    expect(await c.request('mining.submit', [open.token, job.job.jobId, last.extranonce2, last.ntime, last.nonce])).toBe(true);
    await new Promise((r) => setTimeout(r, 150));
  }
  expect(await rejection(c.request('mining.submit', [open.token, job.job.jobId, last!.extranonce2, last!.ntime, last!.nonce]))).toBe(22);

  // A ticket (price 3 shares), spent at the gateway; plain requests go in the free class.
  const desc = await (await fetch(`${relay.http.url}/.well-known/workpass/descriptor.json`)).json();
  const { ticket } = await collectTicket(c, open.token, desc);
  const gw = relay.services.gatewayUrl!;
  const paid = await fetch(`${gw}/`, { headers: { authorization: `WorkpassTicket token="${ticketToText(ticket)}"` } });
  expect(paid.status).toBe(200);
  await paid.text();
  for (let i = 0; i < 6; i++) await (await fetch(`${gw}/page${i}`)).text();

  browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_BIN,
    headless: true,
    viewport: { width: 1360, height: 1000 },
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = browser.pages()[0] ?? (await browser.newPage());
});

afterAll(async () => {
  await browser?.close();
  for (const m of miners) m.close();
  await relay?.close();
  await new Promise<void>((r) => (backend === undefined ? r() : backend.close(() => r())));
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(userDataDir, { recursive: true, force: true });
});

describe('operator dashboard in chromium', () => {
  it('keeps the token in the data dir with mode 0600 and refuses the API without it', async () => {
    const token = readFileSync(join(dataDir, 'dashboard.token'), 'utf8').trim();
    expect(statSync(join(dataDir, 'dashboard.token')).mode & 0o777).toBe(0o600);
    expect(relay.dashboard!.tokenUrl).toBe(`${relay.dashboard!.url}/#token=${token}`);
    expect((await fetch(`${relay.dashboard!.url}/api/snapshot`)).status).toBe(401);
    // One character changed (a random token starts with 'x' once in 64 runs, so not "x + the rest").
    const wrong = (token[0] === 'x' ? 'y' : 'x') + token.slice(1);
    expect((await fetch(`${relay.dashboard!.url}/api/snapshot`, { headers: { authorization: `Bearer ${wrong}` } })).status).toBe(401);
  });

  it('loads from the token URL, draws the charts from the daemon and matches /stats', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(relay.dashboard!.tokenUrl);
    // The token leaves the address bar once it is stored.
    await page.waitForFunction(() => location.hash === '');
    await page.waitForFunction(() => document.body.dataset.updated !== undefined);
    // Enough samples (one per 500 ms here) for lines to have several points.
    await page.waitForFunction(() => (document.querySelector('svg[data-chart=hashrate] path.line')?.getAttribute('d') ?? '').split('L').length >= 4, undefined, { timeout: 20_000 });

    const stats = (await (await fetch(`${relay.http.url}/stats`)).json()) as {
      sessions: number; shares: { accepted: number; rejected: Record<string, number> }; tickets: { issued: number; spent: number };
    };
    const text = (sel: string) => page.locator(sel).innerText();
    expect(stats.shares.accepted).toBe(SHARES);
    expect(await text('#v-sessions')).toBe(String(stats.sessions));
    expect(stats.sessions).toBe(1);
    expect(await text('#v-accepted')).toBe(String(stats.shares.accepted));
    expect(await text('#v-rejected')).toBe(String(Object.values(stats.shares.rejected).reduce((a, b) => a + b, 0)));
    expect(await text('#v-issued')).toBe(String(stats.tickets.issued));
    expect(stats.tickets.issued).toBe(1);
    expect(await text('#v-spent')).toBe(String(stats.tickets.spent));
    expect(stats.tickets.spent).toBe(1);
    expect(await page.locator('#reasons .row[data-reason=duplicate] .n').innerText()).toBe('1');

    // Every line chart has non-empty paths; the hash-rate line is not flat at zero.
    for (const chart of ['hashrate', 'sessions', 'shares', 'upstream', 'htb']) {
      const ds = await page.locator(`svg[data-chart=${chart}] path.line`).evaluateAll((ps) => ps.map((p) => p.getAttribute('d') ?? ''));
      expect(ds.length, chart).toBeGreaterThan(0);
      for (const d of ds) expect(d, chart).toMatch(/^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+)+$/);
    }
    const ys = (await page.locator('svg[data-chart=hashrate] path.line').getAttribute('d'))!.split(/[ML]/).filter(Boolean).map((p) => Number(p.split(',')[1]));
    expect(new Set(ys).size).toBeGreaterThan(1);

    // Tickets per day: today's bars show the issued and spent ticket.
    const today = new Date().toISOString().slice(0, 10);
    expect(await page.locator('#t-tickets tr').nth(1).locator('td').allInnerTexts()).toEqual([today, '1', '1', 'still valid']);
    // HTB: the free and paid leaves carried bytes (the class table lists every class).
    const htbRows = await page.locator('#t-htb tr').allInnerTexts();
    expect(htbRows.some((r) => r.includes('free'))).toBe(true);
    expect(htbRows.some((r) => r.includes('group4'))).toBe(true);
    // Partner relays with their unpaid counts.
    const partner = await page.locator('#t-partners tr').nth(1).locator('td').allInnerTexts();
    expect(partner[0]).toBe(PARTNER_KEY);
    expect(partner.slice(2)).toEqual(['0', '0', '0', '50', 'accepting']);
    // The live estimate: solo mode, and the model's prediction for 20,000 KB/s as an exit.
    expect(await text('#v-earned')).toBe('$0');
    expect(await text('#v-predicted')).toMatch(/^\$\d/);

    mkdirSync(join(repoRoot, 'artifacts'), { recursive: true });
    await page.screenshot({ path: join(repoRoot, 'artifacts', 'dashboard.png'), fullPage: true });
    // The page follows the system's colour scheme; keep a dark-mode screenshot too.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForFunction((before) => document.body.dataset.updated !== before, await page.evaluate(() => document.body.dataset.updated));
    await page.screenshot({ path: join(repoRoot, 'artifacts', 'dashboard-dark.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('shows what to do when opened without the token', async () => {
    const fresh = await browser.newPage();
    await fresh.goto(relay.dashboard!.url + '/');
    await fresh.waitForSelector('#notice:not([hidden])');
    expect(await fresh.locator('#notice').innerText()).toMatch(/No access token/);
    await fresh.close();
  });

  it('after a daemon restart on the same data dir, still shows the earlier totals', async () => {
    for (const m of miners.splice(0)) m.close();
    await relay.close();
    relay = await startRelay(relayConfig, { logger: pino({ level: 'silent' }), dashboardSampleMs: 500 });
    await page.goto(relay.dashboard!.tokenUrl);
    await page.waitForFunction(() => document.body.dataset.updated !== undefined && document.getElementById('v-accepted')?.textContent === '0');
    // This run has accepted nothing yet; the tile's total since counting began is the first run's.
    expect(await page.locator('#s-accepted').innerText()).toMatch(new RegExp(`^${SHARES} since \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC$`));
    expect(await page.locator('#v-issued').innerText()).toBe('1');
  });
});
