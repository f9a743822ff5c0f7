/**
 * The relay daemon as an operator runs it over Tor (docs/tor.md section 1): listeners on loopback,
 * an onion service from torrc HiddenServiceDir/HiddenServicePort lines forwarding to them, and the
 * daemon's public endpoint settings naming the .onion URLs, so its signed descriptor advertises them.
 * The onion address exists only once tor has made the keys, and tor checks reachability against a
 * listening target, so the daemon starts twice: once to learn its ports, once with the public URLs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DESCRIPTOR_PATH } from '../../src/core/protocol/descriptor.js';
import { resolveConfig, startRelay, type RelayHandle } from '../../src/relay/index.js';
import { toNano } from '../../src/relay/store/store.js';
import type { TorNetwork } from './network.js';
import type { OnionHost } from './onion-host.js';

export const ONION_WS_PORT = 9433;
export const ONION_HTTP_PORT = 80;
export const ONION_STRATUM_PORT = 9333;

export interface RelayStatsJson {
  sessions: number;
  shares: { accepted: number; rejected: Record<string, number> };
  tickets: { issued: number; spent: number };
}

/** One row of the daemon's sessions table (credit, work in nano-difficulty units). */
export interface SessionRowJson {
  id: number;
  mode: string;
  credit: bigint;
  work: bigint;
  shares: number;
  issued: number;
}

export interface OnionRelay {
  readonly relay: RelayHandle;
  readonly host: OnionHost;
  readonly onion: string;
  /** http://<onion>/.well-known/workpass/descriptor.json */
  readonly descriptorUrl: string;
  /** With a backend: http://<gateway .onion>, the daemon's ticket gateway as an onion service of its own. */
  readonly gatewayUrl: string | null;
  /** The ticket price in nano-difficulty units. */
  readonly priceNano: bigint;
  /** GET /stats on the daemon's loopback HTTP listener (the test's own view, not through Tor). */
  stats(): Promise<RelayStatsJson>;
  /** The sessions table, read from the daemon's SQLite file (read-only connection). */
  sessions(): SessionRowJson[];
  close(): Promise<void>;
}

/**
 * With `backend` (a loopback web server), the daemon also runs its ticket gateway in front of it,
 * published as a second onion service: a site that takes this relay's tickets, as an operator of an
 * onion site would run it. `settings` are config-file settings on top (src/relay/config.ts).
 */
export async function startOnionRelay(net: TorNetwork, difficulty: number, price: number, backend?: string, settings?: object): Promise<OnionRelay> {
  const dataDir = mkdtempSync(join(tmpdir(), 'workpass-tor-relay-'));
  const flags = (ws: string, http: string, stratum: string, extra: Array<[string, string]> = []) => resolveConfig({
    flags: new Map([
      ['ws', ws], ['http', http], ['stratum', stratum],
      ['data-dir', dataDir], ['difficulty', String(difficulty)], ['price', String(price)], ...extra,
    ]),
    // Further settings as an operator's config file would give them (e.g. signingSeconds).
    file: settings === undefined ? undefined : { path: 'onion-relay.json', text: JSON.stringify(settings) },
  });
  const gatewayFlags = (listen: string): Array<[string, string]> => (backend === undefined ? [] : [['gateway', listen], ['backend', backend]]);
  let relay: RelayHandle | undefined;
  let host: OnionHost | undefined;
  let gatewayHost: OnionHost | undefined;
  try {
    const first = await startRelay({ ...flags('127.0.0.1:0', '127.0.0.1:0', '127.0.0.1:0', gatewayFlags('127.0.0.1:0')), logLevel: 'silent' });
    relay = first;
    const ports = { ws: first.ws.port, http: first.http.port, stratum: first.stratum.port };
    const gatewayPort = first.services.gatewayUrl === null ? null : Number(new URL(first.services.gatewayUrl).port);
    if (gatewayPort !== null) gatewayHost = await net.addOnionHost([{ virtualPort: 80, target: gatewayPort }]);
    host = await net.addOnionHost([
      { virtualPort: ONION_WS_PORT, target: ports.ws },
      { virtualPort: ONION_HTTP_PORT, target: ports.http },
      { virtualPort: ONION_STRATUM_PORT, target: ports.stratum },
    ]);
    const onion = host.onion;
    await first.close();
    relay = undefined;
    const second = await startRelay({
      ...flags(`127.0.0.1:${ports.ws}`, `127.0.0.1:${ports.http}`, `127.0.0.1:${ports.stratum}`, [
        ['public-ws', `ws://${onion}:${ONION_WS_PORT}`],
        ['public-http', `http://${onion}`],
        ['public-stratum', `stratum+tcp://${onion}:${ONION_STRATUM_PORT}`],
        ...gatewayFlags(`127.0.0.1:${gatewayPort ?? 0}`),
      ]),
      logLevel: 'silent',
    });
    relay = second;
    const statsUrl = `${second.http.url}/stats`;
    const dbPath = join(dataDir, 'relay.sqlite');
    const hostRef = host;
    const gatewayRef = gatewayHost;
    return {
      relay: second,
      host: hostRef,
      onion,
      gatewayUrl: gatewayRef === undefined ? null : `http://${gatewayRef.onion}`,
      descriptorUrl: `http://${onion}${DESCRIPTOR_PATH}`,
      priceNano: toNano(price),
      async stats() {
        const res = await fetch(statsUrl);
        if (!res.ok) throw new Error(`GET /stats: HTTP ${res.status}`);
        return (await res.json()) as RelayStatsJson;
      },
      sessions() {
        const db = new Database(dbPath, { readonly: true, fileMustExist: true });
        try {
          db.defaultSafeIntegers(true);
          const rows = db.prepare('SELECT id, mode, credit, work, shares, issued FROM sessions ORDER BY id').all() as Array<Record<string, bigint | string>>;
          return rows.map((r) => ({
            id: Number(r.id), mode: String(r.mode), credit: BigInt(r.credit!), work: BigInt(r.work!),
            shares: Number(r.shares), issued: Number(r.issued),
          }));
        } finally {
          db.close();
        }
      },
      async close() {
        try {
          await second.close();
          await hostRef.stop();
          await gatewayRef?.stop();
        } finally {
          rmSync(dataDir, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    await relay?.close().catch(() => {});
    await host?.stop().catch(() => {});
    await gatewayHost?.stop().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}
