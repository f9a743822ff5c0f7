/**
 * Circuit isolation for the add-on's own connections (Firefox and Tor Browser, `proxy.onRequest`).
 *
 * tor's SocksPort isolates streams by SOCKS username and password (IsolateSOCKSAuth, on by default:
 * tor-manual "streams that used different SOCKS credentials never share a circuit"). Firefox ESR
 * sends none, and Tor Browser sends one per first party, so every connection of the add-on would
 * share a circuit. Here each relay session (one mining WebSocket) gets credentials of its own, and
 * every other request of the add-on (descriptor fetch, ticket spend) gets fresh one-off credentials:
 * a new session is a new circuit, and a spend never rides the circuit its ticket was signed on.
 *
 * The proxy used is the browser's own SOCKS 5 proxy (read from `proxy.settings`), so nothing goes
 * anywhere it would not have gone; when that is not a manual SOCKS 5 proxy with remote DNS, the
 * request is left to the browser untouched. The answer is a list ending in null: when the attempt
 * through it fails (tor could not build the rendezvous circuit in time, say), Firefox would
 * otherwise fail over to the browser's own proxy setting, without credentials, and put the new
 * session on the circuit of an earlier one (seen in e2e/tor/addon.test.ts). With the null the
 * request fails, and the add-on's next attempt comes with credentials of its own. Requests of tabs are never touched. The map of open
 * sessions is in memory on purpose: a credential is only meaningful while its WebSocket lives, and
 * the WebSocket dies with the background.
 */

/** What `proxy.onRequest` accepts as a SOCKS proxy (Firefox's proxy.ProxyInfo). */
export interface SocksProxyInfo {
  readonly type: 'socks';
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly proxyDNS: true;
  /** Seconds Firefox skips this proxy after a failure; short, since it is the browser's own. */
  readonly failoverTimeout: number;
}

/** The answer to proxy.onRequest: this proxy, and no failover to the browser's settings after it. */
export type IsolatedProxy = readonly [SocksProxyInfo, null];

/** The fields of proxy.onRequest's details that decide (Firefox's proxy.RequestDetails). */
export interface ProxyRequest {
  readonly url: string;
  /** webRequest.ResourceType: the session's credentials go to its WebSocket ('websocket') only. */
  readonly type?: string;
  readonly tabId: number;
  readonly originUrl?: string;
  readonly documentUrl?: string;
}

export interface SocksIsolationDeps {
  /** Cryptographically random bytes. */
  random(n: number): Uint8Array;
  /** The add-on's own base URL (runtime.getURL('')): requests it started come from under it. */
  readonly extensionBase: string;
  /** The value of `browser.proxy.settings.get({})`. */
  proxySettings(): Promise<unknown>;
}

interface Credentials {
  readonly username: string;
  readonly password: string;
}

const DEFAULT_PORTS: Record<string, number> = { 'ws:': 80, 'http:': 80, 'wss:': 443, 'https:': 443 };

/** "host:port" of a ws/wss/http/https URL (default port filled in), or null. */
export function endpointKey(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  const fallback = DEFAULT_PORTS[u.protocol];
  if (fallback === undefined || u.hostname === '') return null;
  return `${u.hostname}:${u.port === '' ? fallback : u.port}`;
}

/** A local tor's address: 127.0.0.0/8, [::1] or localhost. Credentials go to nothing else. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * The browser's SOCKS proxy from a proxy.settings value, when it is manual SOCKS 5 with DNS through
 * the proxy, on loopback (Tor Browser's setting: a local tor); null for anything else, including a
 * Unix-socket SOCKS path and a remote proxy (whose operator would see every session's credentials).
 */
export function socksProxyOf(settings: unknown): { host: string; port: number } | null {
  if (typeof settings !== 'object' || settings === null) return null;
  const s = settings as Record<string, unknown>;
  if (s.proxyType !== 'manual' || s.socksVersion !== 5 || s.proxyDNS !== true || typeof s.socks !== 'string') return null;
  const m = /^([A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\]):([0-9]{1,5})$/.exec(s.socks);
  if (m === null || !isLoopback(m[1]!.toLowerCase())) return null;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return null;
  return { host: m[1]!, port };
}

export class SocksIsolation {
  readonly #sessions = new Map<string, Credentials>();

  constructor(private readonly deps: SocksIsolationDeps) {
    if (!/^[a-z-]+:\/\/[^/]+\/$/.test(deps.extensionBase)) throw new RangeError(`extensionBase: not an add-on base URL: ${deps.extensionBase}`);
  }

  /**
   * A new relay session to `endpoint` is about to open: it gets credentials no stream had before.
   * Returns the call that ends it; ending an older session leaves a newer one's credentials alone.
   */
  beginSession(endpoint: string): () => void {
    const key = endpointKey(endpoint);
    if (key === null) throw new RangeError(`endpoint: not a ws/wss/http/https URL: ${endpoint}`);
    const creds = this.#fresh();
    this.#sessions.set(key, creds);
    return () => {
      if (this.#sessions.get(key) === creds) this.#sessions.delete(key);
    };
  }

  /** proxy.onRequest's answer: the browser's SOCKS proxy with this request's credentials (and no failover), or undefined. */
  async decide(req: ProxyRequest): Promise<IsolatedProxy | undefined> {
    if (req.tabId !== -1) return undefined;
    const base = this.deps.extensionBase;
    if (!(req.originUrl?.startsWith(base) === true || req.documentUrl?.startsWith(base) === true)) return undefined;
    const key = endpointKey(req.url);
    if (key === null) return undefined;
    let proxy: { host: string; port: number } | null;
    try {
      proxy = socksProxyOf(await this.deps.proxySettings());
    } catch {
      proxy = null;
    }
    if (proxy === null) return undefined;
    // Only the session's own WebSocket rides its circuit: a fetch to the same host and port (a gateway
    // or descriptor served there) gets one-off credentials, so a spend is never linked to a session.
    const creds = (req.type === 'websocket' ? this.#sessions.get(key) : undefined) ?? this.#fresh();
    return [{ type: 'socks', host: proxy.host, port: proxy.port, username: creds.username, password: creds.password, proxyDNS: true, failoverTimeout: 1 }, null];
  }

  #fresh(): Credentials {
    const hex = (n: number) => Array.from(this.deps.random(n), (b) => b.toString(16).padStart(2, '0')).join('');
    // Random only: nothing in them says which add-on chose them.
    return { username: hex(12), password: hex(12) };
  }
}
