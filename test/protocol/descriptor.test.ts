import { describe, expect, it } from 'vitest';
import { canonicalJson, decodeDescriptor, signDescriptor, verifyDescriptor, type Descriptor } from '../../src/core/protocol/descriptor.js';

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
