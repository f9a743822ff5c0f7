/**
 * A loopback "canary" HTTP server that notes, for every TCP connection it accepts, which process
 * holds the other end: while the connection is open, the peer's socket (127.0.0.1:<its port>) is
 * looked up among the sockets of the tor processes and of the browser (e2e/tor/socket-audit.ts).
 * A browser that honours its SOCKS proxy reaches it only through a tor exit, so every peer is tor.
 */
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { socketsOf } from './socket-audit.js';

export type PeerOwner = 'tor' | 'browser' | 'unknown';

export interface CanaryConnection {
  readonly peerPort: number;
  readonly owner: PeerOwner;
}

export interface Canary {
  readonly port: number;
  readonly connections: readonly CanaryConnection[];
  /** Request lines ("GET /path") in arrival order. */
  readonly requests: readonly string[];
  close(): Promise<void>;
}

/**
 * Serves `body` (as application/json) on 127.0.0.1. `torPids` and `browserPids` are read at each
 * connection.
 */
export async function startCanary(
  body: string,
  torPids: () => readonly number[],
  browserPids: () => readonly number[],
): Promise<Canary> {
  const connections: CanaryConnection[] = [];
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  let listenPort = 0;
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const peerPort = socket.remotePort ?? 0;
    const holds = (pids: readonly number[]): boolean =>
      socketsOf(pids).some((s) => s.localPort === peerPort && s.remotePort === listenPort);
    const owner: PeerOwner = holds(torPids()) ? 'tor' : holds(browserPids()) ? 'browser' : 'unknown';
    connections.push({ peerPort, owner });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('canary: no TCP address');
  listenPort = address.port;
  return {
    port: address.port,
    connections,
    requests,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
