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
});
