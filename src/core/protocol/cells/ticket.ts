import { InputError } from '../../util/errors.js';
import { CELL_VERSION } from './commands.js';
import { SESSION_ID_LEN } from './job.js';
import { abytesIn, aint, Reader, Writer } from './wire.js';

/**
 * RELAY_TICKET: the blind-signature rounds that make a ticket (Protocol 1 step 7), spending a
 * ticket, and telling a backup relay which tickets were spent (Protocol 2).
 *
 *   version   u8   1
 *   kind      u8   one of the kinds below
 *
 * kind 1, commit (relay -> client), Abe-Okamoto's first signer move:
 *   session id   16
 *   day          u32  the info d: days since 1970-01-01 (UTC)
 *   a            32   ristretto255 point
 *   b            32   ristretto255 point
 * kind 2, challenge (client -> relay):
 *   session id   16
 *   e            32   scalar
 * kind 3, response (relay -> client):
 *   session id   16
 *   r, c, s, d   4 x 32 scalars
 * kind 4, spend (client -> relay): the ticket {S, d, x, H(x)}
 *   ticket       u16 length (1..1024), bytes (the tickets module's encoding; opaque here)
 * kind 5, spend result (relay -> client):
 *   status       u8   0 accepted, 1 invalid, 2 already spent, 3 expired, 4 unknown issuer
 *   priority     u32  seconds of priority granted (0 unless accepted)
 * kind 6, spent (relay -> backup relay): spend ids of tickets it redeemed
 *   issuer       32   key id of the issuer whose tickets these are
 *   spend ids    u16 count (1..MAX_SPENT_IDS), count x 32
 *   signature    u8 length (0..128), bytes: the notifying relay's signature over all bytes
 *                before it (opaque here; the exchange layer signs and checks it)
 */
export interface TicketCommit {
  readonly type: 'commit';
  readonly sessionId: Uint8Array;
  readonly day: number;
  readonly a: Uint8Array;
  readonly b: Uint8Array;
}
export interface TicketChallenge {
  readonly type: 'challenge';
  readonly sessionId: Uint8Array;
  readonly e: Uint8Array;
}
export interface TicketResponse {
  readonly type: 'response';
  readonly sessionId: Uint8Array;
  readonly r: Uint8Array;
  readonly c: Uint8Array;
  readonly s: Uint8Array;
  readonly d: Uint8Array;
}
export interface TicketSpend {
  readonly type: 'spend';
  readonly ticket: Uint8Array;
}
export type SpendStatus = 0 | 1 | 2 | 3 | 4;
export interface TicketSpendResult {
  readonly type: 'spend-result';
  readonly status: SpendStatus;
  readonly prioritySeconds: number;
}
export interface TicketSpent {
  readonly type: 'spent';
  readonly issuer: Uint8Array;
  readonly spendIds: readonly Uint8Array[];
  readonly signature: Uint8Array;
}

export type TicketMessage = TicketCommit | TicketChallenge | TicketResponse | TicketSpend | TicketSpendResult | TicketSpent;

const KIND = { commit: 1, challenge: 2, response: 3, spend: 4, 'spend-result': 5, spent: 6 } as const;
export const MAX_TICKET_LEN = 1024;
export const MAX_SPENT_IDS = 240;
export const MAX_SIGNATURE_LEN = 128;

const b32 = (name: string, v: unknown): Uint8Array => abytesIn(name, v, 32, 32);
const sid = (name: string, v: unknown): Uint8Array => abytesIn(name, v, SESSION_ID_LEN, SESSION_ID_LEN);

export function encodeTicketMessage(m: TicketMessage): Uint8Array {
  const w = new Writer().u8(CELL_VERSION);
  switch (m.type) {
    case 'commit':
      return w.u8(KIND.commit).raw(sid('commit.sessionId', m.sessionId)).u32(aint('commit.day', m.day, 0, 0xffffffff))
        .raw(b32('commit.a', m.a)).raw(b32('commit.b', m.b)).finish();
    case 'challenge':
      return w.u8(KIND.challenge).raw(sid('challenge.sessionId', m.sessionId)).raw(b32('challenge.e', m.e)).finish();
    case 'response':
      return w.u8(KIND.response).raw(sid('response.sessionId', m.sessionId)).raw(b32('response.r', m.r))
        .raw(b32('response.c', m.c)).raw(b32('response.s', m.s)).raw(b32('response.d', m.d)).finish();
    case 'spend':
      return w.u8(KIND.spend).vec(abytesIn('spend.ticket', m.ticket, 1, MAX_TICKET_LEN), 2).finish();
    case 'spend-result':
      if (!isSpendStatus(m.status)) throw new InputError('spendResult.status', 'expected 0..4');
      return w.u8(KIND['spend-result']).u8(m.status).u32(aint('spendResult.prioritySeconds', m.prioritySeconds, 0, 0xffffffff)).finish();
    case 'spent': {
      w.u8(KIND.spent).raw(b32('spent.issuer', m.issuer));
      if (!Array.isArray(m.spendIds) || m.spendIds.length < 1 || m.spendIds.length > MAX_SPENT_IDS) {
        throw new InputError('spent.spendIds', `expected 1..${MAX_SPENT_IDS} spend ids`);
      }
      w.u16(m.spendIds.length);
      m.spendIds.forEach((id, i) => w.raw(b32(`spent.spendIds[${i}]`, id)));
      return w.vec(abytesIn('spent.signature', m.signature, 0, MAX_SIGNATURE_LEN), 1).finish();
    }
    default:
      throw new InputError('ticket.type', `unknown message type '${String((m as { type?: unknown }).type)}'`);
  }
}

function isSpendStatus(s: unknown): s is SpendStatus {
  return typeof s === 'number' && Number.isInteger(s) && s >= 0 && s <= 4;
}

export function decodeTicketMessage(bytes: Uint8Array): TicketMessage {
  const r = new Reader(bytes, 'ticket');
  const version = r.u8('version');
  if (version !== CELL_VERSION) throw new InputError('ticket.version', `unsupported version ${version}`);
  const kind = r.u8('kind');
  let m: TicketMessage;
  switch (kind) {
    case KIND.commit:
      m = { type: 'commit', sessionId: r.bytesOf('sessionId', SESSION_ID_LEN), day: r.u32('day'), a: r.bytesOf('a', 32), b: r.bytesOf('b', 32) };
      break;
    case KIND.challenge:
      m = { type: 'challenge', sessionId: r.bytesOf('sessionId', SESSION_ID_LEN), e: r.bytesOf('e', 32) };
      break;
    case KIND.response:
      m = {
        type: 'response', sessionId: r.bytesOf('sessionId', SESSION_ID_LEN),
        r: r.bytesOf('r', 32), c: r.bytesOf('c', 32), s: r.bytesOf('s', 32), d: r.bytesOf('d', 32),
      };
      break;
    case KIND.spend:
      m = { type: 'spend', ticket: r.vec('ticket', 2, 1, MAX_TICKET_LEN) };
      break;
    case KIND['spend-result']: {
      const status = r.u8('status');
      if (!isSpendStatus(status)) throw new InputError('ticket.status', `unknown status ${status}`);
      m = { type: 'spend-result', status, prioritySeconds: r.u32('prioritySeconds') };
      break;
    }
    case KIND.spent: {
      const issuer = r.bytesOf('issuer', 32);
      const n = r.u16('spendIds.count');
      if (n < 1 || n > MAX_SPENT_IDS) throw new InputError('ticket.spendIds', `expected 1..${MAX_SPENT_IDS} ids, got ${n}`);
      const spendIds = Array.from({ length: n }, (_, i) => r.bytesOf(`spendIds[${i}]`, 32));
      m = { type: 'spent', issuer, spendIds, signature: r.vec('signature', 1, 0, MAX_SIGNATURE_LEN) };
      break;
    }
    default:
      throw new InputError('ticket.kind', `unknown kind ${kind}`);
  }
  r.end();
  return m;
}
