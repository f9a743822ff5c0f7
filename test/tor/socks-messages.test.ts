import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  SocksProtocolError,
  decodeAddressMessage,
  decodeMethodReply,
  decodeMethodRequest,
  decodeUserPassReply,
  decodeUserPassRequest,
  encodeAddressMessage,
  encodeMethodReply,
  encodeMethodRequest,
  encodeUserPassReply,
  encodeUserPassRequest,
  type Decoded,
} from '../../e2e/tor/socks-messages.js';
import vectors from './socks5-vectors.json' with { type: 'json' };

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));

/** Every strict prefix is "incomplete"; the whole message decodes with size = its length. */
function checkFraming<T>(decode: (b: Uint8Array) => Decoded<T> | undefined, encoded: Uint8Array): T {
  for (let n = 0; n < encoded.length; n++) expect(decode(encoded.subarray(0, n))).toBeUndefined();
  const trailing = new Uint8Array([...encoded, 0xaa, 0xbb]);
  const decoded = decode(trailing);
  expect(decoded?.size).toBe(encoded.length);
  return decoded!.message;
}

describe('SOCKS5 messages: known answers (RFC 1928, RFC 1929)', () => {
  it('method request', () => {
    for (const v of vectors.methodRequest) {
      expect(hex(encodeMethodRequest(v))).toBe(v.hex);
      expect(checkFraming(decodeMethodRequest, bytes(v.hex))).toEqual({ methods: v.methods });
    }
  });
  it('method reply', () => {
    for (const v of vectors.methodReply) {
      expect(hex(encodeMethodReply(v))).toBe(v.hex);
      expect(checkFraming(decodeMethodReply, bytes(v.hex))).toEqual({ method: v.method });
    }
  });
  it('username/password request and reply', () => {
    for (const v of vectors.userPassRequest) {
      expect(hex(encodeUserPassRequest(v))).toBe(v.hex);
      expect(checkFraming(decodeUserPassRequest, bytes(v.hex))).toEqual({ username: v.username, password: v.password });
    }
    for (const v of vectors.userPassReply) {
      expect(hex(encodeUserPassReply(v))).toBe(v.hex);
      expect(checkFraming(decodeUserPassReply, bytes(v.hex))).toEqual({ status: v.status });
    }
  });
  it('request / reply with IPv4, domain name and IPv6 addresses', () => {
    for (const v of vectors.addressMessage) {
      expect(hex(encodeAddressMessage(v))).toBe(v.hex);
      expect(checkFraming(decodeAddressMessage, bytes(v.hex))).toEqual({ code: v.code, host: v.host, port: v.port });
    }
    expect(hex(encodeAddressMessage({ code: 0, host: '::1', port: 65535 }))).toBe(vectors.addressMessage[2]!.hex);
  });
});

describe('SOCKS5 messages: round trips', () => {
  it('address messages with any domain name and port', () => {
    const name = fc.stringMatching(/^[a-z0-9.-]{1,255}$/).filter((s) => !/^[0-9.]+$/.test(s) && !s.includes(':'));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), name, fc.integer({ min: 0, max: 65535 }), (code, host, port) => {
        const m = { code, host, port };
        expect(checkFraming(decodeAddressMessage, encodeAddressMessage(m))).toEqual(m);
      }),
      { numRuns: 200 },
    );
  });
  it('username/password of any UTF-8 up to 255 bytes', () => {
    const field = fc.string({ minLength: 1, maxLength: 60, unit: 'grapheme' }).filter((s) => {
      const n = Buffer.byteLength(s);
      return n >= 1 && n <= 255;
    });
    fc.assert(
      fc.property(field, field, (username, password) => {
        const m = { username, password };
        expect(checkFraming(decodeUserPassRequest, encodeUserPassRequest(m))).toEqual(m);
      }),
      { numRuns: 200 },
    );
  });
});

describe('SOCKS5 messages: hostile and bad input', () => {
  const bad: Array<[string, () => unknown]> = [
    ['wrong version', () => decodeMethodReply(bytes('0400'))],
    ['NMETHODS 0', () => decodeMethodRequest(bytes('0500'))],
    ['RSV not zero', () => decodeAddressMessage(bytes('050001017f0000010050'))],
    ['unknown ATYP', () => decodeAddressMessage(bytes('05000002000000000000'))],
    ['empty domain name', () => decodeAddressMessage(bytes('0500000300'))],
    ['domain not UTF-8', () => decodeAddressMessage(bytes('0500000301ff0050'))],
    ['ULEN 0', () => decodeUserPassRequest(bytes('0100'))],
    ['PLEN 0', () => decodeUserPassRequest(bytes('01016100'))],
    ['username not UTF-8', () => decodeUserPassRequest(bytes('0101ff0161'))],
    ['userpass version', () => decodeUserPassReply(bytes('0500'))],
    ['no methods', () => encodeMethodRequest({ methods: [] })],
    ['method not a byte', () => encodeMethodRequest({ methods: [256] })],
    ['empty username', () => encodeUserPassRequest({ username: '', password: 'x' })],
    ['username over 255 bytes', () => encodeUserPassRequest({ username: 'é'.repeat(128), password: 'x' })],
    ['port out of range', () => encodeAddressMessage({ code: 1, host: '127.0.0.1', port: 65536 })],
    ['fractional port', () => encodeAddressMessage({ code: 1, host: '127.0.0.1', port: 1.5 })],
    ['domain over 255 bytes', () => encodeAddressMessage({ code: 1, host: 'a'.repeat(256), port: 1 })],
    ['empty host', () => encodeAddressMessage({ code: 1, host: '', port: 1 })],
    ['IPv4-mapped IPv6 form', () => encodeAddressMessage({ code: 1, host: '::ffff:1.2.3.4', port: 1 })],
  ];
  for (const [what, f] of bad) {
    it(`rejects: ${what}`, () => expect(f).toThrow(SocksProtocolError));
  }
  it('random bytes never throw anything but SocksProtocolError', () => {
    const decoders = [decodeMethodRequest, decodeMethodReply, decodeUserPassRequest, decodeUserPassReply, decodeAddressMessage];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        for (const decode of decoders) {
          try {
            const d = decode(b);
            if (d !== undefined) expect(d.size).toBeLessThanOrEqual(b.length);
          } catch (err) {
            expect(err).toBeInstanceOf(SocksProtocolError);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
