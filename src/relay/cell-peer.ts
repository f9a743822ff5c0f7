import { jobFromStratum } from '../core/protocol/cells/stratum-bridge.js';
import type { MiningMessage } from '../core/protocol/cells/message.js';
import type { ShareStatus } from '../core/protocol/cells/job.js';
import { targetToBytes } from '../core/pow/target.js';
import { nonceToHex } from '../core/pow/stratum.js';
import { ErrorCode } from '../core/protocol/errors.js';
import { decodeNotifyParams, decodeSetDifficultyParams, decodeSubscribeResult } from '../core/protocol/stratum.js';
import { decodeCommitResult, decodeSessionOpenResult, decodeSignResult, Method, TOKEN_BYTES } from '../core/protocol/workpass.js';
import { dayNumber } from '../core/tickets/index.js';
import { base64urlToBytes, bytesToBase64url, bytesToHex, hexToBytes } from '../core/util/bytes.js';
import type { RelayContext } from './context.js';
import type { CellHandler, CellPeer } from './transport/cells.js';
import type { Peer, PeerHandler } from './transport/peer.js';

/** What a request the bridge made is waiting for. */
type Pending =
  | { readonly kind: 'open' | 'subscribe' | 'authorize' }
  | { readonly kind: 'submit'; readonly jobId: string; readonly nonce: number; readonly wantsTicket: boolean }
  | { readonly kind: 'commit'; readonly jobId: string; readonly nonce: number }
  | { readonly kind: 'sign'; readonly sid: Uint8Array };

/** Requests in flight per connection; a client that piles up more is hung up on. */
const MAX_PENDING = 64;

interface RpcMessage {
  readonly id?: number | null;
  readonly method?: string;
  readonly params?: unknown[];
  readonly result?: unknown;
  readonly error?: [number, string, unknown] | null;
}

/**
 * The cells transport's view of the session model: each cell message becomes the JSON-RPC
 * request(s) a WebSocket or TCP client would send, handed to the same Connection (so every check,
 * limit and credit path is the same), and the Connection's replies become cells:
 *
 *   register          -> workpass.session.open (or the resumed session's token), mining.subscribe,
 *                        mining.authorize
 *   set_difficulty +
 *   mining.notify     -> job (with the extranonce and the share target of the difficulty)
 *   submit            -> mining.submit; reply -> result (status 0 or Stratum's 20..25), and when the
 *                        share asked for a ticket and the credit allows one: ticket.commit -> result
 *                        carrying the signing session id, then a commit cell
 *   challenge         -> ticket.sign -> response
 *
 * The cells have no error message for the ticket rounds or registration, so a failed round, a
 * second register, an algorithm the listener does not mine, a spend (not served on this
 * transport: tickets are spent at the gateway) or a challenge for a session this connection did
 * not open ends the connection. The credit stays in the session; the client may register again
 * with `resume` = its session token's 16 bytes.
 */
export class CellSession implements Peer {
  readonly transport = 'cells' as const;
  private onRpc: ((text: string) => void) | null = null;
  private nextId = 1;
  /** The id of the request being handled right now (a rate-limit error comes back with id null). */
  private current: number | null = null;
  private readonly pending = new Map<number, Pending>();
  private token: string | null = null;
  private registered = false;
  private extranonce1: Uint8Array | null = null;
  private extranonce2Size = 0;
  private difficulty: number;
  /** Signing sessions opened on this connection (hex). */
  private readonly sids = new Set<string>();

  constructor(
    private readonly cell: CellPeer,
    private readonly ctx: RelayContext,
  ) {
    this.difficulty = ctx.difficulty;
  }

  attach(onRpc: (text: string) => void): void {
    this.onRpc = onRpc;
  }

  /** One message from the client. */
  receive(m: MiningMessage): void {
    switch (m.type) {
      case 'register': {
        if (this.registered || !m.algorithms.includes(this.ctx.algorithm.name)) return this.cell.close();
        this.registered = true;
        if (m.resume.length === 0) return this.request('open', Method.sessionOpen, [{ mode: m.donationOnly ? 'donation' : 'tickets' }]);
        if (m.resume.length !== TOKEN_BYTES) return this.cell.close();
        this.token = bytesToBase64url(m.resume);
        return this.request('subscribe', 'mining.subscribe', ['workpass-cells']);
      }
      case 'submit':
        return this.request({ kind: 'submit', jobId: m.jobId, nonce: m.nonce, wantsTicket: m.wantsTicket }, 'mining.submit', [
          this.token ?? 'unregistered', m.jobId, bytesToHex(m.extranonce2), nonceToHex(m.ntime), nonceToHex(m.nonce),
        ]);
      case 'challenge': {
        const sid = bytesToHex(m.sessionId);
        if (this.token === null || !this.sids.delete(sid)) return this.cell.close();
        return this.request({ kind: 'sign', sid: m.sessionId }, Method.ticketSign, [this.token, sid, bytesToBase64url(m.e)]);
      }
      default:
        // spend, and the relay -> client messages (job, result, commit, response, spend-result, spent).
        return this.cell.close();
    }
  }

  private request(what: Pending | Pending['kind'], method: string, params: unknown[]): void {
    if (this.onRpc === null || this.pending.size >= MAX_PENDING) return this.cell.close();
    const id = this.nextId++;
    this.pending.set(id, typeof what === 'string' ? ({ kind: what } as Pending) : what);
    this.current = id;
    try {
      this.onRpc(JSON.stringify({ id, method, params }));
    } finally {
      this.current = null;
    }
  }

  /** A message from the Connection (JSON-RPC text it made itself). */
  send(text: string): boolean {
    const msg = JSON.parse(text) as RpcMessage;
    if (typeof msg.method === 'string') {
      try {
        this.notification(msg.method, msg.params ?? []);
      } catch {
        this.cell.close();
      }
      return true;
    }
    const id = typeof msg.id === 'number' ? msg.id : this.current;
    const p = id === null ? undefined : this.pending.get(id);
    if (p === undefined) return true;
    this.pending.delete(id!);
    const code = msg.error === null || msg.error === undefined ? null : msg.error[0];
    try {
      this.response(p, code, msg.result);
    } catch {
      this.cell.close();
    }
    return true;
  }

  close(): void {
    this.cell.close();
  }

  private notification(method: string, params: unknown[]): void {
    if (method === 'mining.set_difficulty') {
      this.difficulty = decodeSetDifficultyParams(params);
    } else if (method === 'mining.notify' && this.extranonce1 !== null) {
      const n = decodeNotifyParams(params);
      const job = { ...n, merkleBranches: n.merkleBranch };
      this.cell.send(jobFromStratum(job, {
        algorithm: this.ctx.algorithm.name,
        extranonce1: this.extranonce1,
        extranonce2Size: this.extranonce2Size,
        // The cell carries the target big-endian; targetToBytes is the kernels' little-endian form.
        shareTarget: targetToBytes(this.ctx.targetFor(this.difficulty)).reverse(),
      }));
    } else if (method === 'client.reconnect') {
      this.cell.close();
    }
  }

  private response(p: Pending, code: number | null, result: unknown): void {
    switch (p.kind) {
      case 'open':
        if (code !== null) return this.cell.close();
        this.token = decodeSessionOpenResult(result).token;
        return this.request('subscribe', 'mining.subscribe', ['workpass-cells']);
      case 'subscribe': {
        if (code !== null) return this.cell.close();
        const sub = decodeSubscribeResult(result);
        this.extranonce1 = hexToBytes('extranonce1', sub.extranonce1);
        this.extranonce2Size = sub.extranonce2Size;
        return this.request('authorize', 'mining.authorize', [this.token, '']);
      }
      case 'authorize':
        // An unknown resumed token (24) or too many workers: nothing to mine for.
        if (code !== null) this.cell.close();
        return;
      case 'submit':
        if (code === null && p.wantsTicket) {
          // A donation session's commit answers 30, which ends as a plain accepted result below.
          return this.request({ kind: 'commit', jobId: p.jobId, nonce: p.nonce }, Method.ticketCommit, [this.token]);
        }
        return this.result(p.jobId, p.nonce, code === null ? 0 : shareStatus(code), new Uint8Array(0));
      case 'commit': {
        // Not enough credit yet (30) or the signer is busy (31): the share still counted.
        if (code !== null) return this.result(p.jobId, p.nonce, 0, new Uint8Array(0));
        const c = decodeCommitResult(result);
        const sid = hexToBytes('sid', c.sid, 16);
        this.sids.add(c.sid);
        this.result(p.jobId, p.nonce, 0, sid);
        this.cell.send({ type: 'commit', sessionId: sid, day: dayNumber(c.day), a: base64urlToBytes('a', c.a), b: base64urlToBytes('b', c.b) });
        return;
      }
      case 'sign': {
        if (code !== null) return this.cell.close();
        const s = decodeSignResult(result);
        const b = (name: string, v: string) => base64urlToBytes(name, v);
        this.cell.send({ type: 'response', sessionId: p.sid, r: b('r', s.r), c: b('c', s.c), s: b('s', s.s), d: b('d', s.d) });
        return;
      }
    }
  }

  private result(jobId: string, nonce: number, status: ShareStatus, sessionId: Uint8Array): void {
    this.cell.send({ type: 'result', jobId, nonce, status, sessionId });
  }
}

/** Stratum's codes pass through; anything else (invalid params, rate limited, busy) is 20, "other". */
function shareStatus(code: number): ShareStatus {
  return code >= ErrorCode.other && code <= ErrorCode.notSubscribed ? (code as ShareStatus) : 20;
}

/** Adapts the session model's handler for one listener to the cells transport. */
export function cellHandler(rpc: PeerHandler, ctx: RelayContext): CellHandler {
  const bridges = new Map<CellPeer, CellSession>();
  return {
    open(peer) {
      const bridge = new CellSession(peer, ctx);
      const onRpc = rpc.open(bridge);
      if (onRpc === null) return null;
      bridge.attach(onRpc);
      bridges.set(peer, bridge);
      return (m) => bridge.receive(m);
    },
    closed(peer) {
      const bridge = bridges.get(peer);
      if (bridge === undefined) return;
      bridges.delete(peer);
      rpc.closed(bridge);
    },
  };
}
