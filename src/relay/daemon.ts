import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ed25519 } from '@noble/curves/ed25519.js';
import pino, { type Logger } from 'pino';
import { signDescriptor, type Descriptor } from '../core/protocol/descriptor.js';
import { getAlgorithm } from '../core/pow/registry.js';
import { targetFromDifficulty } from '../core/pow/target.js';
import type { RelayConfig } from './config.js';
import { Connection } from './connection.js';
import { CreditQueue } from './credit-queue.js';
import { Checkpointer } from './store/checkpointer.js';
import type { RelayContext } from './context.js';
import { ExtranonceAllocator } from './extranonce.js';
import { listenHttp } from './http.js';
import { Issuer, type RandomBytes } from './issuer.js';
import { SoloSource } from './jobs/solo.js';
import { PoolSource } from './jobs/pool.js';
import type { JobSource } from './jobs/source.js';
import { TokenBucket } from './limits.js';
import { Metrics } from './metrics.js';
import { prometheusText } from './prometheus.js';
import { Store, toNano } from './store/store.js';
import { startTicketServices, type TicketServices } from './gateway/services.js';
import { startDashboard, type DashboardHandle } from './dashboard/index.js';
import { listenTcp } from './transport/tcp.js';
import { listenWs } from './transport/ws.js';
import type { Listener, Peer, PeerHandler } from './transport/peer.js';

export interface Endpoint {
  readonly host: string;
  readonly port: number;
  readonly url: string;
}

export interface RelayHandle {
  readonly ws: Endpoint;
  readonly stratum: Endpoint;
  readonly http: Endpoint;
  readonly config: RelayConfig;
  readonly store: Store;
  /** The ticket gateway and Protocol 2 exchange, when configured. */
  readonly services: TicketServices;
  /** The operator dashboard on loopback, when configured (docs/dashboard.md). */
  readonly dashboard: DashboardHandle | null;
  stats(): RelayStats;
  descriptor(): Descriptor;
  /** Graceful stop: client.reconnect to every client, listeners closed, store closed. Idempotent. */
  close(): Promise<void>;
}

export interface RelayStats {
  readonly sessions: number;
  readonly shares: { readonly accepted: number; readonly rejected: Record<string, number> };
  readonly tickets: { readonly issued: number; readonly spent: number };
  readonly malformed: number;
  readonly hashRate: number;
  readonly upstream: ReturnType<JobSource['stats']>;
  readonly store: ReturnType<Store['totals']>;
  readonly uptimeSeconds: number;
  /** Event-loop delay since start (how long a ready message may wait), milliseconds. */
  readonly eventLoopDelayMs: { readonly p50: number; readonly p99: number; readonly max: number };
}

export interface RelayDeps {
  readonly now?: () => number;
  readonly rand?: RandomBytes;
  readonly logger?: Logger;
  /** The dashboard's sampling interval (default 5 s); tests shorten it. */
  readonly dashboardSampleMs?: number;
}

const PRUNE_MS = 10 * 60_000;
/** Signed sessions (their stored responses) are kept this long for replays of lost replies. */
const SIGNED_RETENTION_MS = 7 * 86_400_000;

function formatUrl(scheme: string, host: string, port: number): string {
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Wires the daemon together: store, job source, issuer, listeners, HTTP and housekeeping. */
export async function startRelay(config: RelayConfig, deps: RelayDeps = {}): Promise<RelayHandle> {
  const now = deps.now ?? Date.now;
  const log = deps.logger ?? pino({ level: config.logLevel, base: { svc: 'workpass-relay' } }, pino.destination(2));
  const algorithm = getAlgorithm(config.algo);
  const store = new Store(config.dataDir);
  // Checkpoints (which fsync) run in a worker thread, not on the event loop.
  store.db.pragma('wal_autocheckpoint = 0');
  const checkpointer = new Checkpointer(store.path, 1_000, (message) => log.warn({ message }, 'wal checkpoint failed'));
  const started = now();
  const metrics = new Metrics(started);
  const issuer = new Issuer(store, config, now, deps.rand);
  const source: JobSource = config.pool === null
    ? new SoloSource({
        payoutScript: config.solo.payoutScript,
        nbits: config.solo.nbits,
        rollSeconds: config.solo.rollSeconds,
        subsidy: 312_500_000n,
        tag: '/workpass/',
        loadTip: () => {
          const t = store.meta('solo.tip');
          return t === undefined ? undefined : (JSON.parse(t) as { prevhash: string; height: number });
        },
        saveTip: (tip) => store.setMeta('solo.tip', JSON.stringify(tip)),
        now,
        onBlock: (hash, height) => log.info({ hash, height }, 'solo block found'),
      })
    : new PoolSource({ pool: config.pool, algorithm, log, now });

  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const credits = new CreditQueue(store, (err, count) => log.error({ err, count }, 'crediting shares failed'));
  const connections = new Set<Connection>();
  const byPeer = new Map<Peer, Connection>();
  const targets = new Map<number, bigint>();
  let extranonces: ExtranonceAllocator | undefined;
  const ctx: RelayContext = {
    config,
    algorithm,
    store,
    source,
    issuer,
    metrics,
    log,
    get extranonces() {
      const layout = source.layout();
      if (layout === undefined) throw new Error('no extranonce layout yet');
      extranonces ??= new ExtranonceAllocator(layout);
      return extranonces;
    },
    globalBucket: new TokenBucket(config.limits.globalMessagesPerSecond, config.limits.globalMessagesPerSecond, started),
    sessionOpenBucket: new TokenBucket(config.limits.sessionOpensPerSecond, config.limits.sessionOpensPerSecond * 4, started),
    now,
    targetFor(difficulty) {
      let t = targets.get(difficulty);
      if (t === undefined) {
        t = targetFromDifficulty(algorithm, difficulty);
        if (targets.size > 10_000) targets.clear();
        targets.set(difficulty, t);
      }
      return t;
    },
    credit(sessionId, mode, difficulty, at, done) {
      credits.add(sessionId, mode, toNano(difficulty), at, (ok) => {
        if (ok) metrics.accept(difficulty, at);
        done(ok);
      });
    },
    variantCounter: 0,
  };

  // New jobs go out in slices of 100 connections, so replies to shares are not held up behind a
  // broadcast to thousands of clients; a newer job supersedes an unfinished non-clean one.
  let generation = 0;
  source.onJob((job, clean) => {
    const mine = ++generation;
    const list = [...connections];
    let i = 0;
    const step = () => {
      if (mine !== generation && !clean) return;
      for (const end = Math.min(list.length, i + 100); i < end; i++) if (!list[i]!.closed) list[i]!.notify(job, clean);
      // A clean job (new prevhash) goes out as fast as possible; an ntime roll is spread over
      // ~10 ms per slice, so neither the relay nor the clients see one burst of thousands.
      if (i < list.length) {
        if (clean) setImmediate(step);
        else setTimeout(step, 10);
      }
    };
    step();
  });
  source.onLayoutChange(() => {
    const layout = source.layout();
    if (layout !== undefined) extranonces?.reset(layout);
    for (const c of connections) c.reconnect();
    for (const c of connections) c.peer.close();
  });

  let stopping = false;
  const handler: PeerHandler = {
    open(peer) {
      if (stopping || connections.size >= config.limits.maxConnections) return null;
      const c = new Connection(peer, ctx);
      connections.add(c);
      byPeer.set(peer, c);
      metrics.sessions = connections.size;
      return (message) => c.handle(message);
    },
    closed(peer) {
      const c = byPeer.get(peer);
      if (c === undefined) return;
      byPeer.delete(peer);
      connections.delete(c);
      c.dispose();
      metrics.sessions = connections.size;
    },
  };

  const listeners: Listener[] = [];
  const cleanup = async () => {
    for (const l of listeners) await l.close();
    credits.flush();
    loopDelay.disable();
    await checkpointer.close();
    await source.close();
    store.close();
  };
  let ws: Listener, tcp: Listener, http: Listener;
  try {
    await source.start();
    issuer.currentKey(now());
    const limits = { maxBufferedBytes: config.limits.maxBufferedBytes };
    ws = await listenWs({ host: config.ws.host, port: config.ws.port, maxFrameBytes: config.limits.maxLineBytes, ...limits }, handler);
    listeners.push(ws);
    tcp = await listenTcp({ host: config.stratum.host, port: config.stratum.port, maxLineBytes: config.limits.maxLineBytes, ...limits }, handler);
    listeners.push(tcp);
    http = await listenHttp(config.http.host, config.http.port, {
      stats: () => handle.stats(),
      metrics: () => prometheusText(handle.stats(), config),
      descriptor: () => handle.descriptor(),
    });
    listeners.push(http);
  } catch (err) {
    await cleanup();
    throw err;
  }

  const descriptorSecret = loadDescriptorKey(store, now(), deps.rand);
  const endpoints = {
    ws: { host: ws.host, port: ws.port, url: formatUrl('ws', ws.host, ws.port) },
    stratum: { host: tcp.host, port: tcp.port, url: formatUrl('stratum+tcp', tcp.host, tcp.port) },
    http: { host: http.host, port: http.port, url: formatUrl('http', http.host, http.port) },
  };
  let services: TicketServices;
  try {
    services = await startTicketServices({
      store, gateway: config.gateway, exchange: config.exchange, dt: config.dt, ownKeys: () => issuer.ticketKeys(now()),
      descriptorSecret, descriptorUrl: `${endpoints.http.url}/.well-known/workpass/descriptor.json`, log, now,
    });
  } catch (err) {
    await cleanup();
    throw err;
  }

  // Housekeeping often enough that an idle timeout is enforced within half its length.
  const tick = setInterval(() => {
    const t = now();
    for (const c of connections) c.tick(t);
  }, Math.min(5_000, config.limits.idleSeconds * 500));
  tick.unref();
  const pruneOnce = () => {
    try {
      const pruned = store.prune(now(), SIGNED_RETENTION_MS);
      if (pruned.spent + pruned.signing > 0) log.info(pruned, 'pruned expired records');
    } catch (err) {
      log.error({ err }, 'prune failed');
    }
  };
  pruneOnce();
  const prune = setInterval(pruneOnce, PRUNE_MS);
  prune.unref();

  let closing: Promise<void> | undefined;
  let dashboard: DashboardHandle | null = null;
  const handle: RelayHandle = {
    ...endpoints,
    config,
    store,
    services,
    get dashboard() {
      return dashboard;
    },
    stats() {
      const t = now();
      const totals = store.totals();
      return {
        sessions: connections.size,
        shares: { accepted: metrics.sharesAccepted, rejected: Object.fromEntries(metrics.sharesRejected) },
        tickets: { issued: totals.issued, spent: totals.spent },
        malformed: metrics.malformed,
        hashRate: metrics.hashRate(t),
        upstream: source.stats(),
        store: totals,
        uptimeSeconds: Math.floor((t - started) / 1000),
        eventLoopDelayMs: { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
      };
    },
    descriptor() {
      const t = now();
      return signDescriptor(
        {
          version: 1,
          name: config.name,
          fingerprint: config.fingerprint,
          published: t,
          endpoints: { ws: endpoints.ws.url, stratum: endpoints.stratum.url, http: endpoints.http.url },
          algorithms: [{ name: config.algo, difficulty: config.difficulty, minDifficulty: config.minDifficulty, maxDifficulty: config.maxDifficulty }],
          tickets: { price: config.price, dt: config.dt, graceHours: config.ticketHours, keys: issuer.ticketKeys(t) },
          partners: config.partners,
        },
        descriptorSecret,
      );
    },
    close() {
      closing ??= (async () => {
        stopping = true;
        clearInterval(tick);
        clearInterval(prune);
        // Messages are handled synchronously (a signing is one store transaction), so nothing is
        // half-done here: tell every client to come back later, let the notices flush, then close.
        for (const c of connections) c.reconnect();
        await new Promise((r) => setTimeout(r, 100));
        await dashboard?.close();
        await services.close();
        await cleanup();
        log.info('relay stopped');
      })();
      return closing;
    },
  };
  if (config.dashboard !== null) {
    try {
      dashboard = await startDashboard({
        settings: config.dashboard, dataDir: config.dataDir, name: config.name, algo: config.algo, store, ledger: services.ledger,
        gateway: services.gateway, gatewaySettings: config.gateway,
        stats: () => handle.stats(), log, now, sampleMs: deps.dashboardSampleMs, rand: deps.rand,
      });
    } catch (err) {
      await handle.close();
      throw err;
    }
  }
  log.info({ ws: endpoints.ws.url, stratum: endpoints.stratum.url, http: endpoints.http.url, source: source.kind, algo: config.algo }, 'relay started');
  return handle;
}

/** The Ed25519 descriptor key: made once, kept in the store's keys table (kind 'descriptor'). */
function loadDescriptorKey(store: Store, now: number, rand?: RandomBytes): Uint8Array {
  const existing = store.keys('descriptor')[0];
  if (existing !== undefined) return existing.secret;
  const secret = rand !== undefined ? rand(32) : new Uint8Array(randomBytes(32));
  const pub = ed25519.getPublicKey(secret);
  store.insertKey({ keyId: 'descriptor', kind: 'descriptor', secret, public: pub, createdAt: now, issueUntil: Number.MAX_SAFE_INTEGER, expiresAt: Number.MAX_SAFE_INTEGER });
  return secret;
}
