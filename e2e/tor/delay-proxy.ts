/**
 * Realistic latency on loopback: a TCP relay in front of a port (here the tor client's SOCKS port)
 * that holds every chunk for `delayMs` in each direction, in order. Tor on 127.0.0.1 answers in
 * milliseconds; a real onion circuit takes hundreds. Everything on the delayed path, SOCKS handshake
 * included, pays the delay.
 */
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';

export interface DelayProxy {
  /** The port to use instead of the target's. */
  readonly port: number;
  readonly delayMs: number;
  close(): Promise<void>;
}

/** Copies `from` to `to`, each chunk `delayMs` after it arrived; never reorders. */
function delayedPipe(from: Socket, to: Socket, delayMs: number): void {
  let last = 0;
  from.on('data', (chunk: Buffer) => {
    const at = Math.max(Date.now() + delayMs, last);
    last = at;
    setTimeout(() => {
      if (!to.destroyed) to.write(chunk);
    }, at - Date.now());
  });
  from.on('end', () => setTimeout(() => to.end(), Math.max(0, last - Date.now())));
}

export async function startDelayProxy(targetPort: number, delayMs: number): Promise<DelayProxy> {
  if (!Number.isInteger(targetPort) || targetPort < 1 || targetPort > 65535) throw new RangeError(`targetPort: not a TCP port: ${targetPort}`);
  if (!Number.isInteger(delayMs) || delayMs < 0 || delayMs > 10_000) throw new RangeError(`delayMs: expected 0..10000, got ${delayMs}`);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.setNoDelay(true);
      s.on('close', () => sockets.delete(s));
    }
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    delayedPipe(client, upstream, delayMs);
    delayedPipe(upstream, client, delayMs);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    delayMs,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
