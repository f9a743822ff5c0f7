/**
 * The private Tor network end to end: bootstrap, an exit to 127.0.0.1, an onion service, SOCKS
 * credential isolation seen from the control port, the relay daemon behind an onion service, teardown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { startTorNetwork, type TorNetwork } from './network.js';
import { CircuitLog } from './circuits.js';
import { httpGetViaSocks, startProbeServer, type ProbeServer } from './probe.js';
import { socksConnect } from './socks.js';
import type { TorControl } from './control.js';
import type { OnionService } from './onion.js';
import { DESCRIPTOR_PATH, verifyDescriptor } from '../../src/core/protocol/descriptor.js';
import { resolveConfig, startRelay, type RelayHandle } from '../../src/relay/index.js';

let net: TorNetwork;
let watcher: TorControl;
let circuits: CircuitLog;
let page: ProbeServer;
let onion: OnionService;
let dataDir: string;

beforeAll(async () => {
  net = await startTorNetwork({ log: (line) => console.log(`[tor] ${line}`) });
  dataDir = net.dataDir;
  watcher = await net.control();
  circuits = await CircuitLog.attach(watcher);
  page = await startProbeServer('a page on 127.0.0.1');
}, 150_000);

afterAll(async () => {
  watcher?.close();
  await page?.close();
  await net?.stop();
});

const exits = (): string[] => net.relays.filter((r) => r.role === 'exit').map((r) => r.fingerprint);

/** Opens a SOCKS connection to host:port with `auth` and returns the circuit tor put it on. */
async function circuitFor(host: string, port: number, auth?: { username: string; password: string }) {
  const { socket } = await socksConnect({ proxyPort: net.socksPort, host, port, auth, timeoutMs: 60_000 });
  try {
    const circuit = await circuits.circuitOfLocalPort(socket.localPort!);
    const stream = await circuits.streamOfLocalPort(socket.localPort!);
    return { id: circuit.id, purpose: circuit.purpose, streamUsername: stream.socksUsername };
  } finally {
    socket.destroy();
  }
}

describe('private Tor network on 127.0.0.1', () => {
  it('bootstraps: the client reports 100 % and the probe went through at least 3 hops', async () => {
    console.log(`[tor] bootstrap ${net.bootstrapMs} ms, probe circuit ${net.probeHops} hops, ${net.pids().length} tor processes`);
    expect(await watcher.getInfo('status/bootstrap-phase')).toMatch(/PROGRESS=100/);
    expect(net.probeHops).toBeGreaterThanOrEqual(3);
    expect(net.relays.filter((r) => r.role === 'authority')).toHaveLength(3);
    expect(exits().length).toBeGreaterThanOrEqual(1);
    expect(net.pids()).toHaveLength(net.relays.length + 2);
  });

  it('reaches an HTTP server on 127.0.0.1 through SOCKS, leaving the network at an exit', async () => {
    const auth = { username: 'exit-test', password: 'x' };
    const res = await httpGetViaSocks({ socksPort: net.socksPort, url: `http://127.0.0.1:${page.port}/hello`, auth });
    expect(res).toMatchObject({ status: 200, body: 'a page on 127.0.0.1' });
    expect(page.requests).toContain('GET /hello');
    const circuit = await circuits.circuitOfLocalPort(res.localPort);
    expect(circuit.path.length).toBeGreaterThanOrEqual(3);
    expect(exits()).toContain(circuit.path.at(-1));
  });

  it('publishes an onion service and reaches it by its .onion address', async () => {
    const service = await startProbeServer('served over an onion service');
    try {
      const s = await net.addOnion([{ virtualPort: 80, target: service.port }]);
      expect(s.onion).toMatch(/^[a-z2-7]{56}\.onion$/);
      console.log(`[tor] onion service ready in ${s.readyMs} ms`);
      const res = await httpGetViaSocks({ socksPort: net.socksPort, url: `http://${s.onion}/page` });
      expect(res).toMatchObject({ status: 200, body: 'served over an onion service' });
      expect(service.requests).toContain('GET /page');
      await s.remove();
    } finally {
      await service.close();
    }
  });

  it('an onion service from torrc HiddenServiceDir lines keeps its address across a tor restart', async () => {
    const service = await startProbeServer('served from HiddenServiceDir');
    try {
      const host = await net.addOnionHost([{ virtualPort: 80, target: service.port }]);
      expect(host.torrcLines).toEqual([
        `HiddenServiceDir ${host.hiddenServiceDir}`,
        `HiddenServicePort 80 127.0.0.1:${service.port}`,
      ]);
      const url = `http://${host.onion}/before`;
      expect((await httpGetViaSocks({ socksPort: net.socksPort, url })).body).toBe('served from HiddenServiceDir');
      const before = host.onion;
      await host.restart();
      console.log(`[tor] onion host back after restart in ${host.readyMs} ms`);
      expect(host.onion).toBe(before);
      const again = await httpGetViaSocks({ socksPort: net.socksPort, url: `http://${host.onion}/after` });
      expect(again.body).toBe('served from HiddenServiceDir');
      expect(service.requests).toEqual(expect.arrayContaining(['GET /before', 'GET /after']));
      await host.stop();
    } finally {
      await service.close();
    }
  });

  it('bad onion ports are refused before anything is published', async () => {
    await expect(net.addOnion([{ virtualPort: 0, target: 80 }])).rejects.toThrow(RangeError);
    await expect(net.addOnion([])).rejects.toThrow(RangeError);
    await expect(net.addOnion(80, { privateKey: 'RSA1024:abc' })).rejects.toThrow(RangeError);
  });
});

describe('circuit isolation by SOCKS username/password (IsolateSOCKSAuth)', () => {
  it('different credentials land on different circuits, the same credentials reuse one', async () => {
    const mining = { username: 'mining:relay-a', password: 'p' };
    const browsing = { username: 'first-party:example.org', password: 'p' };
    const m1 = await circuitFor('127.0.0.1', page.port, mining);
    const m2 = await circuitFor('127.0.0.1', page.port, mining);
    const b1 = await circuitFor('127.0.0.1', page.port, browsing);
    expect(m2.id).toBe(m1.id);
    expect(b1.id).not.toBe(m1.id);
    expect([m1.streamUsername, m2.streamUsername, b1.streamUsername]).toEqual([mining.username, mining.username, browsing.username]);
  });

  it('the same holds for streams to an onion service (separate rendezvous circuits)', async () => {
    const service = await startProbeServer('isolated');
    try {
      onion = await net.addOnion([{ virtualPort: 80, target: service.port }]);
      const a1 = await circuitFor(onion.onion, 80, { username: 'session-1', password: 'p' });
      const a2 = await circuitFor(onion.onion, 80, { username: 'session-1', password: 'p' });
      const b1 = await circuitFor(onion.onion, 80, { username: 'session-2', password: 'p' });
      expect(a2.id).toBe(a1.id);
      expect(b1.id).not.toBe(a1.id);
      expect(a1.purpose).toMatch(/HS_CLIENT_REND/);
      expect([a1.streamUsername, a2.streamUsername, b1.streamUsername]).toEqual(['session-1', 'session-1', 'session-2']);
      await onion.remove();
    } finally {
      await service.close();
    }
  });
});

describe('the relay daemon behind an onion service', () => {
  let relay: RelayHandle;
  let relayDir: string;

  beforeAll(async () => {
    relayDir = mkdtempSync(join(tmpdir(), 'workpass-relay-tor-'));
    const config = resolveConfig({
      flags: new Map([
        ['ws', '127.0.0.1:0'], ['stratum', '127.0.0.1:0'], ['http', '127.0.0.1:0'],
        ['data-dir', relayDir], ['difficulty', '0.001'],
      ]),
    });
    relay = await startRelay({ ...config, logLevel: 'silent' });
  });
  afterAll(async () => {
    await relay?.close();
    if (relayDir !== undefined) rmSync(relayDir, { recursive: true, force: true });
  });

  it('a ws client through SOCKS subscribes, authorizes and gets a job over the .onion address', async () => {
    // The torrc equivalent: HiddenServicePort 9433 127.0.0.1:<ws>, 80 -> <http>, 9333 -> <stratum>.
    const service = await net.addOnion([
      { virtualPort: 9433, target: relay.ws.port },
      { virtualPort: 80, target: relay.http.port },
      { virtualPort: 9333, target: relay.stratum.port },
    ]);
    const doc = await httpGetViaSocks({ socksPort: net.socksPort, url: `http://${service.onion}${DESCRIPTOR_PATH}` });
    expect(doc.status).toBe(200);
    expect(verifyDescriptor(JSON.parse(doc.body))).toBe(true);

    const auth = { username: `mining:${service.onion}`, password: 'session-1' };
    const { socket } = await socksConnect({ proxyPort: net.socksPort, host: service.onion, port: 9433, auth });
    const circuit = await circuits.circuitOfLocalPort(socket.localPort!);
    const stream = await circuits.streamOfLocalPort(socket.localPort!);
    const ws = new WebSocket(`ws://${service.onion}:9433/`, { createConnection: () => socket });
    try {
      const rpc = jsonRpc(ws);
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      const subscribed = (await rpc.call('mining.subscribe', ['workpass-tor-test'])) as unknown[];
      expect(Array.isArray(subscribed)).toBe(true);
      const session = (await rpc.call('workpass.session.open', [{ mode: 'tickets' }])) as { token: string };
      expect(typeof session.token).toBe('string');
      expect(await rpc.call('mining.authorize', [session.token, ''])).toBe(true);
      const notify = await rpc.notification('mining.notify');
      expect(typeof notify[0]).toBe('string');
      expect(relay.stats().sessions).toBeGreaterThanOrEqual(1);
      expect(circuit.purpose).toMatch(/HS_CLIENT_REND/);
      // A rendezvous circuit is announced before a stream is attached, so the credentials show on
      // the STREAM events.
      expect(stream.socksUsername).toBe(auth.username);
    } finally {
      ws.terminate();
      await service.remove();
    }
  });
});

describe('teardown', () => {
  it('stop() leaves no tor process of this network behind', async () => {
    const pids = net.pids();
    expect(pids.length).toBeGreaterThan(0);
    watcher.close();
    await net.stop();
    // pgrep -f exits 1 when no process matches.
    const code = await new Promise<number>((resolve) => {
      execFile('pgrep', ['-f', dataDir], (err) => resolve(err === null ? 0 : ((err as { code?: number }).code ?? -1)));
    });
    expect(code).toBe(1);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });
});

/** Stratum-style JSON-RPC over a ws connection: calls by id, notifications by method. */
function jsonRpc(ws: WebSocket) {
  let nextId = 1;
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const notes: Array<{ method: string; params: unknown[] }> = [];
  const noteWaiters = new Set<() => void>();
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data)) as { id: number | null; method?: string; params?: unknown[]; result?: unknown; error?: unknown };
    if (msg.id === null && msg.method !== undefined) {
      notes.push({ method: msg.method, params: msg.params ?? [] });
      for (const w of noteWaiters) w();
      return;
    }
    const w = waiting.get(msg.id as number);
    if (w === undefined) return;
    waiting.delete(msg.id as number);
    if (msg.error !== null && msg.error !== undefined) w.reject(new Error(`RPC error ${JSON.stringify(msg.error)}`));
    else w.resolve(msg.result);
  });
  return {
    call(method: string, params: unknown[]): Promise<unknown> {
      const id = nextId++;
      ws.send(JSON.stringify({ id, method, params }));
      return new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
    },
    notification(method: string, timeoutMs = 30_000): Promise<unknown[]> {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const found = notes.find((n) => n.method === method);
          if (found === undefined) return;
          noteWaiters.delete(check);
          clearTimeout(timer);
          resolve(found.params);
        };
        const timer = setTimeout(() => {
          noteWaiters.delete(check);
          reject(new Error(`no ${method} within ${timeoutMs} ms`));
        }, timeoutMs);
        noteWaiters.add(check);
        check();
      });
    },
  };
}
