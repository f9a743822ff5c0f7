import { InputError } from '../../core/util/errors.js';
import { parsePartners, type PartnerConfig } from '../exchange/config.js';
import { FIG1_PAID, fig1Tree } from './classes.js';
import type { HtbClassSpec } from '../../core/htb/index.js';

/**
 * The relay config's `gateway` and `exchange` sections (merged into src/relay/config.ts's layers:
 * defaults <- file <- WORKPASS_* env <- flags). Both are off unless their listener is given.
 *
 *   gateway.listen   --gateway HOST:PORT   the ticket gateway's HTTP listener
 *   gateway.backend  --backend URL         the web server it fronts (http://)
 *   gateway.linkMbit --link-mbit N         link rate for the default Fig. 1 tree (default 10)
 *   gateway.tree                           an HTB tree in Mbit/s (file only; default Fig. 1)
 *   gateway.freeClass, gateway.paidClasses leaf names (default free; group4..group1)
 *   gateway.requestsPerSecond, gateway.redemptionsPerSecond
 *   exchange.listen  --exchange HOST:PORT  the Protocol 2 endpoint partners call
 *   exchange.partners                      list of partners (see src/relay/exchange/config.ts)
 *   exchange.syncSeconds                   how often to sync with each partner (default 30)
 */
export interface GatewaySettings {
  readonly host: string;
  readonly port: number;
  readonly backend: string;
  readonly tree: HtbClassSpec;
  readonly freeClass: string;
  readonly paidClasses: readonly string[];
  readonly requestsPerSecond: number;
  readonly redemptionsPerSecond: number;
}

export interface ExchangeSettings {
  readonly host: string;
  readonly port: number;
  readonly partners: readonly PartnerConfig[];
  readonly syncSeconds: number;
}

type Parse = (raw: unknown, where: string) => unknown;

function fail(where: string, message: string): never {
  throw new InputError(where, message);
}

function num(min: number, max: number): Parse {
  return (raw, where) => {
    const v = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) fail(where, `expected a number in [${min}, ${max}]`);
    return v;
  };
}

/** JSON values may come from env/flags as text. */
function json(parse: (v: unknown, where: string) => unknown): Parse {
  return (raw, where) => {
    if (typeof raw !== 'string') return parse(raw, where);
    try {
      return parse(JSON.parse(raw), where);
    } catch (err) {
      if (err instanceof InputError) throw err;
      fail(where, 'expected JSON');
    }
  };
}

const parseBackend: Parse = (raw, where) => {
  let u: URL;
  try {
    u = new URL(String(raw));
  } catch {
    fail(where, 'expected an http:// URL');
  }
  if (u.protocol !== 'http:' || typeof raw !== 'string') fail(where, 'expected an http:// URL');
  return raw;
};

const parseName: Parse = (raw, where) => {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 64) fail(where, 'expected a class name');
  return raw;
};

const parseNames: Parse = json((v, where) => {
  const list = typeof v === 'string' ? v.split(',') : v;
  if (!Array.isArray(list) || list.length === 0 || list.length > 256) fail(where, 'expected a list of class names');
  return list.map((n, i) => parseName(n, `${where}[${i}]`));
});

const parseTree: Parse = json((v, where) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(where, 'expected an HTB class tree object');
  return v;
});

/** Settings to append to the relay's SETTINGS table; `hostPort` is the relay's HOST:PORT parser. */
export function ticketServiceSettings(hostPort: Parse): ReadonlyArray<{ path: string; flag?: string; parse: Parse }> {
  return [
    { path: 'gateway.listen', flag: 'gateway', parse: hostPort },
    { path: 'gateway.backend', flag: 'backend', parse: parseBackend },
    { path: 'gateway.linkMbit', flag: 'link-mbit', parse: num(0.001, 1e6) },
    { path: 'gateway.tree', parse: parseTree },
    { path: 'gateway.freeClass', parse: parseName },
    { path: 'gateway.paidClasses', parse: parseNames },
    { path: 'gateway.requestsPerSecond', parse: num(0.1, 1e6) },
    { path: 'gateway.redemptionsPerSecond', parse: num(0.1, 1e6) },
    { path: 'exchange.listen', flag: 'exchange', parse: hostPort },
    { path: 'exchange.partners', parse: json((v, where) => parsePartners(where, v)) },
    { path: 'exchange.syncSeconds', parse: num(1, 86_400) },
  ];
}

/** Builds the two sections from the resolved values (dotted path -> parsed value). */
export function buildTicketServices(values: ReadonlyMap<string, unknown>): { gateway: GatewaySettings | null; exchange: ExchangeSettings | null } {
  const get = <T>(path: string, fallback: T): T => (values.has(path) ? (values.get(path) as T) : fallback);
  const gwListen = get<{ host: string; port: number } | null>('gateway.listen', null);
  const backend = get<string | null>('gateway.backend', null);
  if ((gwListen === null) !== (backend === null)) fail(gwListen === null ? 'gateway.listen' : 'gateway.backend', 'the gateway needs both --gateway HOST:PORT and --backend URL');
  const gateway =
    gwListen === null || backend === null
      ? null
      : {
          ...gwListen,
          backend,
          tree: get<HtbClassSpec>('gateway.tree', fig1Tree(get('gateway.linkMbit', 10))),
          freeClass: get('gateway.freeClass', 'free'),
          paidClasses: get<readonly string[]>('gateway.paidClasses', FIG1_PAID),
          requestsPerSecond: get('gateway.requestsPerSecond', 50),
          redemptionsPerSecond: get('gateway.redemptionsPerSecond', 200),
        };
  const exListen = get<{ host: string; port: number } | null>('exchange.listen', null);
  const partners = get<readonly PartnerConfig[]>('exchange.partners', []);
  if (exListen === null && partners.length > 0) fail('exchange.listen', 'partners are configured but no --exchange HOST:PORT listener');
  const exchange = exListen === null ? null : { ...exListen, partners, syncSeconds: get('exchange.syncSeconds', 30) };
  return { gateway, exchange };
}
