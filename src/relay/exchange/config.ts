import { PublicKey } from '../../core/tickets/index.js';
import { InputError } from '../../core/util/errors.js';

/**
 * A partner relay (Protocol 2). This relay takes the partner's tickets (their pinned ticket key ids
 * must also be in the verifier's keyring) and syncs spent tickets with it.
 *
 * Config form (JSON), one entry of `exchange.partners`:
 *   { "publicKey": "<partner's Ed25519 exchange key (its descriptor key), 64 hex>",
 *     "url": "http://127.0.0.1:9481",          where the partner's exchange endpoint listens
 *     "ticketKeys": ["<ticket public key, base64url>", ...],   pinned: the partner's ticket keys
 *                                               we accept ([] = we take none of its tickets)
 *     "trustLimit": 100,                        stop taking their tickets at this many unpaid
 *     "paymentEvery": 10 }                      PAYMENT_REQUEST every N of their tickets served
 */
export interface PinnedTicketKey {
  /** Hex key id, as tickets name their issuer. */
  readonly keyId: string;
  readonly publicKey: PublicKey;
}

export interface PartnerConfig {
  readonly publicKey: string;
  readonly url: string;
  readonly ticketKeys: readonly PinnedTicketKey[];
  readonly trustLimit: number;
  readonly paymentEvery: number;
}

const KEYS = ['publicKey', 'url', 'ticketKeys', 'trustLimit', 'paymentEvery'];

function posInt(name: string, v: unknown, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) throw new InputError(name, `expected an integer in [1, ${max}]`);
  return v;
}

export function parsePartner(name: string, v: unknown): PartnerConfig {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InputError(name, 'expected an object');
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KEYS.includes(k)) throw new InputError(`${name}.${k}`, 'unknown field');
  if (typeof o.publicKey !== 'string' || !/^[0-9a-f]{64}$/.test(o.publicKey)) {
    throw new InputError(`${name}.publicKey`, 'expected 64 lower-case hex digits');
  }
  let url: URL;
  try {
    url = new URL(String(o.url));
  } catch {
    throw new InputError(`${name}.url`, 'expected an http(s) URL');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || typeof o.url !== 'string') {
    throw new InputError(`${name}.url`, 'expected an http(s) URL');
  }
  if (!Array.isArray(o.ticketKeys) || o.ticketKeys.length > 64) throw new InputError(`${name}.ticketKeys`, 'expected an array of at most 64 key ids');
  const ticketKeys = o.ticketKeys.map((k, i) => {
    const publicKey = PublicKey.fromText(k, `${name}.ticketKeys[${i}]`);
    return { keyId: publicKey.keyIdHex(), publicKey };
  });
  return {
    publicKey: o.publicKey,
    url: o.url.replace(/\/+$/, ''),
    ticketKeys,
    trustLimit: posInt(`${name}.trustLimit`, o.trustLimit ?? 100, 1_000_000),
    paymentEvery: posInt(`${name}.paymentEvery`, o.paymentEvery ?? 10, 1_000_000),
  };
}

export function parsePartners(name: string, v: unknown): PartnerConfig[] {
  if (!Array.isArray(v) || v.length > 32) throw new InputError(name, 'expected an array of at most 32 partners');
  const out = v.map((p, i) => parsePartner(`${name}[${i}]`, p));
  const seen = new Set<string>();
  for (const p of out) {
    if (seen.has(p.publicKey)) throw new InputError(name, `partner ${p.publicKey} listed twice`);
    seen.add(p.publicKey);
  }
  return out;
}
