import { createServer, request, type IncomingHttpHeaders, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** One GET on a fresh connection (so concurrent calls really use separate sockets). */
export function get(port: number, path: string, headers: OutgoingHttpHeaders = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export interface Backend {
  readonly server: Server;
  readonly port: number;
  /** Request headers the backend saw, newest last. */
  readonly seen: IncomingHttpHeaders[];
  close(): Promise<void>;
}

/** A local backend: /bytes/<n> answers n bytes; anything else echoes the path. */
export async function startBackend(): Promise<Backend> {
  const seen: IncomingHttpHeaders[] = [];
  const block = Buffer.alloc(64 * 1024, 0x61);
  const server = createServer((req, res) => {
    seen.push(req.headers);
    const m = /^\/bytes\/(\d+)$/.exec(req.url ?? '');
    if (m === null) {
      res.writeHead(200, { 'content-type': 'text/plain', 'x-backend': 'yes' }).end(`path ${req.url}`);
      return;
    }
    let left = Number(m[1]);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(left) });
    const pump = () => {
      while (left > 0) {
        const n = Math.min(left, block.length);
        left -= n;
        if (!res.write(block.subarray(0, n))) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    pump();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
