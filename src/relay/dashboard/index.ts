import type { Logger } from 'pino';
import type { RelayStats } from '../daemon.js';
import type { Ledger } from '../exchange/ledger.js';
import type { GatewayHandle } from '../gateway/server.js';
import type { Store } from '../store/store.js';
import { gatewayClasses } from '../gateway/classes.js';
import type { GatewaySettings } from '../gateway/settings.js';
import { History, type HistoryOptions } from './history.js';
import { Sampler, type HtbView } from './sampler.js';
import { startDashboardServer, type DashboardServer } from './server.js';
import type { DashboardSettings } from './settings.js';
import { buildSnapshot, parseHistoryRange, type HistoryRange, type PartnerView, type Snapshot } from './snapshot.js';
import { TicketDays } from './ticket-days.js';
import { loadOrCreateToken } from './token.js';

/** The operator dashboard beside the relay daemon: sampler + loopback HTTP listener (docs/dashboard.md). */
export interface DashboardInput {
  readonly settings: DashboardSettings;
  readonly dataDir: string;
  readonly name: string;
  readonly algo: string;
  readonly store: Store;
  readonly ledger: Ledger;
  readonly gateway: GatewayHandle | null;
  /** The gateway's settings, for its class tree (the pacer's, in bytes per second). */
  readonly gatewaySettings: GatewaySettings | null;
  /** How long our tickets stay spendable after their day (the config's ticketHours, in ms). */
  readonly graceMs: number;
  stats(): RelayStats;
  readonly log: Logger;
  readonly now: () => number;
  readonly sampleMs?: number;
  /** The stored history's resolution and retention (default a point a minute, 7 days). */
  readonly history?: HistoryOptions;
  readonly rand?: (n: number) => Uint8Array;
}

export interface DashboardHandle extends DashboardServer {
  readonly sampler: Sampler;
  readonly history: History;
  snapshot(range?: HistoryRange): Snapshot;
}

export async function startDashboard(input: DashboardInput): Promise<DashboardHandle> {
  const token = loadOrCreateToken(input.dataDir, input.rand);
  const { ledger, gateway, gatewaySettings: g } = input;
  const htbTree = g === null ? null : gatewayClasses(g.tree, g.freeClass, g.paidClasses).tree;
  const htb = (): HtbView | null => (gateway === null || htbTree === null ? null : { tree: htbTree, stats: () => gateway.pacer.stats() });
  const ticketDays = new TicketDays(input.store, (issuer) => ledger.partnerOfIssuer(issuer) === undefined, input.graceMs);
  const history = new History(input.store, input.history);
  const sampler = new Sampler({ stats: input.stats, htb, ticketDays, history }, input.now, (err) => input.log.error({ err: String(err) }, 'dashboard sample failed'), input.sampleMs);
  const partners = (): PartnerView[] =>
    ledger.partners.map((p) => ({ publicKey: p.publicKey, url: p.url, ...ledger.trust(p.publicKey) }));
  const snapshot = (range: HistoryRange = '1h') =>
    buildSnapshot(
      { name: input.name, algo: input.algo, settings: input.settings, sampler, earnings: input.store.earnings, history, stats: input.stats, htb, partners, now: input.now },
      range,
    );
  sampler.start();
  let server: DashboardServer;
  try {
    server = await startDashboardServer({
      host: input.settings.host,
      port: input.settings.port,
      token,
      snapshot: (query) => snapshot(parseHistoryRange(query.get('history'))),
      onError: (err) => input.log.error({ err: String(err) }, 'dashboard request failed'),
    });
  } catch (err) {
    sampler.stop();
    throw err;
  }
  // The token URL is not logged (logs are often shipped elsewhere); `workpass relay` prints it once.
  input.log.info({ dashboard: server.url }, 'dashboard started');
  return {
    ...server,
    sampler,
    history,
    snapshot,
    async close() {
      sampler.stop();
      await server.close();
    },
  };
}
