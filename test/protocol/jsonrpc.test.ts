import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeMessage, encodeError, encodeRequest, encodeResult, RpcDecodeError } from '../../src/core/protocol/jsonrpc.js';

describe('jsonrpc', () => {
  it('round-trips requests, results and errors', () => {
    expect(decodeMessage(encodeRequest(7, 'mining.subscribe', ['cpuminer/2.5.1']))).toEqual({ kind: 'request', id: 7, method: 'mining.subscribe', params: ['cpuminer/2.5.1'] });
    expect(decodeMessage(encodeRequest(null, 'mining.notify', [1, 2]))).toEqual({ kind: 'request', id: null, method: 'mining.notify', params: [1, 2] });
    expect(decodeMessage(encodeResult('a', true))).toEqual({ kind: 'response', id: 'a', result: true, error: null });
    expect(decodeMessage(encodeError(3, 23, 'low difficulty share'))).toEqual({ kind: 'response', id: 3, result: null, error: [23, 'low difficulty share', null] });
  });

  it('accepts a missing id as a notification and a jsonrpc member', () => {
    expect(decodeMessage('{"jsonrpc":"2.0","method":"x","params":[]}')).toMatchObject({ kind: 'request', id: null });
    expect(decodeMessage('{"id":1,"method":"x"}')).toMatchObject({ params: [] });
  });

  const bad: Array<[string, number]> = [
    ['', -32700],
    ['{', -32700],
    ['null', -32600],
    ['[1,2]', -32600],
    ['"str"', -32600],
    ['{"id":1.5,"method":"x","params":[]}', -32600],
    ['{"id":{},"method":"x","params":[]}', -32600],
    ['{"id":"' + 'x'.repeat(65) + '","method":"x","params":[]}', -32600],
    ['{"id":1,"method":5,"params":[]}', -32600],
    ['{"id":1,"method":"","params":[]}', -32600],
    ['{"id":1,"method":"' + 'm'.repeat(65) + '","params":[]}', -32600],
    ['{"id":1,"method":"x","params":{}}', -32600],
    ['{"id":1,"method":"x","params":[' + '0,'.repeat(16) + '0]}', -32600],
    ['{"id":1}', -32600],
    ['{"id":1,"result":null,"error":"boom"}', -32600],
  ];
  it.each(bad)('refuses %s with %i', (text, code) => {
    try {
      decodeMessage(text);
      throw new Error('decoded');
    } catch (err) {
      expect(err).toBeInstanceOf(RpcDecodeError);
      expect((err as RpcDecodeError).code).toBe(code);
    }
  });

  it('keeps the id of a request whose shape is bad', () => {
    try {
      decodeMessage('{"id":9,"method":"x","params":"no"}');
    } catch (err) {
      expect((err as RpcDecodeError).id).toBe(9);
    }
  });

  it('never throws anything but RpcDecodeError on arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        try {
          decodeMessage(text);
        } catch (err) {
          expect(err).toBeInstanceOf(RpcDecodeError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
