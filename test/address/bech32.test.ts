import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import vectors from '../vectors/address-bip173-bip350.json' with { type: 'json' };
import { decodeBech32, decodeSegwitAddress, encodeBech32, encodeSegwitAddress, MAX_BECH32_CHARS } from '../../src/core/address/bech32.js';
import { witnessScript } from '../../src/core/address/script.js';
import { bytesToHex } from '../../src/core/util/bytes.js';
import { InputError } from '../../src/core/util/errors.js';

const scriptOf = (address: string) => {
  const { version, program } = decodeSegwitAddress(address);
  return bytesToHex(witnessScript(version, program));
};

describe('Bech32 strings (BIP 173) and Bech32m strings (BIP 350)', () => {
  it.each(vectors.bip173.validStrings)('BIP 173 valid Bech32: %s', (s) => {
    const d = decodeBech32(s);
    expect(d.encoding).toBe('bech32');
    // Re-encoding gives the lowercase form back.
    expect(encodeBech32(d.hrp, d.words, 'bech32')).toBe(s.toLowerCase());
  });

  it.each(vectors.bip350.validStrings)('BIP 350 valid Bech32m: %s', (s) => {
    const d = decodeBech32(s);
    expect(d.encoding).toBe('bech32m');
    expect(encodeBech32(d.hrp, d.words, 'bech32m')).toBe(s.toLowerCase());
  });

  it.each([...vectors.bip173.invalidStrings, ...vectors.bip350.invalidStrings].map((v) => [v.reason, JSON.stringify(v.string), v.string]))(
    'refuses (%s) %s',
    (_reason, _shown, s) => {
      expect(() => decodeBech32(s)).toThrow(InputError);
    },
  );

  it('names the reason for each kind of bad string', () => {
    const reason = (s: string) => {
      try {
        decodeBech32(s, 'addr');
      } catch (err) {
        expect(err).toBeInstanceOf(InputError);
        expect((err as InputError).argument).toBe('addr');
        return (err as Error).message;
      }
      throw new Error(`accepted ${s}`);
    };
    expect(reason(' 1nwldj5')).toMatch(/outside US-ASCII 33\.\.126/);
    expect(reason('an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx')).toMatch(/longer than 90/);
    expect(reason('pzry9x0s0muk')).toMatch(/no separator/);
    expect(reason('1pzry9x0s0muk')).toMatch(/empty human-readable part/);
    expect(reason('x1b4n0q5v')).toMatch(/not a Bech32 data character/);
    expect(reason('li1dgmt3')).toMatch(/shorter than the 6-character checksum/);
    expect(reason('A1G7SGD8')).toMatch(/checksum mismatch/);
    expect(reason('A12uEL5L')).toMatch(/mixes upper and lower case/);
  });
});

describe('segwit addresses (BIP 173 v0, BIP 350 v1+)', () => {
  it.each(vectors.bip350.validAddresses.map((v) => [v.address, v.scriptPubKey]))('BIP 350 valid: %s -> %s', (address, script) => {
    expect(scriptOf(address)).toBe(script);
    const { hrp, version, program } = decodeSegwitAddress(address);
    expect(encodeSegwitAddress(hrp, version, program)).toBe(address.toLowerCase());
  });

  it.each(vectors.bip173.validAddresses.map((v) => [v.address, v.scriptPubKey, v.bip350]))('BIP 173 valid: %s -> %s (under BIP 350: %s)', (address, script, verdict) => {
    if (verdict === 'valid') {
      expect(scriptOf(address)).toBe(script);
    } else {
      expect(() => decodeSegwitAddress(address)).toThrow(/needs a Bech32m checksum \(BIP 350\), this one is Bech32/);
      // The BIP 350 list has the same program in Bech32m.
      const { hrp, words } = decodeBech32(address);
      expect(scriptOf(encodeBech32(hrp, words, 'bech32m'))).toBe(script);
    }
  });

  // The hrp is the caller's to check (script.ts); the rest of BIP 173's and BIP 350's invalid list fails here.
  const invalid = [...vectors.bip173.invalidAddresses, ...vectors.bip350.invalidAddresses].filter((v) => v.reason !== 'Invalid human-readable part');
  it.each(invalid.map((v) => [v.reason, v.address]))('refuses (%s) %s', (_reason, address) => {
    expect(() => decodeSegwitAddress(address)).toThrow(InputError);
  });

  it('gives each BIP 350 invalid address its reason', () => {
    const msg = (a: string) => {
      try {
        decodeSegwitAddress(a);
      } catch (err) {
        return (err as Error).message;
      }
      throw new Error(`accepted ${a}`);
    };
    expect(msg('bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd')).toMatch(/witness v1 needs a Bech32m checksum/);
    expect(msg('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh')).toMatch(/witness v0 needs a Bech32 checksum/);
    expect(msg('BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R')).toMatch(/witness version 17 is above 16/);
    expect(msg('bc1pw5dgrnzv')).toMatch(/program of 1 bytes/);
    expect(msg('bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav')).toMatch(/program of 41 bytes/);
    expect(msg('BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P')).toMatch(/v0 program of 16 bytes/);
    expect(msg('tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq')).toMatch(/mixes upper and lower case/);
    expect(msg('bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf')).toMatch(/bad padding/);
    expect(msg('tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j')).toMatch(/bad padding/);
    expect(msg('bc1gmk9yu')).toMatch(/empty data part/);
  });

  it('round-trips any witness version and program length it accepts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 16 }), fc.uint8Array({ minLength: 2, maxLength: 40 }), fc.constantFrom('bc', 'tb', 'bcrt', 'ltc', 'tltc', 'rltc'), (version, program, hrp) => {
        fc.pre(version !== 0 || program.length === 20 || program.length === 32);
        const address = encodeSegwitAddress(hrp, version, program);
        const d = decodeSegwitAddress(address);
        expect([d.hrp, d.version, bytesToHex(d.program)]).toEqual([hrp, version, bytesToHex(program)]);
        expect(decodeSegwitAddress(address.toUpperCase()).version).toBe(version);
      }),
    );
  });

  it('detects every single-character substitution (BIP 173: any error affecting at most 4 characters)', () => {
    const address = 'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0';
    const charset = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
    for (let i = 3; i < address.length; i++) {
      for (const c of charset) {
        if (c === address[i]) continue;
        expect(() => decodeSegwitAddress(address.slice(0, i) + c + address.slice(i + 1))).toThrow(InputError);
      }
    }
  });
});

describe('hostile input', () => {
  it('throws only InputError, naming the argument, on arbitrary strings and values', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 120 }), fc.anything()), (x) => {
        try {
          decodeSegwitAddress(x, 'payout');
        } catch (err) {
          expect(err).toBeInstanceOf(InputError);
          expect((err as InputError).argument).toBe('payout');
        }
      }),
    );
  });

  it('refuses over-long and non-string input before looking at it', () => {
    expect(() => decodeBech32('a1' + 'q'.repeat(MAX_BECH32_CHARS))).toThrow(/longer than 90/);
    expect(() => decodeBech32('x'.repeat(1e6))).toThrow(/longer than 90/);
    expect(() => decodeBech32(42)).toThrow(InputError);
    expect(() => decodeBech32(null)).toThrow(InputError);
  });

  it('checks the encoders\' arguments', () => {
    expect(() => encodeBech32('BC', new Uint8Array(), 'bech32')).toThrow(/hrp: expected lowercase/);
    expect(() => encodeBech32('', new Uint8Array(), 'bech32')).toThrow(/hrp/);
    expect(() => encodeBech32('a', Uint8Array.of(32), 'bech32')).toThrow(/words: expected 5-bit values/);
    expect(() => encodeBech32('a', new Uint8Array(83), 'bech32')).toThrow(/would exceed 90/);
    expect(() => encodeBech32('a', new Uint8Array(), 'base32' as 'bech32')).toThrow(/encoding/);
    expect(() => encodeSegwitAddress('bc', 17, new Uint8Array(20))).toThrow(/version/);
    expect(() => encodeSegwitAddress('bc', 0, new Uint8Array(21))).toThrow(/20 or 32/);
    expect(() => encodeSegwitAddress('bc', 1, new Uint8Array(41))).toThrow(/2\.\.40/);
  });
});
