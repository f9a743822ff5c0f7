import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import vectors from '../vectors/address-base58.json' with { type: 'json' };
import { decodeBase58, decodeBase58Check, encodeBase58, encodeBase58Check, MAX_BASE58_CHARS } from '../../src/core/address/base58check.js';
import { bytesToHex, hexToBytes } from '../../src/core/util/bytes.js';
import { InputError } from '../../src/core/util/errors.js';

describe('Base58', () => {
  it.each(vectors.vectors.map(([hex, text]) => [hex!.length > 40 ? `${hex!.slice(0, 40)}…` : hex, text!.length > 40 ? `${text!.slice(0, 40)}…` : text, hex!, text!]))(
    '%s <-> %s',
    (_h, _t, hex, text) => {
      expect(encodeBase58(hexToBytes('hex', hex))).toBe(text);
      expect(bytesToHex(decodeBase58(text))).toBe(hex);
    },
  );

  it('round-trips any bytes, leading zeros included', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        expect(bytesToHex(decodeBase58(encodeBase58(bytes)))).toBe(bytesToHex(bytes));
      }),
    );
  });

  it('refuses characters outside the alphabet (0, O, I, l, spaces) with their position', () => {
    for (const [text, at] of [['1O1', 1], ['0', 0], ['abI', 2], ['l', 0], [' 12', 0], ['12 ', 2]] as const) {
      expect(() => decodeBase58(text, 'addr')).toThrow(new RegExp(`^addr: .* at position ${at} is not a Base58 character`));
    }
  });
});

describe('Base58Check', () => {
  it('decodes a published address to version byte and hash (Bitcoin Core key_io_valid)', () => {
    const payload = decodeBase58Check('1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo');
    expect(bytesToHex(payload)).toBe('00a31c06bd463e3923bc1aadbde48b16976c080717');
    expect(encodeBase58Check(payload)).toBe('1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo');
  });

  it('round-trips any payload', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), (payload) => {
        expect(bytesToHex(decodeBase58Check(encodeBase58Check(payload)))).toBe(bytesToHex(payload));
      }),
    );
  });

  it('refuses every single-character substitution of an address (checksum)', () => {
    const address = '36j4NfKv6Akva9amjWrLG6MuSQym1GuEmm';
    const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
    let refused = 0;
    for (let i = 0; i < address.length; i++) {
      for (const c of alphabet) {
        if (c === address[i]) continue;
        expect(() => decodeBase58Check(address.slice(0, i) + c + address.slice(i + 1))).toThrow(InputError);
        refused++;
      }
    }
    expect(refused).toBe(address.length * 57);
  });

  it('refuses strings too short to carry a checksum', () => {
    expect(() => decodeBase58Check('')).toThrow(/too short/);
    expect(() => decodeBase58Check('2g')).toThrow(/too short/);
    expect(() => decodeBase58Check(encodeBase58(new Uint8Array(4)))).toThrow(/too short/);
  });
});

describe('hostile input', () => {
  it('throws only InputError naming the argument', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.anything()), (x) => {
        try {
          decodeBase58Check(x, 'payout');
        } catch (err) {
          expect(err).toBeInstanceOf(InputError);
          expect((err as InputError).argument).toBe('payout');
        }
      }),
    );
  });

  it('bounds the input before its quadratic decoding', () => {
    expect(() => decodeBase58('2'.repeat(MAX_BASE58_CHARS + 1))).toThrow(/longer than 1024/);
    expect(() => decodeBase58('z'.repeat(1e6))).toThrow(/longer than 1024/);
    expect(decodeBase58('z'.repeat(MAX_BASE58_CHARS)).length).toBe(750);
    expect(() => decodeBase58(undefined)).toThrow(InputError);
    expect(() => encodeBase58('00' as unknown as Uint8Array)).toThrow(/bytes: expected Uint8Array/);
    expect(() => encodeBase58Check([0] as unknown as Uint8Array)).toThrow(/payload: expected Uint8Array/);
  });
});
