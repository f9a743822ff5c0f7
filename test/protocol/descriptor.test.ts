import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { algorithmPrice, canonicalJson, decodeDescriptor, signDescriptor, verifyDescriptor, type Descriptor } from '../../src/core/protocol/descriptor.js';
import { hexToBytes } from '../../src/core/util/bytes.js';
import { InputError } from '../../src/core/util/errors.js';

const secret = new Uint8Array(32).fill(7);
const body = {
  version: 1 as const,
  name: 'test-relay',
  fingerprint: 'A'.repeat(40),
  published: 1_796_000_000_000,
  endpoints: { ws: 'ws://127.0.0.1:9433', stratum: 'stratum+tcp://127.0.0.1:9333', http: 'http://127.0.0.1:9480' },
  algorithms: [{ name: 'sha256d', difficulty: 0.001, minDifficulty: 1e-6, maxDifficulty: 1e9 }],
  tickets: {
    price: 0.05,
    dt: 600,
    graceHours: 48,
    keys: [{ keyId: 'ab'.repeat(32), publicKey: 'C'.repeat(43), firstDay: '2026-12-01', lastDay: '2026-12-07', expiresAt: 1_797_000_000_000 }],
  },
  partners: ['http://partner.example/.well-known/workpass/descriptor.json'],
};

describe('descriptor', () => {
  it('signs, survives a JSON round trip and verifies', () => {
    const d = signDescriptor(body, secret);
    const wire = JSON.parse(JSON.stringify(d)) as unknown;
    expect(decodeDescriptor(wire)).toEqual(d);
    expect(verifyDescriptor(wire)).toBe(true);
    expect(verifyDescriptor(wire, d.descriptorKey)).toBe(true);
    expect(verifyDescriptor(wire, 'D'.repeat(43))).toBe(false);
  });

  it('fails on any change to a signed field, and on garbage', () => {
    const d = signDescriptor(body, secret);
    const tampered: Array<Partial<Descriptor>> = [
      { name: 'other' },
      { published: d.published + 1 },
      { endpoints: { ...d.endpoints, ws: 'ws://10.0.0.1:9433' } },
      { tickets: { ...d.tickets, price: 0.01 } },
      { partners: [] },
      { signature: 'A'.repeat(86) },
    ];
    for (const t of tampered) expect(verifyDescriptor({ ...d, ...t })).toBe(false);
    for (const g of [null, 1, 'x', [], {}, { ...d, extra: 1 }, { ...d, version: 2 }]) expect(verifyDescriptor(g)).toBe(false);
  });

  it('canonical JSON sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
  });

  it('refuses malformed fields when signing', () => {
    expect(() => signDescriptor({ ...body, fingerprint: 'abc' }, secret)).toThrow();
    expect(() => signDescriptor({ ...body, endpoints: { ...body.endpoints, ws: 'http://x:1' } }, secret)).toThrow();
  });

  it('takes per-endpoint algorithms and a cells endpoint, and refuses inconsistent ones', () => {
    const sha = { name: 'sha256d', difficulty: 0.001, minDifficulty: 1e-6, maxDifficulty: 1e9 };
    const scrypt = { ...sha, name: 'scrypt', difficulty: 0.01 };
    const withCells = { ...body.endpoints, cells: 'cells+tcp://127.0.0.1:9434' };
    const good = [
      { endpoints: body.endpoints, algorithms: [sha] },
      { endpoints: body.endpoints, algorithms: [{ ...sha, endpoints: ['ws'] }, { ...scrypt, endpoints: ['stratum'] }] },
      { endpoints: withCells, algorithms: [{ ...sha, endpoints: ['ws', 'cells'] }, { ...scrypt, endpoints: ['stratum'] }] },
    ];
    for (const g of good) {
      const d = signDescriptor({ ...body, ...g } as Parameters<typeof signDescriptor>[0], secret);
      const wire = JSON.parse(JSON.stringify(d)) as unknown;
      expect(decodeDescriptor(wire)).toEqual(d);
      expect(verifyDescriptor(wire)).toBe(true);
    }
    const bad = [
      { endpoints: body.endpoints, algorithms: [{ ...sha, endpoints: ['ws'] }, scrypt] },
      { endpoints: body.endpoints, algorithms: [{ ...sha, endpoints: ['ws', 'stratum'] }, { ...scrypt, endpoints: ['stratum'] }] },
      { endpoints: body.endpoints, algorithms: [{ ...sha, endpoints: ['ws'] }] },
      { endpoints: body.endpoints, algorithms: [{ ...scrypt, endpoints: ['stratum'] }, { ...sha, endpoints: ['ws'] }] },
      { endpoints: body.endpoints, algorithms: [{ ...sha, endpoints: ['ws', 'stratum', 'cells'] }] },
      { endpoints: body.endpoints, algorithms: [{ ...sha, endpoints: ['ws', 'stratum', 'ftp'] }] },
      { endpoints: body.endpoints, algorithms: [{ ...sha, endpoints: [] }] },
      { endpoints: withCells, algorithms: [{ ...sha, endpoints: ['ws', 'stratum'] }] },
      { endpoints: { ...body.endpoints, cells: 'tcp://127.0.0.1:9434' }, algorithms: [sha] },
      { endpoints: { ...body.endpoints, ftp: 'ftp://x:1' }, algorithms: [sha] },
    ];
    for (const b of bad) expect(() => signDescriptor({ ...body, ...b } as Parameters<typeof signDescriptor>[0], secret)).toThrow();
  });
});

/** What signDescriptor takes: the descriptor without its key and signature. */
function bodyOf(d: Descriptor): Parameters<typeof signDescriptor>[0] {
  const { version, name, fingerprint, published, endpoints, algorithms, tickets, partners } = d;
  return { version, name, fingerprint, published, endpoints, algorithms, tickets, partners };
}

describe('descriptor: a ticket price per algorithm', () => {
  const vectors = JSON.parse(readFileSync(new URL('../vectors/descriptor.json', import.meta.url), 'utf8')) as {
    secretKeyHex: string;
    legacy: { descriptor: Descriptor; prices: Record<string, number> };
    perAlgorithmPrice: { descriptor: Descriptor; prices: Record<string, number> };
  };
  const vectorSecret = hexToBytes('secretKeyHex', vectors.secretKeyHex, 32);

  it('still verifies a descriptor signed before entries carried prices: every algorithm at tickets.price', () => {
    const { descriptor, prices } = vectors.legacy;
    expect(verifyDescriptor(descriptor)).toBe(true);
    const d = decodeDescriptor(descriptor);
    expect(d.algorithms.every((a) => a.price === undefined)).toBe(true);
    for (const [name, price] of Object.entries(prices)) expect(algorithmPrice(d, name)).toBe(price);
    expect(algorithmPrice(d, 'x11')).toBeUndefined();
    expect(signDescriptor(bodyOf(descriptor), vectorSecret)).toEqual(descriptor);
  });

  it('signs prices on algorithm entries (the vector, byte for byte), round-trips them and reads each algorithm\'s', () => {
    const { descriptor, prices } = vectors.perAlgorithmPrice;
    expect(signDescriptor(bodyOf(descriptor), vectorSecret)).toEqual(descriptor);
    expect(verifyDescriptor(descriptor, descriptor.descriptorKey)).toBe(true);
    const d = decodeDescriptor(JSON.parse(JSON.stringify(descriptor)));
    expect(d).toEqual(descriptor);
    for (const [name, price] of Object.entries(prices)) expect(algorithmPrice(d, name)).toBe(price);
    // Changing one entry's price (or dropping it: tickets.price then applies) breaks the signature.
    const algorithms = (p: number | undefined) => descriptor.algorithms.map((a) => (a.name === 'scrypt' ? { ...a, price: p } : a));
    expect(verifyDescriptor({ ...descriptor, algorithms: algorithms(0.1) })).toBe(false);
    expect(verifyDescriptor(JSON.parse(JSON.stringify({ ...descriptor, algorithms: algorithms(undefined) })))).toBe(false);
  });

  it('refuses a bad entry price with its typed error, and verify says false', () => {
    const base = vectors.perAlgorithmPrice.descriptor;
    const withPrice = (price: unknown) => ({ ...base, algorithms: base.algorithms.map((a, i) => (i === 1 ? { ...a, price } : a)) });
    const sha = { name: 'sha256d', difficulty: 0.002, minDifficulty: 1e-6, maxDifficulty: 1e9 };
    const cases: Array<[unknown, RegExp]> = [
      [withPrice(0), /descriptor\.algorithms\[1\]\.price: expected a positive number/],
      [withPrice(-0.2), /algorithms\[1\]\.price: expected a positive number/],
      [withPrice('0.2'), /algorithms\[1\]\.price: expected a positive number/],
      [withPrice(null), /algorithms\[1\]\.price: expected a positive number/],
      [withPrice(Infinity), /algorithms\[1\]\.price: expected a positive number/],
      [withPrice({ scrypt: 0.2 }), /algorithms\[1\]\.price: expected a positive number/],
      [withPrice([0.2]), /algorithms\[1\]\.price: expected a positive number/],
      // Two entries of one algorithm (e.g. two starting difficulties) with different prices.
      [{ ...body, algorithms: [{ ...sha, endpoints: ['ws'] }, { ...sha, difficulty: 0.01, price: 0.07, endpoints: ['stratum'] }] }, /algorithms\[1\]\.price: differs from the price of an earlier sha256d entry/],
      [{ ...body, algorithms: [{ ...sha, price: 0.07 }, { ...sha, difficulty: 0.01 }] }, /algorithms\[1\]\.price: differs/],
    ];
    for (const [doc, message] of cases) {
      expect(() => decodeDescriptor(doc)).toThrow(InputError);
      expect(() => decodeDescriptor(doc)).toThrow(message);
      expect(verifyDescriptor(doc)).toBe(false);
    }
    // One algorithm in two entries at one price is fine, written out or left to tickets.price.
    for (const algorithms of [[sha, { ...sha, difficulty: 0.01 }], [{ ...sha, price: 0.05 }, { ...sha, difficulty: 0.01 }], [{ ...sha, price: 0.07 }, { ...sha, difficulty: 0.01, price: 0.07 }]]) {
      expect(verifyDescriptor(JSON.parse(JSON.stringify(signDescriptor({ ...body, algorithms }, secret))))).toBe(true);
    }
  });

  it('decodes hostile entry prices only to a descriptor or an InputError; verify never throws', () => {
    const base = vectors.perAlgorithmPrice.descriptor;
    fc.assert(
      fc.property(fc.nat(base.algorithms.length - 1), fc.jsonValue(), (i, price) => {
        const doc = { ...base, algorithms: base.algorithms.map((a, j) => (j === i ? { ...a, price } : a)) };
        let decoded: Descriptor | undefined;
        try {
          decoded = decodeDescriptor(doc);
        } catch (err) {
          expect(err).toBeInstanceOf(InputError);
        }
        if (decoded !== undefined) expect([decoded.algorithms[i]!.price, typeof price === 'number' && price > 0]).toEqual([price, true]);
        expect(typeof verifyDescriptor(doc)).toBe('boolean');
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
