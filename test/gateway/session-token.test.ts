import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InputError } from '../../src/core/util/errors.js';
import { base64urlToBytes, bytesToBase64url } from '../../src/core/util/bytes.js';
import { SESSION_TOKEN_LEN, SessionKey } from '../../src/relay/gateway/session-token.js';

const key = new SessionKey(new Uint8Array(32).fill(7));
const id = Uint8Array.of(1, 2, 3, 4, 5, 6, 7);

describe('session tokens', () => {
  it('issues a token that checks until it expires', () => {
    const t = key.issue(2, 1000, id);
    expect(base64urlToBytes('t', t)).toHaveLength(SESSION_TOKEN_LEN);
    expect(key.check(t, 999)).toEqual({ ok: true, session: { group: 2, expiresAt: 1000, id: '01020304050607' } });
    expect(key.check(t, 1000)).toEqual({ ok: false, reason: 'session_expired' });
  });

  it('refuses a token of another key, and any flipped bit', () => {
    const t = key.issue(0, 5000, id);
    expect(new SessionKey(new Uint8Array(32).fill(8)).check(t, 1)).toEqual({ ok: false, reason: 'invalid_session' });
    const bytes = base64urlToBytes('t', t);
    for (let i = 0; i < bytes.length * 8; i++) {
      const b = bytes.slice();
      b[i >> 3]! ^= 1 << (i & 7);
      expect(key.check(bytesToBase64url(b), 1).ok).toBe(false);
    }
  });

  it('never throws on attacker input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.uint8Array().map(bytesToBase64url), fc.anything()), (v) => {
        expect(key.check(v, 1).ok).toBe(false);
      }),
    );
  });

  it('checks its arguments', () => {
    expect(() => new SessionKey(new Uint8Array(31))).toThrow(InputError);
    expect(() => key.issue(256, 1, id)).toThrow(InputError);
    expect(() => key.issue(0, -1, id)).toThrow(InputError);
    expect(() => key.issue(0, 1, new Uint8Array(6))).toThrow(InputError);
  });
});
