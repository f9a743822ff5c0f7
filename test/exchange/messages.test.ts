import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { signDescriptor, verifyDescriptor } from '../../src/core/protocol/descriptor.js';
import { InputError } from '../../src/core/util/errors.js';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse, type ExchangeRequest, type ExchangeResponse } from '../../src/relay/exchange/messages.js';

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const hex64 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));
const record = fc.record({ seq: fc.integer({ min: 1, max: 1e9 }), spendId: hex64, issuer: hex64, expiresAt: fc.integer({ min: 0, max: 0xffffffff }), spentAt: fc.integer({ min: 0, max: 0xffffffff }) });

describe('exchange messages', () => {
  it('round-trips every request and response type', () => {
    const requests = fc.oneof(
      fc.record({ type: fc.constant('spent_query' as const), after: fc.nat(), limit: fc.integer({ min: 1, max: 1000 }) }),
      fc.record({ type: fc.constant('payment_request' as const), id: fc.integer({ min: 1 }), issuer: hex64, tickets: fc.constant(1), firstSeq: fc.integer({ min: 1, max: 1e6 }), lastSeq: fc.constant(1e6) }),
      fc.record({ type: fc.constant('payment' as const), id: fc.integer({ min: 1 }), reference: fc.stringMatching(/^[ -~]{1,200}$/) }),
    );
    fc.assert(fc.property(requests, (m: ExchangeRequest) => {
      expect(decodeRequest(encodeRequest(m))).toEqual(m);
    }));
    const responses = fc.oneof(
      fc.uniqueArray(record, { selector: (r) => r.seq, maxLength: 20 }).chain((rs) =>
        fc.record({ type: fc.constant('spent_records' as const), records: fc.constant(rs.sort((a, b) => a.seq - b.seq)), more: fc.boolean() }),
      ),
      fc.record({ type: fc.constant('ack' as const), id: fc.integer({ min: 1 }) }),
    );
    fc.assert(fc.property(responses, (m: ExchangeResponse) => {
      expect(decodeResponse(encodeResponse(m))).toEqual(m);
    }));
  });

  it.each([
    [{ type: 'spent_query', after: 0, limit: 0 }, 'request.limit'],
    [{ type: 'spent_query', after: -1, limit: 1 }, 'request.after'],
    [{ type: 'spent_query', after: 0, limit: 1, extra: 1 }, 'request.extra'],
    [{ type: 'payment_request', id: 1, issuer: 'ab', tickets: 3, firstSeq: 5, lastSeq: 6 }, 'request.tickets'],
    [{ type: 'payment_request', id: 1, issuer: 'ab', tickets: 1, firstSeq: 5, lastSeq: 4 }, 'request.lastSeq'],
    [{ type: 'payment', id: 1, reference: '' }, 'request.reference'],
    [{ type: 'other' }, 'request.type'],
    [[1, 2], 'request'],
  ])('refuses request %j', (m, field) => {
    expect(() => decodeRequest(enc(m))).toThrow(InputError);
    expect(() => decodeRequest(enc(m))).toThrow(field);
  });

  it('refuses records out of order, malformed ids and bad JSON', () => {
    const r = { seq: 2, spendId: 'a'.repeat(64), issuer: 'ab', expiresAt: 1, spentAt: 1 };
    expect(() => decodeResponse(enc({ type: 'spent_records', records: [r, { ...r }], more: false }))).toThrow(/increasing/);
    expect(() => decodeResponse(enc({ type: 'spent_records', records: [{ ...r, spendId: 'A'.repeat(64) }], more: false }))).toThrow(/spendId/);
    expect(() => decodeResponse(new Uint8Array([0xff, 0xfe]))).toThrow(InputError);
    expect(() => decodeRequest(new TextEncoder().encode('{"type":'))).toThrow(InputError);
    expect(() => encodeRequest({ type: 'spent_query', after: 0, limit: 5000 })).toThrow(InputError);
  });

  it('round-trips descriptor_query and a signed descriptor; refuses a malformed descriptor or extra fields', () => {
    expect(decodeRequest(encodeRequest({ type: 'descriptor_query' }))).toEqual({ type: 'descriptor_query' });
    expect(() => decodeRequest(enc({ type: 'descriptor_query', after: 1 }))).toThrow('request.after');
    const descriptor = signDescriptor(
      {
        version: 1, name: 'r', fingerprint: '', published: 1, endpoints: { ws: 'ws://127.0.0.1:1', stratum: '', http: 'http://127.0.0.1:1' },
        algorithms: [{ name: 'sha256d', difficulty: 1, minDifficulty: 1, maxDifficulty: 1 }],
        tickets: { price: 1, dt: 60, graceHours: 48, keys: [{ keyId: 'ab'.repeat(32), publicKey: 'A'.repeat(43), firstDay: '2026-11-20', lastDay: '2026-11-26', expiresAt: 1 }] },
        partners: [],
      },
      new Uint8Array(32).fill(7),
    );
    const m: ExchangeResponse = { type: 'descriptor', descriptor };
    const back = decodeResponse(encodeResponse(m));
    expect(back).toEqual(m);
    expect(verifyDescriptor(back.type === 'descriptor' ? back.descriptor : null)).toBe(true);
    expect(() => decodeResponse(enc({ type: 'descriptor', descriptor: { ...descriptor, tickets: { ...descriptor.tickets, graceHours: -1 } } }))).toThrow(/graceHours/);
    expect(() => decodeResponse(enc({ type: 'descriptor', descriptor, more: true }))).toThrow('response.more');
    expect(() => decodeResponse(enc({ type: 'descriptor' }))).toThrow(InputError);
  });

  it('throws only InputError on arbitrary bytes and JSON', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.jsonValue().map(enc)), (bytes) => {
        for (const decode of [decodeRequest, decodeResponse]) {
          try {
            decode(bytes);
          } catch (err) {
            expect(err).toBeInstanceOf(InputError);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
