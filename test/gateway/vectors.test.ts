import { createHash, createHmac, createPrivateKey, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import vectors from '../vectors/gateway-exchange.json' with { type: 'json' };
import { base64urlToBytes, hexToBytes } from '../../src/core/util/bytes.js';
import { ExchangeKey, verifyRequest, verifyResponse } from '../../src/relay/exchange/envelope.js';
import { SessionKey } from '../../src/relay/gateway/session-token.js';

const enc = new TextEncoder();
const sha256hex = (s: string) => createHash('sha256').update(s).digest('hex');

/** Ed25519 with node:crypto (an implementation independent of ours), from a 32-byte seed. */
function nodeEd25519(seedHex: string, message: string): string {
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(seedHex, 'hex')]);
  return sign(null, Buffer.from(message), createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).toString('hex');
}

describe('known answers: session tokens', () => {
  it.each(vectors.session)('token for group $group until $expiresAt', (v) => {
    const key = new SessionKey(hexToBytes('key', v.key, 32));
    expect(key.issue(v.group, v.expiresAt, hexToBytes('id', v.id, 7))).toBe(v.token);
    expect(key.check(v.token, v.expiresAt - 1)).toEqual({ ok: true, session: { group: v.group, expiresAt: v.expiresAt, id: v.id } });
    // Independent check of the MAC with node:crypto.
    const bytes = Buffer.from(base64urlToBytes('token', v.token));
    const mac = createHmac('sha256', Buffer.from(v.key, 'hex')).update(Buffer.concat([Buffer.from('workpass-session-v1'), bytes.subarray(0, 13)])).digest().subarray(0, 16);
    expect(bytes.subarray(13).equals(mac)).toBe(true);
  });
});

describe('known answers: exchange envelope', () => {
  const e = vectors.envelope;
  it('request and response signatures', () => {
    const a = new ExchangeKey(hexToBytes('s', e.senderSecret, 32));
    const b = new ExchangeKey(hexToBytes('r', e.receiverSecret, 32));
    expect(a.publicKey).toBe(e.senderPublic);
    expect(b.publicKey).toBe(e.receiverPublic);
    const req = a.signRequest(e.receiverPublic, e.seq, e.time, enc.encode(e.body));
    expect(req.signature).toBe(e.requestSignature);
    expect(verifyRequest(req, e.receiverPublic, enc.encode(e.body), e.time)).toBe(true);
    expect(b.signResponse(e.requestSignature, e.status, enc.encode(e.responseBody))).toBe(e.responseSignature);
    expect(verifyResponse(e.responseSignature, e.receiverPublic, e.requestSignature, e.status, enc.encode(e.responseBody))).toBe(true);
  });

  it('match node:crypto Ed25519 over the documented strings', () => {
    const reqText = `workpass-exchange-v1 request\n${e.senderPublic}\n${e.receiverPublic}\n${e.seq}\n${e.time}\n${sha256hex(e.body)}`;
    expect(nodeEd25519(e.senderSecret, reqText)).toBe(e.requestSignature);
    const resText = `workpass-exchange-v1 response\n${e.requestSignature}\n${e.status}\n${sha256hex(e.responseBody)}`;
    expect(nodeEd25519(e.receiverSecret, resText)).toBe(e.responseSignature);
  });
});
