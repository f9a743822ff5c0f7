import { describe, expect, it } from 'vitest';
import { ExchangeKey, HEADER_FROM, HEADER_SEQ, HEADER_SIGNATURE, HEADER_TIME, MAX_SKEW_SECONDS, readRequestAuth, verifyRequest, verifyResponse } from '../../src/relay/exchange/envelope.js';
import { InputError } from '../../src/core/util/errors.js';
import { seededRandom } from '../gateway/fixtures.js';

const rand = seededRandom('envelope');
const a = new ExchangeKey(rand(32));
const b = new ExchangeKey(rand(32));
const body = new TextEncoder().encode('{"type":"spent_query","after":0,"limit":10}');

function headers(auth: { from: string; seq: number; time: number; signature: string }) {
  return { [HEADER_FROM]: auth.from, [HEADER_SEQ]: String(auth.seq), [HEADER_TIME]: String(auth.time), [HEADER_SIGNATURE]: auth.signature };
}

describe('exchange envelope', () => {
  it('a signed request verifies for its receiver only, with its body only, within the skew', () => {
    const auth = a.signRequest(b.publicKey, 7, 1000, body);
    const read = readRequestAuth(headers(auth));
    expect(read).toEqual(auth);
    expect(verifyRequest(read!, b.publicKey, body, 1000)).toBe(true);
    expect(verifyRequest(read!, b.publicKey, body, 1000 + MAX_SKEW_SECONDS)).toBe(true);
    expect(verifyRequest(read!, b.publicKey, body, 1001 + MAX_SKEW_SECONDS)).toBe(false);
    expect(verifyRequest(read!, a.publicKey, body, 1000)).toBe(false);
    expect(verifyRequest(read!, b.publicKey, body.subarray(1), 1000)).toBe(false);
    expect(verifyRequest({ ...read!, seq: 8 }, b.publicKey, body, 1000)).toBe(false);
    expect(verifyRequest({ ...read!, time: 1001 }, b.publicKey, body, 1000)).toBe(false);
    expect(verifyRequest({ ...read!, from: b.publicKey }, b.publicKey, body, 1000)).toBe(false);
  });

  it('a response is bound to its request, status and body', () => {
    const req = a.signRequest(b.publicKey, 1, 1000, body);
    const other = a.signRequest(b.publicKey, 2, 1000, body);
    const sig = b.signResponse(req.signature, 200, body);
    expect(verifyResponse(sig, b.publicKey, req.signature, 200, body)).toBe(true);
    expect(verifyResponse(sig, b.publicKey, other.signature, 200, body)).toBe(false);
    expect(verifyResponse(sig, b.publicKey, req.signature, 409, body)).toBe(false);
    expect(verifyResponse(sig, a.publicKey, req.signature, 200, body)).toBe(false);
    expect(verifyResponse(sig, b.publicKey, req.signature, 200, body.subarray(1))).toBe(false);
    expect(verifyResponse(null, b.publicKey, req.signature, 200, body)).toBe(false);
    expect(verifyResponse('zz', b.publicKey, req.signature, 200, body)).toBe(false);
  });

  it('refuses malformed headers', () => {
    const auth = a.signRequest(b.publicKey, 1, 1000, body);
    const h = headers(auth);
    expect(readRequestAuth({ ...h, [HEADER_SEQ]: '0' })).toBeNull();
    expect(readRequestAuth({ ...h, [HEADER_SEQ]: '01' })).toBeNull();
    expect(readRequestAuth({ ...h, [HEADER_SEQ]: '1e3' })).toBeNull();
    expect(readRequestAuth({ ...h, [HEADER_TIME]: '-5' })).toBeNull();
    expect(readRequestAuth({ ...h, [HEADER_FROM]: auth.from.toUpperCase() })).toBeNull();
    expect(readRequestAuth({ ...h, [HEADER_SIGNATURE]: [auth.signature, auth.signature] })).toBeNull();
    expect(readRequestAuth({})).toBeNull();
  });

  it('checks its arguments', () => {
    expect(() => new ExchangeKey(new Uint8Array(31))).toThrow(InputError);
    expect(() => a.signRequest('nope', 1, 1, body)).toThrow(InputError);
    expect(() => a.signRequest(b.publicKey, 0, 1, body)).toThrow(InputError);
    expect(() => a.signResponse('ab', 200, body)).toThrow(InputError);
  });
});
