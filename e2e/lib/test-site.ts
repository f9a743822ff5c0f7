import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  readonly path: string;
  /** The class the gateway served the request in (its Workpass-Class header to the backend). */
  readonly workpassClass: string | null;
  readonly authorization: string | null;
}

export interface TestSite {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** Every request the site received, in order. */
  readonly seen: SeenRequest[];
  close(): Promise<void>;
}

function header(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return typeof v === 'string' ? v : null;
}

/** A web site on loopback (the backend behind the gateway): a small HTML page per path. */
export async function startTestSite(): Promise<TestSite> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const entry = { path: req.url ?? '', workpassClass: header(req, 'workpass-class'), authorization: header(req, 'authorization') };
    seen.push(entry);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>test site</title><p id="class">${entry.workpassClass ?? 'none'}</p>`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
