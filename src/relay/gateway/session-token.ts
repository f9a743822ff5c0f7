import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { abytes, base64urlToBytes, bytesToBase64url, bytesToHex, concatBytes, equalBytes } from '../../core/util/bytes.js';
import { InputError } from '../../core/util/errors.js';

/**
 * Session tokens: what a redeemed ticket buys. Stateless and short-lived; the gateway checks them
 * with its own key, so a session needs no store lookup per request.
 *
 * Layout (29 bytes, sent as base64url, 39 characters):
 *   version   u8      = 1
 *   group     u8      index of the paid class in the gateway's paid-class list
 *   expiresAt u32 BE  unix seconds
 *   id        7 B     random, names the session (rate limits, logs)
 *   mac       16 B    HMAC-SHA256(key, "workpass-session-v1" || the 13 bytes above), truncated
 */
export const SESSION_VERSION = 1;
const BODY_LEN = 13;
const MAC_LEN = 16;
export const SESSION_TOKEN_LEN = BODY_LEN + MAC_LEN;
const DOMAIN = new TextEncoder().encode('workpass-session-v1');

export interface Session {
  readonly group: number;
  readonly expiresAt: number;
  /** Hex of the 7 random id bytes. */
  readonly id: string;
}

export type SessionCheck =
  | { readonly ok: true; readonly session: Session }
  | { readonly ok: false; readonly reason: 'invalid_session' | 'session_expired' };

function mac(key: Uint8Array, body: Uint8Array): Uint8Array {
  return hmac(sha256, key, concatBytes(DOMAIN, body)).subarray(0, MAC_LEN);
}

export class SessionKey {
  readonly #key: Uint8Array;

  constructor(key: Uint8Array) {
    abytes('key', key, 32);
    this.#key = key.slice();
  }

  /** Issues a token for `group` valid until `expiresAt` (unix seconds); `id` is 7 random bytes. */
  issue(group: number, expiresAt: number, id: Uint8Array): string {
    if (!Number.isInteger(group) || group < 0 || group > 255) throw new InputError('group', 'expected 0..255');
    if (!Number.isInteger(expiresAt) || expiresAt < 0 || expiresAt > 0xffffffff) {
      throw new InputError('expiresAt', 'expected unix seconds in [0, 2^32)');
    }
    abytes('id', id, 7);
    const body = new Uint8Array(BODY_LEN);
    const view = new DataView(body.buffer);
    body[0] = SESSION_VERSION;
    body[1] = group;
    view.setUint32(2, expiresAt);
    body.set(id, 6);
    return bytesToBase64url(concatBytes(body, mac(this.#key, body)));
  }

  /** Checks a presented token at time `now` (unix seconds). Never throws on attacker input. */
  check(token: unknown, now: number): SessionCheck {
    let bytes: Uint8Array;
    try {
      bytes = base64urlToBytes('session', token);
    } catch {
      return { ok: false, reason: 'invalid_session' };
    }
    if (bytes.length !== SESSION_TOKEN_LEN || bytes[0] !== SESSION_VERSION) return { ok: false, reason: 'invalid_session' };
    const body = bytes.subarray(0, BODY_LEN);
    if (!equalBytes(mac(this.#key, body), bytes.subarray(BODY_LEN))) return { ok: false, reason: 'invalid_session' };
    const expiresAt = new DataView(body.buffer, body.byteOffset).getUint32(2);
    if (now >= expiresAt) return { ok: false, reason: 'session_expired' };
    return { ok: true, session: { group: body[1]!, expiresAt, id: bytesToHex(body.subarray(6)) } };
  }
}
