import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HtbPacer, type Clock } from '../../core/htb/index.js';
import { InputError } from '../../core/util/errors.js';
import { formatChallenge, parseCredentials, type ChallengeError, type Credentials } from './auth-scheme.js';
import type { GatewayClasses } from './classes.js';
import { MAX_IN_FLIGHT, backend, forward, inFlight, writeSize, type Backend } from './proxy.js';
import { RateLimiter } from './rate-limit.js';
import type { Redeemer } from './redeem.js';
import type { SessionKey } from './session-token.js';

/**
 * The ticket gateway: an HTTP reverse proxy in front of a backend (an onion service's web server).
 * - No credentials: served in the free class; the response carries our WWW-Authenticate challenges.
 * - `Authorization: WorkpassTicket token="<ticket>"`: verified and spent atomically; the response
 *   carries `Workpass-Session: <token>; max-age=<dt>; class=<leaf>` and is served in the paid
 *   class. With `session="<live token>"` as well, the session moves one paid tier up.
 * - `Authorization: WorkpassTicket session="<token>"`: served in the session's paid class.
 * - A refused credential: 401 with the challenge carrying error and error-description.
 * Every response body goes through the HTB pacer. Limits: header size (431), requests per second
 * per client (429), ticket redemptions per second in total (429).
 */
export interface Issuer {
  /** Ticket key id, hex. */
  readonly issuer: string;
  readonly descriptor?: string;
}

export interface GatewayOptions {
  readonly host: string;
  readonly port: number;
  readonly backend: string;
  readonly classes: GatewayClasses;
  readonly redeemer: Redeemer;
  readonly sessionKey: SessionKey;
  /** Seconds of priority one ticket buys (dt). */
  readonly sessionSeconds: number;
  /** The issuers whose tickets are taken here, for the challenges (keys rotate: asked per response). */
  readonly issuers: () => readonly Issuer[];
  readonly random: (n: number) => Uint8Array;
  readonly ticketType?: string;
  /** Milliseconds since 1970. */
  readonly now?: () => number;
  /** The pacer's clock (monotonic ms). */
  readonly clock?: Clock;
  readonly requestsPerSecond?: number;
  readonly requestBurst?: number;
  readonly redemptionsPerSecond?: number;
  readonly maxHeaderSize?: number;
  readonly maxConnections?: number;
}

export interface GatewayStats {
  requests: number;
  free: number;
  paid: number;
  redeemed: number;
  refused: Partial<Record<ChallengeError, number>>;
  limited: number;
}

export interface GatewayHandle {
  readonly address: AddressInfo;
  readonly pacer: HtbPacer;
  readonly stats: GatewayStats;
  close(): Promise<void>;
}

export const SESSION_HEADER = 'workpass-session';
export const CLASS_HEADER = 'workpass-class';
export const DEFAULT_TICKET_TYPE = 'workpass-v1';
export const DEFAULT_MAX_CONNECTIONS = 1024;

const UNSAFE_TEXT = /[^\x20\x21\x23-\x5b\x5d-\x7e]/g;

function positive(name: string, v: number): number {
  if (!(Number.isFinite(v) && v > 0)) throw new InputError(name, 'expected a positive number');
  return v;
}

class Gateway {
  readonly stats: GatewayStats = { requests: 0, free: 0, paid: 0, redeemed: 0, refused: {}, limited: 0 };
  readonly pacer: HtbPacer;
  readonly #o: GatewayOptions;
  readonly #backend: Backend;
  readonly #perClient: RateLimiter;
  readonly #redemptions: RateLimiter;
  readonly #now: () => number;
  readonly #ticketType: string;
  readonly #pieces = new Map<string, { writeSize: number; inFlight: number }>();

  constructor(o: GatewayOptions) {
    if (!Number.isInteger(o.sessionSeconds) || o.sessionSeconds < 1 || o.sessionSeconds > 86_400) {
      throw new InputError('sessionSeconds', 'expected an integer in [1, 86400]');
    }
    this.#o = o;
    this.#backend = backend(o.backend);
    this.#now = o.now ?? Date.now;
    this.#ticketType = o.ticketType ?? DEFAULT_TICKET_TYPE;
    const rps = positive('requestsPerSecond', o.requestsPerSecond ?? 50);
    this.#perClient = new RateLimiter({ perSecond: rps, burst: positive('requestBurst', o.requestBurst ?? rps * 2) });
    const redeem = positive('redemptionsPerSecond', o.redemptionsPerSecond ?? 200);
    this.#redemptions = new RateLimiter({ perSecond: redeem, burst: redeem, maxKeys: 1 });
    // Every connection may have MAX_IN_FLIGHT pieces waiting in one class.
    const maxQueued = (o.maxConnections ?? DEFAULT_MAX_CONNECTIONS) * MAX_IN_FLIGHT;
    this.pacer = new HtbPacer(o.classes.tree, { maxQueued, ...(o.clock === undefined ? {} : { clock: o.clock }) });
    for (const leaf of o.classes.tree.leaves) {
      const size = writeSize(leaf.ceil);
      this.#pieces.set(leaf.name, { writeSize: size, inFlight: inFlight(leaf.ceil, size) });
    }
  }

  #challenges(error?: ChallengeError, description?: string): string[] {
    const extra = error === undefined ? {} : { error, errorDescription: (description ?? error).replace(UNSAFE_TEXT, '?').slice(0, 200) };
    return this.#o.issuers().map((i) =>
      formatChallenge({ issuer: i.issuer, ticketType: this.#ticketType, maxAge: this.#o.sessionSeconds, ...(i.descriptor === undefined ? {} : { descriptor: i.descriptor }), ...extra }),
    );
  }

  #refuse(res: ServerResponse, error: ChallengeError, description: string): void {
    this.stats.refused[error] = (this.stats.refused[error] ?? 0) + 1;
    const body = `${error}: ${description}\n`;
    res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': this.#challenges(error, description), 'cache-control': 'no-store' });
    res.end(body);
  }

  #limited(res: ServerResponse, retryAfter: number): void {
    this.stats.limited++;
    res.writeHead(429, { 'content-type': 'text/plain', 'retry-after': String(Math.max(1, Math.ceil(retryAfter))) }).end('too many requests\n');
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.stats.requests++;
    if (req.url === undefined || !req.url.startsWith('/')) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('expected an origin-form request target\n');
      return;
    }
    const nowMs = this.#now();
    const nowS = Math.floor(nowMs / 1000);
    let creds: Credentials | null = null;
    let session: { group: number; id: string } | undefined;
    if (req.headers.authorization !== undefined) {
      try {
        creds = parseCredentials(req.headers.authorization);
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        return this.#refuse(res, 'invalid_request', err.message);
      }
    }
    const presented = creds?.kind === 'session' ? creds.session : creds?.kind === 'ticket' ? creds.session : undefined;
    if (presented !== undefined) {
      const check = this.#o.sessionKey.check(presented, nowS);
      if (!check.ok) return this.#refuse(res, check.reason, check.reason === 'session_expired' ? 'the session ended; spend another ticket' : 'not a session token of this gateway');
      if (check.session.group >= this.#o.classes.paid.length) return this.#refuse(res, 'invalid_session', 'the session names a class this gateway no longer has');
      session = check.session;
    }
    const wait = this.#perClient.take(session !== undefined ? `session:${session.id}` : `addr:${req.socket.remoteAddress ?? ''}`, nowMs);
    if (wait > 0) return this.#limited(res, wait);

    const responseHeaders: Record<string, string | string[]> = {};
    let group = session?.group;
    if (creds?.kind === 'ticket') {
      const redeemWait = this.#redemptions.take('all', nowMs);
      if (redeemWait > 0) return this.#limited(res, redeemWait);
      const r = this.#o.redeemer.redeem(creds.token, nowMs);
      if (!r.ok) return this.#refuse(res, r.error, r.description);
      this.stats.redeemed++;
      group = session === undefined ? 0 : Math.min(session.group + 1, this.#o.classes.paid.length - 1);
      const expiresAt = nowS + this.#o.sessionSeconds;
      const token = this.#o.sessionKey.issue(group, expiresAt, this.#o.random(7));
      responseHeaders[SESSION_HEADER] = `${token}; max-age=${this.#o.sessionSeconds}; class=${this.#o.classes.paid[group]}`;
      responseHeaders['cache-control'] = 'no-store';
    }
    const cls = group === undefined ? this.#o.classes.free : this.#o.classes.paid[group]!;
    if (group === undefined) {
      this.stats.free++;
      const challenges = this.#challenges();
      if (challenges.length > 0) responseHeaders['www-authenticate'] = challenges;
    } else this.stats.paid++;
    responseHeaders[CLASS_HEADER] = cls;
    const dropRequest = creds === null ? [] : ['authorization'];
    await forward(this.#backend, req, res, this.pacer, cls, { ...this.#pieces.get(cls)!, dropRequest, requestHeaders: { [CLASS_HEADER]: cls }, responseHeaders });
  }

  close(): void {
    this.pacer.close();
    this.#backend.agent.destroy();
  }
}

export async function startGateway(o: GatewayOptions): Promise<GatewayHandle> {
  const gw = new Gateway(o);
  const server: Server = createServer({ maxHeaderSize: o.maxHeaderSize ?? 8192, headersTimeout: 10_000, requestTimeout: 0 }, (req, res) => {
    gw.handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error\n');
      else res.destroy();
    });
  });
  server.maxConnections = o.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  return {
    address: server.address() as AddressInfo,
    pacer: gw.pacer,
    stats: gw.stats,
    close: () =>
      new Promise<void>((resolve) => {
        gw.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
