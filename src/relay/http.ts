import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { DESCRIPTOR_PATH } from '../core/protocol/descriptor.js';
import type { Listener } from './transport/peer.js';
import { bindListener } from './transport/listen.js';

export interface HttpRoutes {
  stats(): unknown;
  metrics(): string;
  descriptor(): unknown;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'access-control-allow-origin': '*',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

const INDEX = `<!doctype html>
<html><head><meta charset="utf-8"><title>workpass relay</title>
<link rel="workpass-descriptor" href="${DESCRIPTOR_PATH}"></head>
<body><h1>workpass relay</h1><p>This relay pays priority tickets for proof-of-work.
Its signed descriptor: <a href="${DESCRIPTOR_PATH}">${DESCRIPTOR_PATH}</a>.</p></body></html>
`;

/** The operator's HTTP endpoint: GET /stats (JSON), /metrics (Prometheus), the descriptor, and /. */
export async function listenHttp(host: string, port: number, routes: HttpRoutes): Promise<Listener> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed\n');
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/stats') return send(res, 200, 'application/json', JSON.stringify(routes.stats()) + '\n');
      if (path === '/metrics') return send(res, 200, 'text/plain; version=0.0.4', routes.metrics());
      if (path === DESCRIPTOR_PATH) return send(res, 200, 'application/json', JSON.stringify(routes.descriptor()) + '\n');
      if (path === '/') return send(res, 200, 'text/html; charset=utf-8', INDEX);
      return send(res, 404, 'text/plain', 'not found\n');
    } catch {
      return send(res, 500, 'text/plain', 'internal error\n');
    }
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  server.maxHeadersCount = 50;
  return bindListener(server, host, port, 'http', () => server.closeAllConnections());
}
