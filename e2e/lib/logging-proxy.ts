import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';

/**
 * A loopback HTTP proxy that forwards everything and logs where each request or tunnel went
 * (host:port). Pointing a browser's proxy settings at it (as Tor Browser points all traffic at
 * tor's SOCKS port) gives a network log of everything the browser, add-ons included, connects to.
 */
export interface LoggingProxy {
  readonly port: number;
  /** Destinations in the order first seen, as host:port. */
  readonly destinations: string[];
  close(): Promise<void>;
}

export async function startLoggingProxy(): Promise<LoggingProxy> {
  const destinations: string[] = [];
  const sockets = new Set<Socket>();
  const note = (hostPort: string) => {
    if (!destinations.includes(hostPort)) destinations.push(hostPort);
  };
  const server: Server = createServer((req, res) => {
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end();
      return;
    }
    note(`${target.hostname}:${target.port || (target.protocol === 'https:' ? '443' : '80')}`);
    const up = httpRequest(target, { method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    const hostPort = req.url ?? '';
    note(hostPort);
    const [host, port] = [hostPort.slice(0, hostPort.lastIndexOf(':')), Number(hostPort.slice(hostPort.lastIndexOf(':') + 1))];
    const up = connect(port, host.replace(/^\[|\]$/g, ''), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.write(head);
      up.pipe(client);
      client.pipe(up);
    });
    for (const s of [up, client]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        up.destroy();
        client.destroy();
      });
    }
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no address');
  return {
    port: addr.port,
    destinations,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/** Firefox prefs that send every connection, loopback included, through the proxy at `port`. */
export function proxyPrefs(port: number): Record<string, unknown> {
  return {
    'network.proxy.type': 1,
    'network.proxy.http': '127.0.0.1',
    'network.proxy.http_port': port,
    'network.proxy.ssl': '127.0.0.1',
    'network.proxy.ssl_port': port,
    'network.proxy.share_proxy_settings': true,
    'network.proxy.no_proxies_on': '',
    'network.proxy.allow_hijacking_localhost': true,
  };
}
