import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Descriptor } from '../../core/protocol/descriptor.js';
import { hexToBytes, bytesToHex } from '../../core/util/bytes.js';
import { ExchangeClient } from '../exchange/client.js';
import { ExchangeKey } from '../exchange/envelope.js';
import { Ledger } from '../exchange/ledger.js';
import { PartnerKeys } from '../exchange/partner-keys.js';
import { ExchangeService, startExchangeServer } from '../exchange/service.js';
import { relaySpentStore } from '../exchange/spent.js';
import type { Store } from '../store/store.js';
import { gatewayClasses } from './classes.js';
import { carryGraceChange } from './grace-change.js';
import { GatewayKeys, type OwnTicketKey } from './keys.js';
import { Redeemer } from './redeem.js';
import { startGateway, type GatewayHandle } from './server.js';
import { SessionKey } from './session-token.js';
import type { ExchangeSettings, GatewaySettings } from './settings.js';

/**
 * Starts what tickets buy, beside the relay daemon: the ticket gateway and the Protocol 2
 * exchange endpoint with its sync loop. Both share the relay's store (spent set + ledger).
 * The exchange identity is the relay's Ed25519 descriptor key, which partners already pin.
 */
export interface TicketServicesInput {
  readonly store: Store;
  readonly gateway: GatewaySettings | null;
  readonly exchange: ExchangeSettings | null;
  /** Seconds of priority one ticket buys. */
  readonly dt: number;
  /** How long our tickets stay spendable after their day (the config's ticketHours, in ms). */
  readonly graceMs: number;
  readonly ownKeys: () => readonly OwnTicketKey[];
  /** This relay's signed descriptor, served to partners (descriptor_query). */
  readonly descriptor: () => Descriptor;
  readonly descriptorSecret: Uint8Array;
  /** URL of the relay's descriptor, named in challenges. */
  readonly descriptorUrl: string;
  readonly log: Logger;
  readonly now?: () => number;
  readonly rand?: (n: number) => Uint8Array;
}

export interface TicketServices {
  readonly gateway: GatewayHandle | null;
  readonly gatewayUrl: string | null;
  readonly exchange: { readonly url: string; readonly publicKey: string } | null;
  readonly ledger: Ledger;
  readonly keys: GatewayKeys;
  readonly partnerKeys: PartnerKeys;
  readonly exchangeClient: ExchangeClient | null;
  close(): Promise<void>;
}

const PRUNE_MS = 10 * 60_000;

function formatUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export async function startTicketServices(input: TicketServicesInput): Promise<TicketServices> {
  const now = input.now ?? Date.now;
  const nowS = () => Math.floor(now() / 1000);
  const rand = input.rand ?? ((n: number) => new Uint8Array(randomBytes(n)));
  const partners = input.exchange?.partners ?? [];
  const partnerKeys = new PartnerKeys(partners, input.store);
  const expiredThrough = carryGraceChange(input.store, input.graceMs, now(), input.ownKeys().map((k) => k.keyId));
  const keys = new GatewayKeys(input.ownKeys, partnerKeys, input.graceMs, expiredThrough);
  const ledger = new Ledger(input.store.db, relaySpentStore(input.store), partners, keys);
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const c of closers.reverse()) await c();
  };
  try {
    let exchange: TicketServices['exchange'] = null;
    let exchangeClient: ExchangeClient | null = null;
    if (input.exchange !== null) {
      const key = new ExchangeKey(input.descriptorSecret);
      const server = await startExchangeServer(new ExchangeService({ key, ledger, now: nowS, descriptor: input.descriptor }), input.exchange.host, input.exchange.port);
      closers.push(() => server.close());
      exchange = { url: formatUrl(server.address.address, server.address.port), publicKey: key.publicKey };
      const client = new ExchangeClient(key, ledger, now, partnerKeys);
      client.start(input.exchange.syncSeconds * 1000, (p, err) => input.log.warn({ partner: p.publicKey, err: String(err) }, 'exchange sync failed'));
      closers.push(() => client.stop());
      exchangeClient = client;
    }
    let gateway: GatewayHandle | null = null;
    if (input.gateway !== null) {
      const g = input.gateway;
      gateway = await startGateway({
        host: g.host,
        port: g.port,
        backend: g.backend,
        classes: gatewayClasses(g.tree, g.freeClass, g.paidClasses),
        redeemer: new Redeemer(keys, ledger, (keyId, day) => keys.graceMsFor(keyId, day)),
        sessionKey: new SessionKey(sessionSecret(input.store, rand)),
        sessionSeconds: input.dt,
        issuers: () => keys.issuerIds().map((issuer) => ({ issuer, descriptor: input.descriptorUrl })),
        random: rand,
        now,
        requestsPerSecond: g.requestsPerSecond,
        redemptionsPerSecond: g.redemptionsPerSecond,
      });
      const gw = gateway;
      closers.push(() => gw.close());
    }
    const prune = setInterval(() => {
      try {
        ledger.prune(nowS());
      } catch (err) {
        input.log.error({ err: String(err) }, 'ledger prune failed');
      }
    }, PRUNE_MS);
    prune.unref();
    closers.push(async () => clearInterval(prune));
    const gatewayUrl = gateway === null ? null : formatUrl(gateway.address.address, gateway.address.port);
    if (gatewayUrl !== null) input.log.info({ gateway: gatewayUrl, backend: input.gateway!.backend }, 'gateway started');
    if (exchange !== null) input.log.info({ exchange: exchange.url, partners: partners.length }, 'exchange started');
    return { gateway, gatewayUrl, exchange, ledger, keys, partnerKeys, exchangeClient, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The gateway's session-token key, kept in the store so sessions survive a restart. */
function sessionSecret(store: Store, rand: (n: number) => Uint8Array): Uint8Array {
  const stored = store.meta('gateway.sessionKey');
  if (stored !== undefined) return hexToBytes('gateway.sessionKey', stored, 32);
  const key = rand(32);
  store.setMeta('gateway.sessionKey', bytesToHex(key));
  return key;
}
