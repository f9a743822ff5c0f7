/**
 * Free TCP ports on 127.0.0.1 for tor to bind later. Chosen below the kernel's ephemeral range
 * (/proc/sys/net/ipv4/ip_local_port_range), where outgoing connections take their local ports: a port
 * the kernel handed out for port 0 and that was released could be taken by any connection before tor
 * binds it. Each candidate is checked by binding it; all are held until every one is found.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';

/** The lowest ephemeral port (32768 when the file cannot be read). */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 2048 ? low : 32768;
  } catch {
    return 32768;
  }
}

function tryListen(port: number): Promise<Server | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

export async function freePorts(count: number): Promise<number[]> {
  if (!Number.isInteger(count) || count < 1 || count > 200) {
    throw new RangeError(`count: expected an integer 1..200, got ${count}`);
  }
  const low = 10000;
  const high = ephemeralLow() - 1;
  const held: Server[] = [];
  const ports: number[] = [];
  try {
    for (let attempts = 0; ports.length < count; attempts++) {
      if (attempts > count * 50) throw new Error(`no ${count} free ports found in ${low}..${high}`);
      const port = low + Math.floor(Math.random() * (high - low + 1));
      if (ports.includes(port)) continue;
      const server = await tryListen(port);
      if (server === null) continue;
      held.push(server);
      ports.push(port);
    }
    return ports;
  } finally {
    await Promise.all(held.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}
