/**
 * The add-on over the private Tor network, in Firefox ESR with Tor Browser's network preferences:
 * it adds the relay from the daemon's .onion descriptor page, mines over the onion service and earns
 * a ticket; every socket Firefox opened went to the SOCKS port; once the user grants the relay's host,
 * each relay session runs on a circuit of its own (SOCKS credentials per session); the ticket is spent
 * at a gateway that is itself an onion service, on a circuit other than the one it was signed on; and
 * a restart of the onion service mid-mining loses neither the connection for long nor credit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESCRIPTOR_PATH } from '../../src/core/protocol/descriptor.js';
import { launchFirefox, type FirefoxWithAddon } from '../lib/firefox.js';
import { treeOf } from '../lib/procs.js';
import { waitFor } from '../lib/relay.js';
import { startCanary, type Canary } from './canary.js';
import { CircuitLog, type StreamInfo } from './circuits.js';
import type { TorControl } from './control.js';
import { torNetworkPrefs } from './firefox-tor-prefs.js';
import { startTorNetwork, type TorNetwork } from './network.js';
import { ONION_HTTP_PORT, ONION_WS_PORT, startOnionRelay, type OnionRelay, type RelayStatsJson } from './onion-relay.js';
import { startSocketAudit, type SocketAudit } from './socket-audit.js';
import { startTestSite, type TestSite } from '../lib/test-site.js';

let net: TorNetwork;
let watcher: TorControl;
let circuits: CircuitLog;
let daemon: OnionRelay;
let canary: Canary;
let firefox: FirefoxWithAddon;
let audit: SocketAudit;
let site: TestSite;
const profile = mkdtempSync(join(tmpdir(), 'workpass-tor-firefox-'));
const t0 = Date.now();
const mark = (what: string): void => console.log(`[addon-tor] ${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s`);

beforeAll(async () => {
  net = await startTorNetwork({ log: (line) => console.log(`[tor] ${line}`) });
  watcher = await net.control();
  circuits = await CircuitLog.attach(watcher);
  mark('network ready');
  // A ticket costs four shares at the starting difficulty. The gateway fronts a loopback site.
  site = await startTestSite();
  daemon = await startOnionRelay(net, 0.0002, 0.0008, site.url);
  mark(`daemon behind ${daemon.onion}`);
  firefox = await launchFirefox(profile, torNetworkPrefs(net.socksPort));
  // Not a descriptor: the add-on fetches it when asked to add it, and refuses it.
  canary = await startCanary('{"canary":true}', () => net.pids(), () => treeOf(profile).map((p) => p.pid));
  audit = startSocketAudit(() => treeOf(profile).map((p) => p.pid), net.socksPort);
  mark('firefox up');
}, 240_000);

afterAll(async () => {
  audit?.stop();
  await firefox?.close().catch(() => {});
  await daemon?.close().catch(() => {});
  await site?.close();
  await canary?.close();
  watcher?.close();
  await net?.stop();
  rmSync(profile, { recursive: true, force: true });
});

const firefoxStreams = (): StreamInfo[] =>
  [...circuits.streams.values()].filter((s) => audit.socksLocalPorts.has(Number(s.sourceAddr?.split(':')[1])));

/** Firefox's open mining stream (the latest to the onion's ws port that succeeded). */
function liveMiningStream(): StreamInfo | undefined {
  return firefoxStreams().filter((s) => s.target === `${daemon.onion}:${ONION_WS_PORT}` && s.status === 'SUCCEEDED').at(-1);
}

/** The circuit of Firefox's open mining stream. */
function liveMiningCircuit(): string | undefined {
  return liveMiningStream()?.circuitId;
}

/** The daemon's sessions table agrees with /stats, and no session's credit was lost or paid twice. */
function expectCreditConsistent(stats: { shares: { accepted: number }; tickets: { issued: number } }): void {
  const rows = daemon.sessions();
  expect(rows.every((r) => r.mode === 'tickets')).toBe(true);
  expect(rows.reduce((n, r) => n + r.shares, 0)).toBe(stats.shares.accepted);
  expect(rows.reduce((n, r) => n + r.issued, 0)).toBe(stats.tickets.issued);
  // Each session: everything it earned is either still credit or paid for its tickets.
  for (const r of rows) expect(r.credit + BigInt(r.issued) * daemon.priceNano).toBe(r.work);
}

/**
 * Waits until a session opened after the first `sessionsBefore` has a share credited (a share that
 * was in flight on the old connection does not count), then returns /stats.
 */
async function miningOnNewSession(sessionsBefore: number, timeoutMs: number): Promise<RelayStatsJson> {
  await waitFor('a share on a new session', async () => daemon.sessions().slice(sessionsBefore), (rows) => rows.some((r) => r.shares > 0), timeoutMs);
  return daemon.stats();
}

const onionStreams = (port: number): StreamInfo[] =>
  [...circuits.streams.values()].filter((s) => s.target === `${daemon.onion}:${port}`);

describe('the add-on over Tor (Firefox ESR, Tor Browser network prefs)', () => {
  it('adds the relay from its .onion descriptor page, mines over the onion service and earns a ticket', async () => {
    const descriptor = daemon.relay.descriptor();
    expect(descriptor.endpoints.ws).toBe(`ws://${daemon.onion}:${ONION_WS_PORT}`);
    expect(descriptor.endpoints.http).toBe(`http://${daemon.onion}`);
    const page = await firefox.browser.newPage();
    try {
      await page.goto(daemon.descriptorUrl, { timeout: 60_000 });
      await page.waitForSelector('#workpass-add-relay', { timeout: 30_000 });
      await page.click('#workpass-add-relay');
      await page.waitForSelector('#workpass-add-relay-result[data-state]', { timeout: 60_000 });
      const [state, text] = await page.$eval('#workpass-add-relay-result', (e) => [(e as HTMLElement).dataset.state, e.textContent]);
      expect({ state, text }).toMatchObject({ state: 'added' });
    } finally {
      await page.close();
    }
    mark('relay added');
    const first = await waitFor('an accepted share', () => daemon.stats(), (s) => s.shares.accepted >= 1, 90_000);
    mark(`first share accepted (${first.shares.accepted})`);
    const stats = await waitFor('a ticket issued', () => daemon.stats(), (s) => s.tickets.issued >= 1, 90_000);
    mark(`ticket issued (accepted ${stats.shares.accepted}, issued ${stats.tickets.issued})`);
    expect(stats.shares.accepted).toBeGreaterThanOrEqual(4);
    expect(stats.tickets.issued).toBeGreaterThanOrEqual(1);
  });

  it('made no connection except through the SOCKS port', async () => {
    // A page on loopback, at the descriptor path so that the add-on fetches it too when "add this
    // relay" is clicked. With allow_hijacking_localhost and no bypass list both the tab and the
    // add-on must reach it through tor, leaving at an exit: the canary checks that the process at
    // the other end of each connection is a tor, not Firefox.
    const page = await firefox.browser.newPage();
    try {
      await page.goto(`http://127.0.0.1:${canary.port}${DESCRIPTOR_PATH}`, { timeout: 60_000 });
      await page.waitForSelector('#workpass-add-relay', { timeout: 30_000 });
      await page.click('#workpass-add-relay');
      await page.waitForSelector('#workpass-add-relay-result[data-state]', { timeout: 60_000 });
      expect(await page.$eval('#workpass-add-relay-result', (e) => (e as HTMLElement).dataset.state)).toBe('error');
    } finally {
      await page.close();
    }
    console.log(`[addon-tor] canary: ${JSON.stringify(canary.connections)}, requests ${JSON.stringify(canary.requests)}`);
    // The tab's load and the add-on's fetch.
    expect(canary.requests.filter((r) => r === `GET ${DESCRIPTOR_PATH}`).length).toBeGreaterThanOrEqual(2);
    expect(canary.connections.length).toBeGreaterThanOrEqual(1);
    for (const c of canary.connections) expect(c.owner).toBe('tor');
    const canaryStreams = [...circuits.streams.values()].filter((s) => s.target === `127.0.0.1:${canary.port}`);
    expect(canaryStreams.length).toBeGreaterThanOrEqual(canary.connections.length);
    // The add-on's descriptor fetch and its mining connection are tor streams to the onion service.
    const ws = onionStreams(ONION_WS_PORT);
    expect(ws.some((s) => s.status === 'SUCCEEDED' || s.status === 'CLOSED')).toBe(true);
    expect(onionStreams(ONION_HTTP_PORT).length).toBeGreaterThanOrEqual(1);
    for (const s of ws) expect(circuits.circuits.get(s.circuitId)?.purpose).toMatch(/HS_CLIENT_REND/);
    // Every socket of every Firefox process, sampled every 200 ms since launch.
    console.log(`[addon-tor] socket audit: ${audit.samples} samples, ${audit.viaSocks} sockets to SOCKS, violations ${JSON.stringify(audit.violations)}`);
    expect(audit.samples).toBeGreaterThanOrEqual(10);
    expect(audit.viaSocks).toBeGreaterThanOrEqual(2);
    expect(audit.violations).toEqual([]);
  });

  it('mining never shares a circuit with browsing', () => {
    // Firefox's streams: those from a local port the socket audit saw a Firefox process hold.
    const ours = firefoxStreams();
    console.log(`[addon-tor] streams: ${ours.map((s) => `${s.target} circ ${s.circuitId} user ${s.socksUsername ?? '-'}`).join('; ')}`);
    // Browsing (the canary page, an exit circuit) and mining (the onion service, a rendezvous
    // circuit) never share a circuit.
    const miningCircuits = new Set(ours.filter((s) => s.target === `${daemon.onion}:${ONION_WS_PORT}`).map((s) => s.circuitId));
    expect(miningCircuits.size).toBeGreaterThanOrEqual(1);
    const browsingCircuits = new Set(ours.filter((s) => s.target.startsWith('127.0.0.1:')).map((s) => s.circuitId));
    expect(browsingCircuits.size).toBeGreaterThanOrEqual(1);
    expect([...miningCircuits].filter((c) => browsingCircuits.has(c))).toEqual([]);
    // Firefox ESR sends no SOCKS credentials of its own (Tor Browser's per-first-party ones come from
    // its patches): the tab's streams carry none.
    // its patches): the tab's load of the canary page carries none. The add-on's own fetch of it
    // carries one-off credentials of the add-on's (socks-isolation.ts).
    const canaryUsers = ours.filter((x) => x.target.startsWith('127.0.0.1:')).map((x) => x.socksUsername);
    expect(canaryUsers).toContain(undefined);
    for (const u of canaryUsers.filter((x) => x !== undefined)) expect(u).toMatch(/^[0-9a-f]{24}$/);
  });

  it('once the relay host is granted, each new relay session gets its own SOCKS credentials and circuit', async () => {
    const options = await firefox.addonPage('options.html');
    try {
      await options.waitForSelector('.relay-isolation[data-isolation]', { timeout: 15_000 });
      expect(await options.$eval('.relay-isolation', (e) => (e as HTMLElement).dataset.isolation)).toBe('off');
      await options.click('.relay-isolation button.isolate');
      await options.waitForSelector('.relay-isolation[data-isolation="on"]', { timeout: 15_000 });
    } finally {
      await options.close();
    }
    const seen: Array<{ stream: string; circuit: string; user: string | undefined }> = [];
    // Streams are told apart by id: a stream closed from the control port may still read SUCCEEDED
    // in the log for a while, so "the newest live one" could be an old one.
    const earlier = new Set<string>();
    let live = await waitFor('a live mining stream', async () => liveMiningStream(), (st) => st !== undefined, 60_000);
    const lastBeforeGrant = Math.max(...onionStreams(ONION_WS_PORT).map((st) => Number(st.id)));
    for (let round = 0; ; round++) {
      seen.push({ stream: live!.id, circuit: live!.circuitId, user: live!.socksUsername });
      if (round === 2) break;
      for (const st of onionStreams(ONION_WS_PORT)) earlier.add(st.id);
      // control-spec 3.16 CLOSESTREAM ends the mining connection and leaves its circuit up: only
      // the new session's credentials can put the reconnect on another circuit.
      expect((await watcher.command(`CLOSESTREAM ${live!.id} 1`)).code).toBe(250);
      const closed = live!;
      live = await waitFor('a new mining stream', async () =>
        firefoxStreams().find((st) => st.target === `${daemon.onion}:${ONION_WS_PORT}` && st.status === 'SUCCEEDED' && !earlier.has(st.id)),
      (st) => st !== undefined, 60_000);
      expect(circuits.circuits.get(closed.circuitId)?.status).not.toBe('CLOSED');
    }
    console.log(`[addon-tor] sessions: ${JSON.stringify(seen)}`);
    // Every mining connection since the grant carried credentials of its own: none fell back to the
    // browser's own proxy setting (no credentials) after a failed attempt.
    const since = firefoxStreams().filter((st) => st.target === `${daemon.onion}:${ONION_WS_PORT}` && Number(st.id) > lastBeforeGrant);
    expect(since.length).toBeGreaterThanOrEqual(2);
    for (const st of since) expect(st.socksUsername).toMatch(/^[0-9a-f]{24}$/);
    // The first session predates the grant; the two after it carry credentials of their own.
    const [, second, third] = seen;
    expect(second!.user).toMatch(/^[0-9a-f]{24}$/);
    expect(third!.user).toMatch(/^[0-9a-f]{24}$/);
    expect(third!.user).not.toBe(second!.user);
    expect(new Set(seen.map((x) => x.circuit)).size).toBe(3);
    for (const x of seen.slice(1)) expect(circuits.circuits.get(x.circuit)?.purpose).toMatch(/HS_CLIENT_REND/);
  }, 200_000);

  it('spends a ticket at a gateway that is an onion service, on a circuit other than its signing', async () => {
    const gateway = daemon.gatewayUrl!;
    const issued = await waitFor('a ticket issued on an isolated session', () => daemon.stats(), (s) => s.tickets.issued >= 2, 90_000);
    const options = await firefox.addonPage('options.html');
    try {
      await options.click('#priority');
      await options.type('#boost-input', gateway);
      await options.click('#add-boost-button');
      await options.waitForFunction((g) => (document.getElementById('boosted')?.textContent ?? '').includes(g), { timeout: 15_000 }, gateway);
      expect(await options.$eval('#priority', (e) => (e as HTMLInputElement).checked)).toBe(true);
    } finally {
      await options.close();
    }
    const page = await firefox.browser.newPage();
    try {
      await page.goto(`${gateway}/boosted`, { timeout: 90_000 });
      // The first load is served free with the challenge; the add-on spends and reloads the tab.
      await waitFor('the page served in a paid class', async () => site.seen.filter((r) => r.path === '/boosted').map((r) => r.workpassClass),
        (classes) => classes.some((c) => c !== null && c !== 'free'), 120_000);
    } finally {
      await page.close();
    }
    const after = await daemon.stats();
    expect(after.tickets.spent).toBeGreaterThanOrEqual(1);
    mark(`ticket spent at ${gateway} (issued ${issued.tickets.issued}, spent ${after.tickets.spent})`);
    const ours = firefoxStreams();
    const gatewayTarget = `${new URL(gateway).hostname}:80`;
    // The add-on presents the ticket itself (a background fetch with one-off credentials); the tab's
    // loads carry none. Neither shares a circuit with any mining session, where tickets were signed.
    const presented = ours.filter((s) => s.target === gatewayTarget && /^[0-9a-f]{24}$/.test(s.socksUsername ?? ''));
    const tab = ours.filter((s) => s.target === gatewayTarget && s.socksUsername === undefined);
    expect(presented.length).toBeGreaterThanOrEqual(1);
    expect(tab.length).toBeGreaterThanOrEqual(1);
    const mining = ours.filter((s) => s.target === `${daemon.onion}:${ONION_WS_PORT}`);
    const miningCircuits = new Set(mining.map((s) => s.circuitId));
    const miningUsers = new Set(mining.map((s) => s.socksUsername));
    for (const s of [...presented, ...tab]) expect(miningCircuits.has(s.circuitId)).toBe(false);
    for (const s of presented) expect(miningUsers.has(s.socksUsername)).toBe(false);
  }, 300_000);

  it('keeps mining across a restart of the onion service, and the credit adds up', async () => {
    const before = await daemon.stats();
    const sessionsBefore = daemon.sessions().length;
    const restarted = Date.now();
    const events: string[] = [];
    const off = [
      watcher.on('STREAM', (e) => events.push(`${Date.now() - restarted} ${e.lines[0]?.text ?? ''}`)),
      watcher.on('CIRC', (e) => events.push(`${Date.now() - restarted} ${e.lines[0]?.text ?? ''}`)),
    ];
    // The client's onion-service state is kept (no SIGNAL NEWNYM): the add-on must recover on its
    // own. Before sessions had credentials of their own, 2 runs of 5 left its credential-less
    // streams waiting behind a rendezvous circuit built from the old descriptor for over 150 s; a
    // stream with fresh SOCKS credentials got through in 6 s (docs/tor.md section 5).
    await daemon.host.restart({ keepClientState: true });
    mark(`onion service back after ${daemon.host.readyMs} ms`);
    const after = await miningOnNewSession(sessionsBefore, 150_000)
      .finally(() => {
        for (const f of off) f();
        console.log(`[addon-tor] events after restart:\n${events.filter((l) => l.includes(daemon.onion.slice(0, 20)) || /HS_CLIENT|CIRC \d+ (FAILED|CLOSED)/.test(l)).join('\n')}`);
      });
    mark(`mining again ${Date.now() - restarted} ms after the restart began (accepted ${before.shares.accepted} -> ${after.shares.accepted})`);
    // The add-on came back on a new session (each connection is one), and the old one's credit stayed.
    expect(daemon.sessions().length).toBeGreaterThan(sessionsBefore);
    expectCreditConsistent(after);
  }, 200_000);

  it('a closed circuit mid-mining: the add-on reconnects on a new circuit, and the credit adds up', async () => {
    await waitFor('a live mining stream', async () => liveMiningCircuit(), (c) => c !== undefined, 30_000);
    const circuit = liveMiningCircuit()!;
    const before = await daemon.stats();
    const sessionsBefore = daemon.sessions().length;
    const closed = Date.now();
    // control-spec 3.15 CLOSECIRCUIT: tears the circuit down, and with it the add-on's WebSocket.
    expect((await watcher.command(`CLOSECIRCUIT ${circuit}`)).code).toBe(250);
    const after = await miningOnNewSession(sessionsBefore, 90_000);
    mark(`mining again ${Date.now() - closed} ms after circuit ${circuit} was closed (accepted ${before.shares.accepted} -> ${after.shares.accepted})`);
    const now = liveMiningCircuit();
    expect(now).toBeDefined();
    expect(now).not.toBe(circuit);
    expect(daemon.sessions().length).toBeGreaterThan(sessionsBefore);
    expectCreditConsistent(after);
  }, 120_000);
});

describe('the evidence tools detect what they claim to', () => {
  it('the canary names the process at the other end, and the socket audit flags a direct connection', async () => {
    // This test process plays the browser: its direct connection must be seen for what it is.
    const probe = await startCanary('{}', () => [], () => [process.pid]);
    const watch = startSocketAudit(() => [process.pid], net.socksPort, 20);
    try {
      const res = await fetch(`http://127.0.0.1:${probe.port}/direct`);
      expect(res.status).toBe(200);
      await new Promise((r) => setTimeout(r, 100));
      expect(probe.connections.map((c) => c.owner)).toEqual(['browser']);
      expect(watch.violations.some((s) => s.remote === '127.0.0.1' && s.remotePort === probe.port)).toBe(true);
    } finally {
      watch.stop();
      await probe.close();
    }
  });
});
