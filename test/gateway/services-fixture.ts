import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { signDescriptor, type Descriptor } from '../../src/core/protocol/descriptor.js';
import { ticketExpiresAt, type Day, type SigningKey } from '../../src/core/tickets/index.js';
import { ExchangeKey } from '../../src/relay/exchange/envelope.js';
import type { PartnerConfig } from '../../src/relay/exchange/config.js';
import { FIG1_PAID, fig1Tree } from '../../src/relay/gateway/classes.js';
import { startTicketServices, type TicketServices } from '../../src/relay/gateway/services.js';
import { Store } from '../../src/relay/store/store.js';
import { get, type Reply } from './http.js';

/**
 * The daemon's ticket services (gateway + exchange, src/relay/gateway/services.ts) on loopback,
 * with an injected clock, a real store and one own ticket key signing days firstDay..lastDay.
 */
export interface ServicesNode {
  readonly dir: string;
  store: Store;
  services: TicketServices;
  readonly exchangeKey: ExchangeKey;
  readonly exchangePort: number;
  spend(ticket: string): Promise<Reply>;
  /** Stops the services and the store (the data directory stays for a restart). */
  stop(): Promise<void>;
  /** stop() and remove the data directory. */
  close(): Promise<void>;
}

export interface NodeOptions {
  readonly name: string;
  readonly key: SigningKey;
  readonly firstDay: Day;
  readonly lastDay: Day;
  readonly graceMs: number;
  readonly backendPort: number;
  readonly now: () => number;
  readonly secret: Uint8Array;
  readonly partners?: readonly PartnerConfig[];
  readonly exchangePort?: number;
  readonly dir?: string;
  /** What descriptor_query answers (default: descriptorOf these options). */
  readonly descriptor?: () => Descriptor;
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** The node's signed descriptor as the daemon builds it: its one key, graceHours from graceMs. */
export function descriptorOf(o: NodeOptions): Descriptor {
  return signDescriptor(
    {
      version: 1,
      name: o.name,
      fingerprint: '',
      published: o.now(),
      endpoints: { ws: 'ws://127.0.0.1:1', stratum: '', http: 'http://127.0.0.1:1' },
      algorithms: [{ name: 'sha256d', difficulty: 1, minDifficulty: 1, maxDifficulty: 1 }],
      tickets: {
        price: 1,
        dt: 60,
        graceHours: o.graceMs / 3_600_000,
        keys: [{ keyId: o.key.publicKey.keyIdHex(), publicKey: o.key.publicKey.toText(), firstDay: o.firstDay, lastDay: o.lastDay, expiresAt: ticketExpiresAt(o.lastDay, o.graceMs) }],
      },
      partners: [],
    },
    o.secret,
  );
}

export async function startNode(o: NodeOptions): Promise<ServicesNode> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), `workpass-${o.name}-`));
  const store = new Store(dir);
  const exchangePort = o.exchangePort ?? (await freePort());
  let services: TicketServices;
  try {
    services = await startTicketServices({
      store,
      gateway: { host: '127.0.0.1', port: 0, backend: `http://127.0.0.1:${o.backendPort}`, tree: fig1Tree(800), freeClass: 'free', paidClasses: FIG1_PAID, requestsPerSecond: 1000, redemptionsPerSecond: 1000 },
      exchange: { host: '127.0.0.1', port: exchangePort, partners: o.partners ?? [], syncSeconds: 86_400 },
      dt: 60,
      graceMs: o.graceMs,
      ownKeys: () => [{ keyId: o.key.publicKey.keyIdHex(), publicKey: o.key.publicKey.toText(), firstDay: o.firstDay, lastDay: o.lastDay }],
      descriptor: o.descriptor ?? (() => descriptorOf(o)),
      descriptorSecret: o.secret,
      descriptorUrl: 'http://127.0.0.1:1/.well-known/workpass/descriptor.json',
      log: pino({ level: 'silent' }),
      now: o.now,
    });
  } catch (err) {
    store.close();
    throw err;
  }
  const stop = async () => {
    await services.close();
    store.close();
  };
  return {
    dir,
    store,
    services,
    exchangeKey: new ExchangeKey(o.secret),
    exchangePort,
    spend: (ticket) => get(services.gateway!.address.port, '/page', { authorization: `WorkpassTicket token="${ticket}"` }),
    stop,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The single `error` parameter of a refusal's challenges. */
export function errorOf(r: Reply): string | undefined {
  const m = /error="([a-z_]+)"/.exec(String(r.headers['www-authenticate']));
  return m?.[1];
}
