import type { Server } from 'node:net';
import type { Listener } from './peer.js';

/**
 * Binds a socket server and returns it as a Listener whose close() also ends the connections it
 * accepted (`dropConnections`), so shutdown never waits on a client that keeps its socket open.
 */
export async function bindListener(
  server: Server,
  host: string,
  port: number,
  what: string,
  dropConnections: () => void,
): Promise<Listener> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error(`${what} listener has no address`);
  return {
    host,
    port: addr.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        dropConnections();
      }),
  };
}
