import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { InputError } from '../../core/util/errors.js';
import { APP_CSS, APP_JS, PAGE_HTML } from './page.js';
import { isLoopbackHost } from './settings.js';
import { presentedToken, tokenMatches } from './token.js';

/**
 * The dashboard's own HTTP listener, on loopback only. The page, its script and its style need no
 * token (they hold no data); GET /api/snapshot needs the token (Bearer header or cookie), else 401.
 * A Host header that is not this loopback address is refused (403): a web page cannot reach the
 * dashboard through DNS rebinding. No CORS headers, so other origins cannot read the answers.
 */
export interface DashboardServerOptions {
  readonly host: string;
  readonly port: number;
  readonly token: string;
  /** The snapshot for the request's query; an InputError (a bad parameter) is answered 400. */
  snapshot(query: URLSearchParams): unknown;
  onError?(err: unknown): void;
}

export interface DashboardServer {
  readonly host: string;
  readonly port: number;
  /** http://HOST:PORT */
  readonly url: string;
  /** The URL to open: the token rides in the fragment, which browsers never send. */
  readonly tokenUrl: string;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

function send(res: ServerResponse, status: number, type: string, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(body), ...extra });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function formatHost(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Host header names this listener: a loopback literal or "localhost", with our port. */
function hostAllowed(header: string | undefined, port: number): boolean {
  if (typeof header !== 'string') return false;
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(header);
  if (m === null || Number(m[3]) !== port) return false;
  const name = m[1] ?? m[2]!;
  return name.toLowerCase() === 'localhost' || isLoopbackHost(name);
}

function splitUrl(url: string): [string, string] {
  const q = url.indexOf('?');
  return q < 0 ? [url, ''] : [url.slice(0, q), url.slice(q + 1)];
}

export async function startDashboardServer(o: DashboardServerOptions): Promise<DashboardServer> {
  if (!isLoopbackHost(o.host)) throw new InputError('dashboard.listen', `the dashboard listens on loopback only, not '${o.host}'`);
  let port = o.port;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    try {
      if (!hostAllowed(req.headers.host, port)) return send(res, 403, 'text/plain; charset=utf-8', 'this dashboard answers only to its loopback address\n');
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { allow: 'GET, HEAD' });
      const [path, search] = splitUrl(req.url ?? '/');
      if (path === '/') return send(res, 200, 'text/html; charset=utf-8', PAGE_HTML);
      if (path === '/app.js') return send(res, 200, 'text/javascript; charset=utf-8', APP_JS);
      if (path === '/app.css') return send(res, 200, 'text/css; charset=utf-8', APP_CSS);
      if (path === '/api/snapshot') {
        if (!tokenMatches(presentedToken(req.headers.authorization, req.headers.cookie), o.token)) {
          return send(res, 401, 'application/json', '{"error":"missing or wrong dashboard token"}\n', { 'www-authenticate': 'Bearer realm="workpass-dashboard"' });
        }
        let body: unknown;
        try {
          body = o.snapshot(new URLSearchParams(search));
        } catch (err) {
          if (err instanceof InputError) return send(res, 400, 'application/json', JSON.stringify({ error: err.message }) + '\n');
          throw err;
        }
        return send(res, 200, 'application/json', JSON.stringify(body) + '\n');
      }
      return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
    } catch (err) {
      o.onError?.(err);
      return send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
    }
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  server.maxHeadersCount = 50;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('dashboard listener has no address');
  port = addr.port;
  const url = `http://${formatHost(o.host, port)}`;
  return {
    host: o.host,
    port,
    url,
    tokenUrl: `${url}/#token=${o.token}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
