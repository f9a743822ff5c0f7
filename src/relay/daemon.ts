import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ed25519 } from '@noble/curves/ed25519.js';
import pino, { type Logger } from 'pino';
import { DESCRIPTOR_PATH, signDescriptor, type Descriptor, type DescriptorAlgorithm, type EndpointName } from '../core/protocol/descriptor.js';
import { getAlgorithm, type AlgorithmName } from '../core/pow/registry.js';
import { targetFromDifficulty } from '../core/pow/target.js';
import { ticketPrice, type RelayConfig } from './config.js';
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
import { cellHandler } from './cell-peer.js';
import { listenCells } from './transport/cells.js';
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
  /** The cells listener (docs/cells.md), when configured. */
  readonly cells: Endpoint | null;
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
  const store = new Store(config.dataDir);
  // Checkpoints (which fsync) run in a worker thread, not on the event loop.
  store.db.pragma('wal_autocheckpoint = 0');
  const checkpointer = new Checkpointer(store.path, 1_000, (message) => log.warn({ message }, 'wal checkpoint failed'));
  const started = now();
  const metrics = new Metrics(started);
  const issuer = new Issuer(store, config, now, deps.rand);
  const makeSource = (algo: AlgorithmName): JobSource => config.pool === null
    ? new SoloSource({
        payoutScript: config.solo.payoutScript,
        nbits: config.solo.nbits,
        rollSeconds: config.solo.rollSeconds,
        subsidy: 312_500_000n,
        tag: '/workpass/',
        // The default algorithm keeps the key it always had; each other one has its own chain tip.
        loadTip: () => {
          const t = store.meta(tipKey(config, algo));
          return t === undefined ? undefined : (JSON.parse(t) as { prevhash: string; height: number });
        },
        saveTip: (tip) => store.setMeta(tipKey(config, algo), JSON.stringify(tip)),
        now,
        onBlock: (hash, height) => {
          log.info({ hash, height, algo }, 'solo block found');
          count(() => store.earnings.addBlock(algo, now()));
        },
      })
    : new PoolSource({ pool: config.pool, algorithm: getAlgorithm(algo), log, now, onShare: (event, d) => count(() => store.earnings.addUpstream(algo, event, d, now())) });
  // The dashboard's earnings counters (store/earnings.ts): a failed write is logged, the share goes on.
  const count = (write: () => void) => {
    try {
      write();
    } catch (err) {
      log.error({ err }, 'counting earnings failed');
    }
  };

  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const credits = new CreditQueue(store, (err, count) => log.error({ err, count }, 'crediting shares failed'));
  const connections = new Set<Connection>();
  const byPeer = new Map<Peer, Connection>();
  const globalBucket = new TokenBucket(config.limits.globalMessagesPerSecond, config.limits.globalMessagesPerSecond, started);
  const sessionOpenBucket = new TokenBucket(config.limits.sessionOpensPerSecond, config.limits.sessionOpensPerSecond * 4, started);

  // One job source per algorithm (shared by the listeners that mine it), with its extranonce space,
  // target cache and the connections it sends jobs to.
  const lanes = new Map<AlgorithmName, Lane>();
  const laneFor = (algo: AlgorithmName): Lane => {
    let lane = lanes.get(algo);
    if (lane === undefined) {
      store.earnings.open(algo, started);
      const source = makeSource(algo);
      const made: Lane = { algo, source, connections: new Set(), extranonces: undefined, targets: new Map() };
      lanes.set(algo, made);
      wireBroadcast(made);
      lane = made;
    }
    return lane;
  };
  const contextFor = (lane: Lane, difficulty: number): RelayContext => {
    const algorithm = getAlgorithm(lane.algo);
    return {
      config,
      algorithm,
      difficulty,
      store,
      source: lane.source,
      issuer,
      metrics,
      log,
      // Made at the first subscribe (which needs a layout); kept when the pool goes away, so a
      // connection closing then can still give its extranonce back (reset() on a new layout).
      get extranonces() {
        if (lane.extranonces === undefined) {
          const layout = lane.source.layout();
          if (layout === undefined) throw new Error('no extranonce layout yet');
          lane.extranonces = new ExtranonceAllocator(layout);
        }
        return lane.extranonces;
      },
      globalBucket,
      sessionOpenBucket,
      now,
      targetFor(d) {
        let t = lane.targets.get(d);
        if (t === undefined) {
          t = targetFromDifficulty(algorithm, d);
          if (lane.targets.size > 10_000) lane.targets.clear();
          lane.targets.set(d, t);
        }
        return t;
      },
      credit(sessionId, mode, d, at, done) {
        credits.add(lane.algo, sessionId, mode, toNano(d), at, (ok) => {
          // The hash-rate estimate counts the work a share stands for: D * 2^32 / stratumFactor hashes.
          if (ok) metrics.accept(d / algorithm.stratumFactor, at);
          done(ok);
        });
      },
      variantCounter: 0,
    };
  };

  function wireBroadcast(lane: Lane): void {
    // New jobs go out in slices of 100 connections, so replies to shares are not held up behind a
    // broadcast to thousands of clients; a newer job supersedes an unfinished non-clean one.
    let generation = 0;
    lane.source.onJob((job, clean) => {
      const mine = ++generation;
      const list = [...lane.connections];
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
    lane.source.onLayoutChange(() => {
      const layout = lane.source.layout();
      if (layout !== undefined) lane.extranonces?.reset(layout);
      for (const c of lane.connections) c.reconnect();
      for (const c of lane.connections) c.peer.close();
    });
  }

  const wsLane = laneFor(config.algo);
  const stratumLane = laneFor(config.stratumAlgo);
  const cellsLane = config.cells === null ? null : laneFor(config.cellsAlgo);
  const source = wsLane.source;

  let stopping = false;
  const handlerFor = (lane: Lane, ctx: RelayContext): PeerHandler => ({
    open(peer) {
      if (stopping || connections.size >= config.limits.maxConnections) return null;
      const c = new Connection(peer, ctx);
      connections.add(c);
      lane.connections.add(c);
      byPeer.set(peer, c);
      metrics.sessions = connections.size;
      return (message) => c.handle(message);
    },
    closed(peer) {
      const c = byPeer.get(peer);
      if (c === undefined) return;
      byPeer.delete(peer);
      connections.delete(c);
      lane.connections.delete(c);
      metrics.sessions = connections.size;
      // Runs in a socket's close handler: a fault here is logged, never an uncaught exception.
      try {
        c.dispose();
      } catch (err) {
        log.error({ err }, 'disposing of a connection failed');
      }
    },
  });

  const listeners: Listener[] = [];
  const cleanup = async () => {
    for (const l of listeners) await l.close();
    credits.flush();
    loopDelay.disable();
    await checkpointer.close();
    for (const lane of lanes.values()) await lane.source.close();
    store.close();
  };
  let ws: Listener, tcp: Listener, http: Listener;
  let cells: Listener | null = null;
  try {
    for (const lane of lanes.values()) await lane.source.start();
    issuer.currentKey(now());
    const limits = { maxBufferedBytes: config.limits.maxBufferedBytes };
    ws = await listenWs({ host: config.ws.host, port: config.ws.port, maxFrameBytes: config.limits.maxLineBytes, ...limits }, handlerFor(wsLane, contextFor(wsLane, config.difficulty)));
    listeners.push(ws);
    const stratumHandler = handlerFor(stratumLane, contextFor(stratumLane, config.stratumDifficulty));
    tcp = await listenTcp({ host: config.stratum.host, port: config.stratum.port, maxLineBytes: config.limits.maxLineBytes, ...limits }, stratumHandler);
    listeners.push(tcp);
    if (config.cells !== null && cellsLane !== null) {
      const ctx = contextFor(cellsLane, config.cellsDifficulty);
      cells = await listenCells({ host: config.cells.host, port: config.cells.port, ...limits }, cellHandler(handlerFor(cellsLane, ctx), ctx));
      listeners.push(cells);
    }
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
  const cellsEndpoint = cells === null ? null : { host: cells.host, port: cells.port, url: formatUrl('cells+tcp', cells.host, cells.port) };
  // What the descriptor advertises: the public URLs where set (an onion service), else the listen addresses.
  const advertised = {
    ws: config.public.ws ?? endpoints.ws.url,
    stratum: config.public.stratum ?? endpoints.stratum.url,
    http: config.public.http ?? endpoints.http.url,
    ...(cellsEndpoint === null ? {} : { cells: config.public.cells ?? cellsEndpoint.url }),
  };
  let services: TicketServices;
  try {
    services = await startTicketServices({
      store, gateway: config.gateway, exchange: config.exchange, dt: config.dt, graceMs: issuer.graceMs,
      ownKeys: () => issuer.ticketKeys(now()), descriptor: () => handle.descriptor(), descriptorSecret, descriptorUrl: `${advertised.http.replace(/\/$/, '')}${DESCRIPTOR_PATH}`, log, now,
    });
  } catch (err) {
    await cleanup();
    throw err;
  }

  // Housekeeping often enough that an idle timeout is enforced within half its length.
  const tick = setInterval(() => {
    const t = now();
    for (const c of connections) c.tick(t);
  }, Math.min(5_000, config.limits.idleSeconds * 500, config.limits.keepAliveSeconds * 500));
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
    cells: cellsEndpoint,
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
          endpoints: advertised,
          algorithms: descriptorAlgorithms(config),
          tickets: { price: ticketPrice(config, config.algo), dt: config.dt, graceHours: config.ticketHours, keys: issuer.ticketKeys(t) },
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
        gateway: services.gateway, gatewaySettings: config.gateway, graceMs: issuer.graceMs,
        stats: () => handle.stats(), log, now, sampleMs: deps.dashboardSampleMs, rand: deps.rand,
      });
    } catch (err) {
      await handle.close();
      throw err;
    }
  }
  log.info({ ...Object.fromEntries(Object.entries(endpoints).map(([k, v]) => [k, v.url])), cells: cellsEndpoint?.url, source: source.kind,
    algo: config.algo, stratumAlgo: config.stratumAlgo, cellsAlgo: cellsEndpoint === null ? undefined : config.cellsAlgo, advertised }, 'relay started');
  return handle;
}

/** A job source per algorithm and what its listeners share. */
interface Lane {
  readonly algo: AlgorithmName;
  readonly source: JobSource;
  readonly connections: Set<Connection>;
  extranonces: ExtranonceAllocator | undefined;
  readonly targets: Map<number, bigint>;
}

/** The solo chain tip's store key: the default algorithm keeps the original key. */
function tipKey(config: RelayConfig, algo: AlgorithmName): string {
  return algo === config.algo ? 'solo.tip' : `solo.tip.${algo}`;
}

/**
 * One descriptor entry per (algorithm, starting difficulty) with the endpoints that mine it; the
 * WebSocket listener's entry comes first, so a reader that takes algorithms[0] gets the add-on's.
 * tickets.price is the WebSocket listener's algorithm's price; an entry whose algorithm costs
 * something else carries its own `price` (so a one-price relay's descriptor has the older layout).
 */
export function descriptorAlgorithms(config: RelayConfig): DescriptorAlgorithm[] {
  const listeners: Array<[EndpointName, AlgorithmName, number]> = [
    ['ws', config.algo, config.difficulty],
    ['stratum', config.stratumAlgo, config.stratumDifficulty],
  ];
  if (config.cells !== null) listeners.push(['cells', config.cellsAlgo, config.cellsDifficulty]);
  const out: Array<DescriptorAlgorithm & { endpoints: EndpointName[] }> = [];
  for (const [endpoint, name, difficulty] of listeners) {
    const same = out.find((a) => a.name === name && a.difficulty === difficulty);
    if (same !== undefined) same.endpoints.push(endpoint);
    else {
      const price = ticketPrice(config, name);
      out.push({ name, difficulty, minDifficulty: config.minDifficulty, maxDifficulty: config.maxDifficulty, endpoints: [endpoint],
        ...(price === ticketPrice(config, config.algo) ? {} : { price }) });
    }
  }
  return out;
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
