import { describe, expect, it } from 'vitest';
import { ExchangeKey, verifyRequest, verifyResponse } from '../../src/relay/exchange/envelope.js';
import { signDescriptor, verifyDescriptor } from '../../src/core/protocol/descriptor.js';
import { seededRandom } from '../gateway/fixtures.js';

/** Ed25519 signatures of Protocol 2 and the descriptor cannot be re-encoded into a second valid form. */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

/** The signature with S replaced by S + ℓ (same value mod ℓ: accepted by a lax verifier). */
function malleate(sigHex: string): string {
  const b = Buffer.from(sigHex, 'hex');
  let s = 0n;
  for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(b[i]!);
  s += L;
  for (let i = 0; i < 32; i++) b[32 + i] = Number((s >> BigInt(8 * i)) & 0xffn);
  return b.toString('hex');
}

describe('exchange envelope: no second encoding of a signature', () => {
  const rand = seededRandom('security/exchange');
  const a = new ExchangeKey(rand(32));
  const b = new ExchangeKey(rand(32));
  const body = new TextEncoder().encode('{"type":"spent_query","after":0,"limit":10}');

  it('a request with S + ℓ is refused (so a replay cannot dodge a signature-keyed check either)', () => {
    const auth = a.signRequest(b.publicKey, 5, 1000, body);
    expect(verifyRequest(auth, b.publicKey, body, 1000)).toBe(true);
    expect(verifyRequest({ ...auth, signature: malleate(auth.signature) }, b.publicKey, body, 1000)).toBe(false);
  });

  it('a response with S + ℓ is refused', () => {
    const req = a.signRequest(b.publicKey, 6, 1000, body);
    const sig = b.signResponse(req.signature, 200, body);
    expect(verifyResponse(sig, b.publicKey, req.signature, 200, body)).toBe(true);
    expect(verifyResponse(malleate(sig), b.publicKey, req.signature, 200, body)).toBe(false);
  });

  it('a descriptor with S + ℓ is refused', () => {
    const secret = rand(32);
    const d = signDescriptor(
      {
        version: 1, name: 'r', fingerprint: '', published: 1,
        endpoints: { ws: 'ws://127.0.0.1:1', stratum: '', http: 'http://127.0.0.1:2' },
        algorithms: [{ name: 'sha256d', difficulty: 1, minDifficulty: 1, maxDifficulty: 2 }],
        tickets: { price: 1, dt: 60, graceHours: 48, keys: [] }, partners: [],
      },
      secret,
    );
    expect(verifyDescriptor(d)).toBe(true);
    const raw = Buffer.from(d.signature, 'base64url').toString('hex');
    expect(verifyDescriptor({ ...d, signature: Buffer.from(malleate(raw), 'hex').toString('base64url') })).toBe(false);
  });
});
