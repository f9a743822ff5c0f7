import { isIP } from 'node:net';
import { InputError } from '../../core/util/errors.js';

/**
 * The relay config's `dashboard` section (merged into src/relay/config.ts's layers like the
 * gateway's). The dashboard is off unless its listener is given; it only ever listens on loopback.
 *
 *   dashboard.listen           --dashboard HOST:PORT | on   loopback listener ("on" = 127.0.0.1:9481)
 *   dashboard.bandwidthKBps    the Tor relay's consensus bandwidth (KB/s), for the model's prediction
 *   dashboard.role             'exit' | 'any' (default 'exit'), the relay's role in the model
 *   dashboard.revenueCentsPerDay  the model's revenue per client-day (default the paper's 3.8)
 *   dashboard.usdPerShare      the pool's payout, USD per difficulty-1 share accepted upstream
 *   dashboard.usdPerBlock      USD per block found in solo mode (the block reward at today's price)
 */
export interface DashboardSettings {
  readonly host: string;
  readonly port: number;
  /** null: no prediction (the panel says which key to set). */
  readonly bandwidthKBps: number | null;
  readonly role: 'exit' | 'any';
  readonly revenueCentsPerDay: number;
  readonly usdPerShare: number;
  readonly usdPerBlock: number;
}

export const DEFAULT_DASHBOARD = Object.freeze({ host: '127.0.0.1', port: 9481 });

type Parse = (raw: unknown, where: string) => unknown;

function fail(where: string, message: string): never {
  throw new InputError(where, message);
}

/** 127.0.0.0/8 or ::1 (also as IPv4-mapped ::ffff:127.x.y.z). Host names are refused: they may resolve anywhere. */
export function isLoopbackHost(host: string): boolean {
  const kind = isIP(host);
  if (kind === 4) return host.split('.')[0] === '127';
  if (kind !== 6) return false;
  // The WHATWG URL parser writes an IPv6 address in its one canonical compressed form.
  const canonical = new URL(`http://[${host}]`).hostname;
  return canonical === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(canonical);
}

function num(min: number, max: number): Parse {
  return (raw, where) => {
    const v = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) fail(where, `expected a number in [${min}, ${max}]`);
    return v;
  };
}

/** Settings to append to the relay's SETTINGS table; `hostPort` is the relay's HOST:PORT parser. */
export function dashboardSettings(hostPort: Parse): ReadonlyArray<{ path: string; flag?: string; parse: Parse }> {
  const listen: Parse = (raw, where) => {
    if (raw === 'on') return { ...DEFAULT_DASHBOARD };
    const hp = hostPort(raw, where) as { host: string; port: number };
    if (!isLoopbackHost(hp.host)) {
      fail(where, `the dashboard listens on loopback only (127.0.0.1 or [::1]), not '${hp.host}'; reach a remote relay's dashboard through an SSH port-forward`);
    }
    return hp;
  };
  const role: Parse = (raw, where) => (raw === 'exit' || raw === 'any' ? raw : fail(where, "expected 'exit' or 'any'"));
  return [
    { path: 'dashboard.listen', flag: 'dashboard', parse: listen },
    { path: 'dashboard.bandwidthKBps', parse: num(0, 1e9) },
    { path: 'dashboard.role', parse: role },
    { path: 'dashboard.revenueCentsPerDay', parse: num(0, 1e6) },
    { path: 'dashboard.usdPerShare', parse: num(0, 1e9) },
    { path: 'dashboard.usdPerBlock', parse: num(0, 1e12) },
  ];
}

/** Builds the section from the resolved values (dotted path -> parsed value). */
export function buildDashboard(values: ReadonlyMap<string, unknown>): { dashboard: DashboardSettings | null } {
  const listen = values.get('dashboard.listen') as { host: string; port: number } | undefined;
  if (listen === undefined) {
    const stray = [...values.keys()].find((k) => k.startsWith('dashboard.'));
    if (stray !== undefined) fail('dashboard.listen', `${stray} is set but the dashboard is off (--dashboard HOST:PORT or --dashboard on)`);
    return { dashboard: null };
  }
  const get = <T>(path: string, fallback: T): T => (values.has(path) ? (values.get(path) as T) : fallback);
  return {
    dashboard: {
      host: listen.host,
      port: listen.port,
      bandwidthKBps: get<number | null>('dashboard.bandwidthKBps', null),
      role: get('dashboard.role', 'exit'),
      revenueCentsPerDay: get('dashboard.revenueCentsPerDay', 3.8),
      usdPerShare: get('dashboard.usdPerShare', 0),
      usdPerBlock: get('dashboard.usdPerBlock', 0),
    },
  };
}
