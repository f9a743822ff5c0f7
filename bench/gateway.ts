import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from '@noble/hashes/utils.js';
import { allocate } from '../src/core/htb/index.js';
import {
  Keyring, SigningKey, createTicket, infoForDay, newTicketSecret, signerCommit, signerRespond, ticketToText, userBlind, userUnblind, utcDay, verifyTicket,
} from '../src/core/tickets/index.js';
import { Ledger } from '../src/relay/exchange/ledger.js';
import { relaySpentStore } from '../src/relay/exchange/spent.js';
import { BYTES_PER_MBIT, FIG1_PAID, fig1Tree, gatewayClasses } from '../src/relay/gateway/classes.js';
import { Redeemer } from '../src/relay/gateway/redeem.js';
import { startGateway, type GatewayHandle } from '../src/relay/gateway/server.js';
import { SessionKey } from '../src/relay/gateway/session-token.js';
import { Store } from '../src/relay/store/store.js';
import { benchFlags, formatRate, printTable } from './harness.js';

/**
 * `workpass bench gateway [--json] [--seconds N]`, all on loopback in one process:
 * 1. bulk download throughput through the gateway (HTB pacer with a link far above loopback speed)
 *    next to the same download straight from the backend and through a plain node:http pipe
 *    proxy (the floor any proxy in this process pays: every byte crosses two sockets), measured
 *    in alternating rounds so load changes hit all three alike;
 * 2. ticket redemptions per second: over HTTP through the gateway, and in-process (verify + atomic
 *    SQLite spend), next to bare verifyTicket as the reference;
 * 3. the HTB pacer's accuracy on real sockets: an 8 Mbit/s Fig. 1 tree, every class backlogged
 *    (and free alone), achieved rate vs the allocator's configured rate per class.
 */
const FILE_BYTES = 64 * 1024 * 1024;

function startBackend(): Promise<{ server: Server; port: number }> {
  const block = Buffer.alloc(256 * 1024, 0x61);
  const server = createServer((req, res) => {
    const m = /^\/bytes\/(\d+)$/.exec(req.url ?? '');
    if (m === null) {
      res.writeHead(200, { 'content-length': '2' }).end('ok');
      return;
    }
    let left = Number(m[1]);
    res.writeHead(200, { 'content-length': String(left) });
    const pump = () => {
      while (left > 0) {
        const n = Math.min(left, block.length);
        left -= n;
        if (!res.write(block.subarray(0, n))) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({ server, port: (server.address() as AddressInfo).port })));
}

/** The reference proxy: node:http request piped to the backend and back, nothing else. */
function startPlainProxy(backendPort: number): Promise<{ server: Server; port: number }> {
  const agent = new Agent({ keepAlive: true });
  const server = createServer((req, res) => {
    const up = request({ host: '127.0.0.1', port: backendPort, path: req.url, method: req.method, headers: req.headers, agent }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  server.on('close', () => agent.destroy());
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({ server, port: (server.address() as AddressInfo).port })));
}

/** Downloads `path` with `headers` (default agent per call); resolves with received bytes. */
function download(port: number, path: string, headers: Record<string, string>, agent: Agent, onData?: (n: number) => boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    let n = 0;
    const req = request({ host: '127.0.0.1', port, path, headers, agent }, (res) => {
      res.on('data', (c: Buffer) => {
        n += c.length;
        if (onData !== undefined && !onData(c.length)) {
          req.destroy();
          resolve(n);
        }
      });
      res.on('end', () => resolve(n));
      res.on('error', reject);
    });
    req.on('error', (err) => (onData === undefined ? reject(err) : resolve(n)));
    req.end();
  });
}

/** Whole downloads from each port in turn, ROUNDS rounds of seconds/ROUNDS each; bytes/s per port. */
const ROUNDS = 4;
async function throughput(ports: number[], seconds: number): Promise<number[]> {
  const agent = new Agent({ keepAlive: true });
  const bytes = ports.map(() => 0);
  const spent = ports.map(() => 0);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [k, port] of ports.entries()) {
      const start = performance.now();
      do bytes[k]! += await download(port, `/bytes/${FILE_BYTES}`, {}, agent);
      while (performance.now() - start < (seconds * 1000) / ROUNDS);
      spent[k]! += (performance.now() - start) / 1000;
    }
  }
  agent.destroy();
  return bytes.map((b, k) => b / spent[k]!);
}

export async function run(args: string[]): Promise<number> {
  const { json, seconds } = benchFlags(args);
  const day = utcDay(Date.now());
  const key = SigningKey.generate(randomBytes);
  const keyring = new Keyring();
  keyring.rotate(key, day);
  const info = infoForDay(day);
  const mint = () => {
    const { x, msg } = newTicketSecret(randomBytes);
    const { state, commitment } = signerCommit(key, info, randomBytes);
    const blind = userBlind(key.publicKey, info, msg, commitment, randomBytes);
    return ticketToText(createTicket({ keyId: key.keyId, day, x, signature: userUnblind(blind.state, signerRespond(key, state, blind.challenge)) }));
  };
  const dir = mkdtempSync(join(tmpdir(), 'workpass-bench-gateway-'));
  const store = new Store(dir);
  const ledger = new Ledger(store.db, relaySpentStore(store), [], (issuer) => issuer === key.publicKey.keyIdHex());
  const redeemer = new Redeemer(keyring, ledger);
  const backend = await startBackend();
  const gateways: GatewayHandle[] = [];
  const gateway = async (linkMbit: number) => {
    const g = await startGateway({
      host: '127.0.0.1', port: 0, backend: `http://127.0.0.1:${backend.port}`,
      classes: gatewayClasses(fig1Tree(linkMbit), 'free', FIG1_PAID), redeemer, sessionKey: new SessionKey(randomBytes(32)),
      sessionSeconds: 600, issuers: () => [{ issuer: key.publicKey.keyIdHex() }], random: randomBytes,
      requestsPerSecond: 1e6, redemptionsPerSecond: 1e6,
    });
    gateways.push(g);
    return g;
  };
  try {
    // 1. Throughput: free class of a 1 Tbit/s link (its ceil, 40 %, is far above loopback speed).
    const fast = await gateway(1e6);
    const plain = await startPlainProxy(backend.port);
    const [direct, piped, via] = (await throughput([backend.port, plain.port, fast.address.port], seconds)) as [number, number, number];
    plain.server.closeAllConnections();
    plain.server.close();

    // 2. Redemptions. Tickets are minted first (not timed); each is spent once.
    const count = Math.max(200, Math.round(seconds * 400));
    const tickets = Array.from({ length: 2 * count }, mint);
    const now = Date.now();
    // verifyTicket and redeem alternate over the same slices, so load changes hit both alike.
    let verifyTime = 0;
    let redeemTime = 0;
    const slice = Math.ceil(count / ROUNDS);
    for (let from = 0; from < count; from += slice) {
      const to = Math.min(count, from + slice);
      let t = performance.now();
      for (let i = from; i < to; i++) if (!verifyTicket(tickets[i]!, keyring, now).ok) throw new Error('bench ticket failed to verify');
      verifyTime += performance.now() - t;
      t = performance.now();
      for (let i = from; i < to; i++) if (!redeemer.redeem(tickets[i]!, now).ok) throw new Error('bench ticket failed to redeem');
      redeemTime += performance.now() - t;
    }
    const verifyRate = count / (verifyTime / 1000);
    const redeemRate = count / (redeemTime / 1000);
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    let next = count;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = next++; i < 2 * count; i = next++) {
          const status = await new Promise<number>((resolve, reject) => {
            const req = request({ host: '127.0.0.1', port: fast.address.port, path: '/', agent, headers: { authorization: `WorkpassTicket token="${tickets[i]}"` } }, (res) => {
              res.resume();
              res.on('end', () => resolve(res.statusCode ?? 0));
            });
            req.on('error', reject);
            req.end();
          });
          if (status !== 200) throw new Error(`redemption over HTTP answered ${status}`);
        }
      }),
    );
    const httpRate = count / ((performance.now() - t0) / 1000);
    agent.destroy();

    // 3. HTB accuracy on an 8 Mbit/s link: all five classes backlogged, then free alone.
    const LINK = 8;
    const shaped = await gateway(LINK);
    const sessions: string[] = [];
    for (let tier = 0; tier < 4; tier++) {
      let session: string | undefined;
      for (let k = 0; k <= tier; k++) {
        const auth = session === undefined ? `token="${mint()}"` : `token="${mint()}", session="${session}"`;
        const header = await new Promise<string>((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port: shaped.address.port, path: '/', headers: { authorization: `WorkpassTicket ${auth}` } }, (res) => {
            res.resume();
            resolve(String(res.headers['workpass-session']));
          });
          req.on('error', reject);
          req.end();
        });
        session = header.split(';')[0]!;
      }
      sessions.push(session!);
    }
    const window = Math.max(2, seconds);
    const measureRates = async (auths: Array<string | undefined>) => {
      const warm = performance.now() + 800;
      const end = warm + window * 1000;
      const counted = auths.map(() => 0);
      const agentShaped = new Agent({ keepAlive: false });
      await Promise.all(
        auths.map((a, k) =>
          download(shaped.address.port, `/bytes/${FILE_BYTES}`, a === undefined ? {} : { authorization: `WorkpassTicket session="${a}"` }, agentShaped, (n) => {
            const t = performance.now();
            if (t >= warm && t < end) counted[k]! += n;
            return t < end;
          }),
        ),
      );
      agentShaped.destroy();
      return counted.map((c) => c / window);
    };
    const names = ['free', 'group1', 'group2', 'group3', 'group4'];
    const all = await measureRates([undefined, sessions[3], sessions[2], sessions[1], sessions[0]]);
    const [freeAlone] = await measureRates([undefined]);
    const configured = allocate(fig1Tree(LINK));
    const freeOnly = allocate({ ...fig1Tree(LINK), children: fig1Tree(LINK).children!.map((c) => (c.name === 'paid' ? { ...c, children: c.children!.map((g) => ({ ...g, demand: 0 })) } : c)) });

    const mbit = (bps: number) => `${(bps / BYTES_PER_MBIT).toFixed(3)} Mbit/s`;
    const accuracy = names.map((n, k) => ({ class: n, configured: configured.get(n)! * BYTES_PER_MBIT, achieved: all[k]! }));
    accuracy.push({ class: 'free (paid idle)', configured: freeOnly.get('free')! * BYTES_PER_MBIT, achieved: freeAlone! });

    process.stdout.write(`gateway throughput (loopback, ${seconds} s each, ${FILE_BYTES >> 20} MiB downloads)\n`);
    printTable(['path', 'rate', 'vs direct', 'vs plain proxy'], [
      ['direct from backend (reference)', formatRate(direct, 'B/s'), '1.00', ''],
      ['plain node:http pipe proxy (reference)', formatRate(piped, 'B/s'), (piped / direct).toFixed(2), '1.00'],
      ['through the gateway (free class, HTB pacer)', formatRate(via, 'B/s'), (via / direct).toFixed(2), (via / piped).toFixed(2)],
    ]);
    process.stdout.write(`\nticket redemptions (${count} fresh tickets each)\n`);
    printTable(['step', 'rate'], [
      ['verifyTicket alone (reference)', formatRate(verifyRate, 'ops/s')],
      ['redeem in-process (verify + atomic SQLite spend + log)', formatRate(redeemRate, 'ops/s')],
      ['redeem over HTTP (8 keep-alive connections, session issued)', formatRate(httpRate, 'ops/s')],
    ]);
    process.stdout.write(`\nHTB pacer accuracy (${LINK} Mbit/s link, Fig. 1 tree, ${window} s window, real sockets)\n`);
    printTable(['class', 'configured (allocator)', 'achieved', 'error'], accuracy.map((a) => [a.class, mbit(a.configured), mbit(a.achieved), `${(((a.achieved - a.configured) / a.configured) * 100).toFixed(1)} %`]));
    if (json) {
      process.stdout.write(JSON.stringify({
        bench: 'gateway', seconds,
        throughput: { directBytesPerSecond: direct, plainProxyBytesPerSecond: piped, gatewayBytesPerSecond: via, ratio: via / direct, ratioToPlainProxy: via / piped },
        redemptions: { verifyPerSecond: verifyRate, redeemPerSecond: redeemRate, httpPerSecond: httpRate },
        htb: accuracy.map((a) => ({ class: a.class, configuredBytesPerSecond: a.configured, achievedBytesPerSecond: a.achieved })),
      }) + '\n');
    }
    return 0;
  } finally {
    for (const g of gateways) await g.close();
    const closed = new Promise((r) => backend.server.close(r));
    backend.server.closeAllConnections();
    await closed;
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
