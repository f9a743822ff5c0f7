import { decodeDescriptor, type Descriptor } from '../../core/protocol/descriptor.js';
import { InputError } from '../../core/util/errors.js';

/**
 * Protocol 2 (ticket exchange) message bodies, sent as JSON over HTTP between partner relays.
 * Authentication lives in the envelope (./envelope.ts); these are the signed bodies.
 *
 * Requests (POST /exchange/v1):
 *   {"type":"spent_query","after":<seq>,"limit":<1..1000>}
 *       "give me your local spends with log sequence number > after, oldest first"
 *   {"type":"payment_request","id":<n>,"issuer":"<key id hex>","tickets":<n>,"firstSeq":<seq>,"lastSeq":<seq>}
 *       PAYMENT_REQUEST: the sender served `tickets` of the receiver's tickets (its log seqs
 *       firstSeq..lastSeq) and asks to be paid for them; `id` is the sender's request number.
 *   {"type":"payment","id":<n>,"reference":"<text>"}
 *       the receiver of payment request `id` reports it paid (`reference`: e.g. a transaction id).
 *   {"type":"descriptor_query"}
 *       "give me your signed relay descriptor" (its ticket keys' days and graceHours bound the
 *       pinned keys; the caller checks its signature against the pinned exchange key)
 * Responses (200, same envelope, signed by the responder and bound to the request):
 *   {"type":"spent_records","records":[SpentRecord...],"more":<bool>}
 *   {"type":"ack","id":<n>}
 *   {"type":"descriptor","descriptor":<the relay descriptor, src/core/protocol/descriptor.ts>}
 * SpentRecord: {"seq":<n>,"spendId":"<64 hex>","issuer":"<key id hex>","expiresAt":<unix s>,"spentAt":<unix s>}
 */
export const MAX_RECORDS_PER_QUERY = 1000;
const HEX_ID_RE = /^[0-9a-f]{2,128}$/;
const SPEND_ID_RE = /^[0-9a-f]{64}$/;
const REFERENCE_RE = /^[\x20-\x7e]{1,200}$/;

export interface SpentRecord {
  readonly seq: number;
  readonly spendId: string;
  readonly issuer: string;
  readonly expiresAt: number;
  readonly spentAt: number;
}

export type ExchangeRequest =
  | { readonly type: 'spent_query'; readonly after: number; readonly limit: number }
  | {
      readonly type: 'payment_request';
      readonly id: number;
      readonly issuer: string;
      readonly tickets: number;
      readonly firstSeq: number;
      readonly lastSeq: number;
    }
  | { readonly type: 'payment'; readonly id: number; readonly reference: string }
  | { readonly type: 'descriptor_query' };

export type ExchangeResponse =
  | { readonly type: 'spent_records'; readonly records: readonly SpentRecord[]; readonly more: boolean }
  | { readonly type: 'ack'; readonly id: number }
  | { readonly type: 'descriptor'; readonly descriptor: Descriptor };

function object(name: string, v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InputError(name, 'expected an object');
  return v as Record<string, unknown>;
}

function onlyKeys(name: string, o: Record<string, unknown>, keys: readonly string[]): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw new InputError(`${name}.${k}`, 'unknown field');
}

function uint(name: string, v: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new InputError(name, `expected an integer in [${min}, ${max}]`);
  }
  return v;
}

function str(name: string, v: unknown, re: RegExp, what: string): string {
  if (typeof v !== 'string' || !re.test(v)) throw new InputError(name, `expected ${what}`);
  return v;
}

function parseJson(name: string, bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new InputError(name, 'expected UTF-8 JSON');
  }
}

function decodeRecord(name: string, v: unknown): SpentRecord {
  const o = object(name, v);
  onlyKeys(name, o, ['seq', 'spendId', 'issuer', 'expiresAt', 'spentAt']);
  return {
    seq: uint(`${name}.seq`, o.seq, 1),
    spendId: str(`${name}.spendId`, o.spendId, SPEND_ID_RE, '64 lower-case hex digits'),
    issuer: str(`${name}.issuer`, o.issuer, HEX_ID_RE, 'a lower-case hex key id'),
    expiresAt: uint(`${name}.expiresAt`, o.expiresAt, 0, 0xffffffff),
    spentAt: uint(`${name}.spentAt`, o.spentAt, 0, 0xffffffff),
  };
}

export function decodeRequest(bytes: Uint8Array): ExchangeRequest {
  const o = object('request', parseJson('request', bytes));
  switch (o.type) {
    case 'spent_query':
      onlyKeys('request', o, ['type', 'after', 'limit']);
      return { type: 'spent_query', after: uint('request.after', o.after), limit: uint('request.limit', o.limit, 1, MAX_RECORDS_PER_QUERY) };
    case 'payment_request': {
      onlyKeys('request', o, ['type', 'id', 'issuer', 'tickets', 'firstSeq', 'lastSeq']);
      const firstSeq = uint('request.firstSeq', o.firstSeq, 1);
      const lastSeq = uint('request.lastSeq', o.lastSeq, firstSeq);
      return {
        type: 'payment_request',
        id: uint('request.id', o.id, 1),
        issuer: str('request.issuer', o.issuer, HEX_ID_RE, 'a lower-case hex key id'),
        tickets: uint('request.tickets', o.tickets, 1, lastSeq - firstSeq + 1),
        firstSeq,
        lastSeq,
      };
    }
    case 'payment':
      onlyKeys('request', o, ['type', 'id', 'reference']);
      return { type: 'payment', id: uint('request.id', o.id, 1), reference: str('request.reference', o.reference, REFERENCE_RE, '1-200 printable ASCII characters') };
    case 'descriptor_query':
      onlyKeys('request', o, ['type']);
      return { type: 'descriptor_query' };
    default:
      throw new InputError('request.type', 'expected spent_query, payment_request, payment or descriptor_query');
  }
}

export function decodeResponse(bytes: Uint8Array): ExchangeResponse {
  const o = object('response', parseJson('response', bytes));
  switch (o.type) {
    case 'spent_records': {
      onlyKeys('response', o, ['type', 'records', 'more']);
      if (!Array.isArray(o.records) || o.records.length > MAX_RECORDS_PER_QUERY) {
        throw new InputError('response.records', `expected an array of at most ${MAX_RECORDS_PER_QUERY}`);
      }
      if (typeof o.more !== 'boolean') throw new InputError('response.more', 'expected a boolean');
      const records = o.records.map((r, i) => decodeRecord(`response.records[${i}]`, r));
      for (let i = 1; i < records.length; i++) {
        if (records[i]!.seq <= records[i - 1]!.seq) throw new InputError(`response.records[${i}].seq`, 'expected increasing sequence numbers');
      }
      return { type: 'spent_records', records, more: o.more };
    }
    case 'ack':
      onlyKeys('response', o, ['type', 'id']);
      return { type: 'ack', id: uint('response.id', o.id, 1) };
    case 'descriptor':
      onlyKeys('response', o, ['type', 'descriptor']);
      return { type: 'descriptor', descriptor: decodeDescriptor(o.descriptor) };
    default:
      throw new InputError('response.type', 'expected spent_records, ack or descriptor');
  }
}

const encoder = new TextEncoder();

export function encodeRequest(m: ExchangeRequest): Uint8Array {
  // Validate by round-tripping through the decoder: one definition of what is well-formed.
  const bytes = encoder.encode(JSON.stringify(m));
  decodeRequest(bytes);
  return bytes;
}

export function encodeResponse(m: ExchangeResponse): Uint8Array {
  const bytes = encoder.encode(JSON.stringify(m));
  decodeResponse(bytes);
  return bytes;
}
