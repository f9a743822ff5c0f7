import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Descriptor } from '../../core/protocol/descriptor.js';
import { InputError } from '../../core/util/errors.js';
import { HEADER_SIGNATURE, readRequestAuth, verifyRequest, type ExchangeKey } from './envelope.js';
import type { Ledger } from './ledger.js';
import { decodeRequest, encodeResponse, type ExchangeRequest, type ExchangeResponse } from './messages.js';

/**
 * The Protocol 2 endpoint a relay offers its partners: POST /exchange/v1 with a signed request
 * (./envelope.ts), answered with a signed response. Status codes: 400 malformed body, 401 bad or
 * missing signature / clock skew, 403 not a partner, 409 replayed sequence number, 413 too large.
 */
export const EXCHANGE_PATH = '/exchange/v1';
export const MAX_REQUEST_BYTES = 16 * 1024;

export interface ExchangeServiceOptions {
  readonly key: ExchangeKey;
  readonly ledger: Ledger;
  /** Unix seconds. */
  readonly now?: () => number;
  /** This relay's signed descriptor, for `descriptor_query` (absent: answered 422). */
  readonly descriptor?: () => Descriptor;
}

function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

function plain(res: ServerResponse, status: number, error: string): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error }));
}

export class ExchangeService {
  readonly #key: ExchangeKey;
  readonly #ledger: Ledger;
  readonly #now: () => number;
  readonly #descriptor: (() => Descriptor) | undefined;

  constructor(opts: ExchangeServiceOptions) {
    this.#key = opts.key;
    this.#ledger = opts.ledger;
    this.#now = opts.now ?? (() => Math.floor(Date.now() / 1000));
    this.#descriptor = opts.descriptor;
  }

  /** Answers one decoded, authenticated request from `partner`. */
  handle(partner: string, m: ExchangeRequest): ExchangeResponse {
    const now = this.#now();
    switch (m.type) {
      case 'spent_query': {
        const page = this.#ledger.recordsAfter(m.after, m.limit);
        return { type: 'spent_records', records: page.records, more: page.more };
      }
      case 'payment_request':
        this.#ledger.recordInboundRequest(partner, m, now);
        return { type: 'ack', id: m.id };
      case 'payment':
        this.#ledger.recordPaymentReceived(partner, m.id, m.reference, now);
        return { type: 'ack', id: m.id };
      case 'descriptor_query':
        if (this.#descriptor === undefined) throw new InputError('request.type', 'this relay serves no descriptor');
        return { type: 'descriptor', descriptor: this.#descriptor() };
    }
  }

  /** The node:http request listener. */
  async listener(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.url !== EXCHANGE_PATH || req.method !== 'POST') return plain(res, 404, 'not found');
    if (Number(req.headers['content-length'] ?? 0) > MAX_REQUEST_BYTES) {
      res.setHeader('connection', 'close');
      return plain(res, 413, 'request too large');
    }
    const body = await readBody(req, MAX_REQUEST_BYTES);
    if (body === null) return plain(res, 413, 'request too large');
    const auth = readRequestAuth(req.headers);
    if (auth === null) return plain(res, 401, 'missing or malformed exchange headers');
    if (this.#ledger.partner(auth.from) === undefined) return plain(res, 403, 'not a partner');
    if (!verifyRequest(auth, this.#key.publicKey, body, this.#now())) return plain(res, 401, 'bad signature or clock skew');
    let m: ExchangeRequest;
    try {
      m = decodeRequest(body);
    } catch (err) {
      if (err instanceof InputError) return plain(res, 400, err.message);
      throw err;
    }
    if (!this.#ledger.acceptInboundSeq(auth.from, auth.seq)) return plain(res, 409, 'replayed sequence number');
    let out: Uint8Array;
    let status = 200;
    try {
      out = encodeResponse(this.handle(auth.from, m));
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      status = 422;
      out = new TextEncoder().encode(JSON.stringify({ error: err.message }));
    }
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': out.length,
      [HEADER_SIGNATURE]: this.#key.signResponse(auth.signature, status, out),
    });
    res.end(out);
  }
}

/** Starts a node:http server for the service; resolves when listening. */
export async function startExchangeServer(service: ExchangeService, host: string, port: number): Promise<{ server: Server; address: AddressInfo; close(): Promise<void> }> {
  const server = createServer({ maxHeaderSize: 8192, requestTimeout: 10_000 }, (req, res) => {
    service.listener(req, res).catch(() => {
      if (!res.headersSent) plain(res, 500, 'internal error');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    address,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
