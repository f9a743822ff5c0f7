import { Agent, request, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { once, setMaxListeners } from 'node:events';
import type { HtbPacer } from '../../core/htb/index.js';
import { InputError } from '../../core/util/errors.js';
import { pacedCopy } from './paced-copy.js';

/**
 * Forwarding one request to the backend and its response back, every response body byte paced by
 * the HTB scheduler in the request's class. Hop-by-hop headers (RFC 9110 section 7.6.1) are not
 * forwarded either way; our own credentials never reach the backend.
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function endToEnd(headers: IncomingHttpHeaders, drop: readonly string[]): OutgoingHttpHeaders {
  const listed = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter((s) => s !== ''),
  );
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name) || drop.includes(name)) continue;
    out[name] = value;
  }
  return out;
}

/** Bytes of a response read ahead of the paced writes, per flow. */
export const READ_AHEAD = 128 * 1024;
/** Most pieces of one flow waiting at the pacer. */
export const MAX_IN_FLIGHT = 16;

/** Pieces a flow keeps at the pacer: ~25 ms of the class's ceil, at least 2 (see pacedCopy). */
export function inFlight(ceilBytesPerSecond: number, pieceBytes: number): number {
  return Math.max(2, Math.min(MAX_IN_FLIGHT, Math.ceil((ceilBytesPerSecond * 0.025) / pieceBytes)));
}

/**
 * Bytes per paced write for a class whose ceil is `ceilBytesPerSecond`: about 4 ms of it, within
 * [4 KiB, 64 KiB]. Small pieces keep slow classes smooth; fast ones need fewer scheduler calls.
 */
export const MIN_WRITE_SIZE = 4096;
export function writeSize(ceilBytesPerSecond: number): number {
  return Math.max(MIN_WRITE_SIZE, Math.min(65_536, Math.floor(ceilBytesPerSecond * 0.004)));
}

export interface Backend {
  readonly url: URL;
  readonly agent: Agent;
}

export function backend(url: string): Backend {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InputError('backend', 'expected an http:// URL');
  }
  if (u.protocol !== 'http:') throw new InputError('backend', 'expected an http:// URL');
  return { url: u, agent: new Agent({ keepAlive: true, maxSockets: 256 }) };
}

/**
 * Sends `req` to the backend and streams the answer to `res` through `pacer` in class `cls`.
 * `requestHeaders`/`responseHeaders` are added on the way; `dropRequest` names request headers
 * not to forward (e.g. our Authorization). Resolves when the response ended or was abandoned.
 */
export async function forward(
  be: Backend,
  req: IncomingMessage,
  res: ServerResponse,
  pacer: HtbPacer,
  cls: string,
  opts: { writeSize: number; inFlight: number; dropRequest: readonly string[]; requestHeaders: OutgoingHttpHeaders; responseHeaders: OutgoingHttpHeaders },
): Promise<void> {
  const abort = new AbortController();
  // Each waiting piece listens on the signal until it is released (up to MAX_IN_FLIGHT).
  setMaxListeners(0, abort.signal);
  const onClose = () => abort.abort(new Error('client went away'));
  res.once('close', onClose);
  const base = be.url.pathname.replace(/\/$/, '');
  const upstreamReq = request({
    protocol: be.url.protocol,
    hostname: be.url.hostname,
    port: be.url.port,
    method: req.method,
    path: base + req.url,
    headers: { ...endToEnd(req.headers, opts.dropRequest), ...opts.requestHeaders },
    agent: be.agent,
    signal: abort.signal,
  });
  req.pipe(upstreamReq);
  let upstream: IncomingMessage;
  try {
    [upstream] = (await once(upstreamReq, 'response', { signal: abort.signal })) as [IncomingMessage];
  } catch {
    upstreamReq.destroy();
    if (!res.headersSent && !res.destroyed) res.writeHead(502, { 'content-type': 'text/plain' }).end('backend unavailable\n');
    return;
  }
  try {
    res.writeHead(upstream.statusCode ?? 502, { ...endToEnd(upstream.headers, []), ...opts.responseHeaders });
    // Status and headers go out now (they are not paced); only the body waits for the pacer.
    res.flushHeaders();
    await pacedCopy(upstream, res, pacer, cls, { writeSize: opts.writeSize, inFlight: opts.inFlight, readAhead: READ_AHEAD, signal: abort.signal });
    res.end();
  } catch {
    upstream.destroy();
    res.destroy();
  } finally {
    res.off('close', onClose);
  }
}
