import { createServer, type Server } from 'node:http';
import { DESCRIPTOR_PATH } from '../../src/core/protocol/descriptor.js';

/**
 * A loopback HTTP server serving a relay's real descriptor with one field changed after signing
 * (its name), so its signature no longer verifies. Returns the URL of the bad descriptor.
 */
export async function serveTamperedDescriptor(realDescriptorUrl: string): Promise<{ url: string; close(): Promise<void> }> {
  const doc = (await (await fetch(realDescriptorUrl)).json()) as Record<string, unknown>;
  const body = JSON.stringify({ ...doc, name: `${String(doc.name)} (tampered)` });
  const server: Server = createServer((req, res) => {
    if (req.url !== DESCRIPTOR_PATH) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*', 'cache-control': 'no-store' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${addr.port}${DESCRIPTOR_PATH}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
