/** HTTP over SOCKS for tests and readiness checks, and a tiny HTTP server on 127.0.0.1 to fetch from. */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { socksConnect } from './socks.js';

export interface ProbeServer {
  readonly port: number;
  /** Requests seen, as "METHOD path". */
  readonly requests: string[];
  close(): Promise<void>;
}

/** Serves `body` as text/plain on every path, on 127.0.0.1 with a kernel-chosen port. */
export async function startProbeServer(body: string, port = 0): Promise<ProbeServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface SocksGet {
  readonly socksPort: number;
  /** http://host:port/path; host may be a .onion name (resolved by tor). */
  readonly url: string;
  readonly auth?: { readonly username: string; readonly password: string };
  readonly timeoutMs?: number;
}

export interface SocksGetResult {
  readonly status: number;
  readonly body: string;
  /** Local port of the SOCKS connection: the SOURCE_ADDR tor reports in its STREAM events. */
  readonly localPort: number;
}

/** GET over one fresh SOCKS connection (Connection: close). */
export async function httpGetViaSocks(o: SocksGet): Promise<SocksGetResult> {
  const url = new URL(o.url);
  if (url.protocol !== 'http:') throw new TypeError(`url: only http: is supported, got ${url.protocol}`);
  const timeoutMs = o.timeoutMs ?? 60_000;
  const started = Date.now();
  const { socket } = await socksConnect({
    proxyPort: o.socksPort,
    host: url.hostname,
    port: Number(url.port || 80),
    auth: o.auth,
    timeoutMs,
  });
  const localPort = socket.localPort ?? 0;
  return new Promise((resolve, reject) => {
    const req = request(
      { createConnection: () => socket, host: url.hostname, path: url.pathname + url.search, headers: { connection: 'close' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), localPort }));
        res.on('error', reject);
      },
    );
    req.setTimeout(Math.max(1, timeoutMs - (Date.now() - started)), () => req.destroy(new Error(`GET ${o.url}: timed out`)));
    req.on('error', reject);
    req.end();
  });
}
