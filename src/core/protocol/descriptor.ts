import { ed25519 } from '@noble/curves/ed25519.js';
import { isAlgorithmName } from '../pow/registry.js';
import { base64urlToBytes, bytesToBase64url } from '../util/bytes.js';
import { InputError } from '../util/errors.js';
import { aarray, abase64url, akeys, anonNegativeInt, aobject, apositive, astring } from './check.js';
import { aday } from './workpass.js';

// Kept in a module of its own so that pages showing prices do not bundle Ed25519.
export { algorithmPrice } from './descriptor-price.js';

/**
 * The relay descriptor: what the paper puts in a relay's descriptor, as a signed JSON document served
 * at GET /.well-known/workpass/descriptor.json. Layout (every field required; no others allowed):
 *
 *   {
 *     "version": 1,
 *     "name": string (1..64),
 *     "fingerprint": "" | 40 uppercase hex (the Tor relay this daemon sits beside),
 *     "published": ms since 1970,
 *     "endpoints": {"ws": "ws(s)://..." , "stratum": "stratum+tcp://..." | "", "http": "http(s)://...",
 *                   "cells"?: "cells+tcp://..." (optional: the RELAY_MINING_* cells transport)},
 *     "algorithms": [{"name": "sha256d"|"scrypt"|"x11", "difficulty", "minDifficulty", "maxDifficulty",
 *                     "endpoints"?: ["ws"|"stratum"|"cells", ...] (optional: the listeners that mine
 *                     this algorithm; absent = every listener),
 *                     "price"?: credit per ticket for sessions of this algorithm (optional; absent =
 *                     tickets.price; entries of one name agree on it)}],
 *                   the first entry is the WebSocket listener's algorithm.
 *     "tickets": {"price" (the default ticket price), "dt", "graceHours",
 *                 "keys": [{"keyId": 64 hex, "publicKey": base64url(32), "firstDay", "lastDay", "expiresAt"}]},
 *     "partners": [descriptor URL, ...],
 *     "descriptorKey": base64url(Ed25519 public key, 32 bytes),
 *     "signature": base64url(Ed25519 signature, 64 bytes)
 *   }
 *
 * The signature is Ed25519 over UTF-8("workpass-v1/descriptor\n" ‖ canonical JSON of the document
 * without "signature"), where canonical JSON sorts object keys and has no whitespace. The descriptor
 * key is the relay's own, separate from its ticket keys and its Tor keys.
 */
export interface DescriptorKey {
  readonly keyId: string;
  readonly publicKey: string;
  readonly firstDay: string;
  readonly lastDay: string;
  readonly expiresAt: number;
}

export type EndpointName = 'ws' | 'stratum' | 'cells';
export const ENDPOINT_NAMES: readonly EndpointName[] = ['ws', 'stratum', 'cells'];

export interface DescriptorAlgorithm {
  readonly name: string;
  readonly difficulty: number;
  readonly minDifficulty: number;
  readonly maxDifficulty: number;
  /** The endpoints that mine this algorithm; absent in descriptors that predate per-listener algorithms. */
  readonly endpoints?: readonly EndpointName[];
  /** Ticket price for sessions of this algorithm; absent = tickets.price (and in older descriptors). */
  readonly price?: number;
}

export interface DescriptorBody {
  readonly version: 1;
  readonly name: string;
  readonly fingerprint: string;
  readonly published: number;
  readonly endpoints: { readonly ws: string; readonly stratum: string; readonly http: string; readonly cells?: string };
  readonly algorithms: readonly DescriptorAlgorithm[];
  readonly tickets: { readonly price: number; readonly dt: number; readonly graceHours: number; readonly keys: readonly DescriptorKey[] };
  readonly partners: readonly string[];
  readonly descriptorKey: string;
}

export interface Descriptor extends DescriptorBody {
  readonly signature: string;
}

export const DESCRIPTOR_PATH = '/.well-known/workpass/descriptor.json';
const DOMAIN = 'workpass-v1/descriptor\n';
/** The most ticket keys a descriptor lists (config.ts bounds keyDays and ticketHours by it). */
export const MAX_KEYS = 16;
const MAX_PARTNERS = 32;

function aurl(name: string, value: unknown, schemes: readonly string[], allowEmpty = false): string {
  const s = astring(name, value, 256);
  if (allowEmpty && s === '') return s;
  if (!schemes.some((p) => s.startsWith(p + '://')) || /\s/.test(s) || s.length <= 8) {
    throw new InputError(name, `expected a ${schemes.join(' or ')} URL`);
  }
  return s;
}

function decodeKey(name: string, value: unknown): DescriptorKey {
  const o = aobject(name, value);
  akeys(name, o, ['keyId', 'publicKey', 'firstDay', 'lastDay', 'expiresAt']);
  const keyId = astring(`${name}.keyId`, o['keyId'], 64);
  if (!/^[0-9a-f]{64}$/.test(keyId)) throw new InputError(`${name}.keyId`, 'expected 64 lowercase hex digits');
  const firstDay = aday(`${name}.firstDay`, o['firstDay']);
  const lastDay = aday(`${name}.lastDay`, o['lastDay']);
  if (lastDay < firstDay) throw new InputError(`${name}.lastDay`, 'before firstDay');
  return { keyId, publicKey: abase64url(`${name}.publicKey`, o['publicKey'], 32), firstDay, lastDay, expiresAt: anonNegativeInt(`${name}.expiresAt`, o['expiresAt']) };
}

function decodeAlgorithm(name: string, value: unknown): DescriptorAlgorithm {
  const o = aobject(name, value);
  akeys(name, o, ['name', 'difficulty', 'minDifficulty', 'maxDifficulty', 'endpoints', 'price']);
  if (!isAlgorithmName(o['name'])) throw new InputError(`${name}.name`, 'unknown algorithm');
  const out: DescriptorAlgorithm = {
    name: o['name'],
    difficulty: apositive(`${name}.difficulty`, o['difficulty']),
    minDifficulty: apositive(`${name}.minDifficulty`, o['minDifficulty']),
    maxDifficulty: apositive(`${name}.maxDifficulty`, o['maxDifficulty']),
    ...(o['price'] === undefined ? {} : { price: apositive(`${name}.price`, o['price']) }),
  };
  if (o['endpoints'] === undefined) return out;
  const endpoints = aarray(`${name}.endpoints`, o['endpoints'], ENDPOINT_NAMES.length).map((e, i) => {
    if (!ENDPOINT_NAMES.includes(e as EndpointName)) throw new InputError(`${name}.endpoints[${i}]`, `expected one of ${ENDPOINT_NAMES.join(', ')}`);
    return e as EndpointName;
  });
  if (endpoints.length === 0 || new Set(endpoints).size !== endpoints.length) throw new InputError(`${name}.endpoints`, 'expected distinct endpoint names');
  return { ...out, endpoints };
}

/**
 * The algorithm list: entries of one algorithm agree on its price (`defaultPrice` where they carry
 * none: credit is never converted between algorithms, so there is one price each); when entries
 * name endpoints, each endpoint (of those present) is named exactly once.
 */
function decodeAlgorithms(value: unknown, hasCells: boolean, defaultPrice: number): DescriptorAlgorithm[] {
  const list = aarray('descriptor.algorithms', value, 8).map((a, i) => decodeAlgorithm(`descriptor.algorithms[${i}]`, a));
  list.forEach((a, i) => {
    const first = list.find((b) => b.name === a.name)!;
    if ((a.price ?? defaultPrice) !== (first.price ?? defaultPrice)) {
      throw new InputError(`descriptor.algorithms[${i}].price`, `differs from the price of an earlier ${a.name} entry (one price per algorithm)`);
    }
  });
  const named = list.filter((a) => a.endpoints !== undefined);
  if (named.length === 0) return list;
  if (named.length !== list.length) throw new InputError('descriptor.algorithms', 'either every entry names its endpoints or none does');
  const seen = list.flatMap((a) => a.endpoints!);
  const want = hasCells ? ENDPOINT_NAMES : ENDPOINT_NAMES.filter((e) => e !== 'cells');
  if (seen.length !== new Set(seen).size || want.some((e) => !seen.includes(e)) || seen.some((e) => !want.includes(e))) {
    throw new InputError('descriptor.algorithms', `each of the endpoints ${want.join(', ')} must be named by exactly one algorithm`);
  }
  if (!list[0]!.endpoints!.includes('ws')) throw new InputError('descriptor.algorithms', 'the first entry must be the ws endpoint\'s algorithm');
  return list;
}

/** Validates a parsed descriptor's shape (not its signature: see verifyDescriptor). */
export function decodeDescriptor(value: unknown): Descriptor {
  const o = aobject('descriptor', value);
  akeys('descriptor', o, ['version', 'name', 'fingerprint', 'published', 'endpoints', 'algorithms', 'tickets', 'partners', 'descriptorKey', 'signature']);
  if (o['version'] !== 1) throw new InputError('descriptor.version', 'expected 1');
  const fingerprint = astring('descriptor.fingerprint', o['fingerprint'], 40);
  if (!/^(?:[0-9A-F]{40})?$/.test(fingerprint)) throw new InputError('descriptor.fingerprint', 'expected "" or 40 uppercase hex digits');
  const name = astring('descriptor.name', o['name'], 64);
  if (name === '') throw new InputError('descriptor.name', 'empty');
  const ep = aobject('descriptor.endpoints', o['endpoints']);
  akeys('descriptor.endpoints', ep, ['ws', 'stratum', 'http', 'cells']);
  const t = aobject('descriptor.tickets', o['tickets']);
  akeys('descriptor.tickets', t, ['price', 'dt', 'graceHours', 'keys']);
  const price = apositive('descriptor.tickets.price', t['price']);
  return {
    version: 1,
    name,
    fingerprint,
    published: anonNegativeInt('descriptor.published', o['published']),
    endpoints: {
      ws: aurl('descriptor.endpoints.ws', ep['ws'], ['ws', 'wss']),
      stratum: aurl('descriptor.endpoints.stratum', ep['stratum'], ['stratum+tcp'], true),
      http: aurl('descriptor.endpoints.http', ep['http'], ['http', 'https']),
      ...(ep['cells'] === undefined ? {} : { cells: aurl('descriptor.endpoints.cells', ep['cells'], ['cells+tcp']) }),
    },
    algorithms: decodeAlgorithms(o['algorithms'], ep['cells'] !== undefined, price),
    tickets: {
      price,
      dt: apositive('descriptor.tickets.dt', t['dt']),
      graceHours: apositive('descriptor.tickets.graceHours', t['graceHours']),
      keys: aarray('descriptor.tickets.keys', t['keys'], MAX_KEYS).map((k, i) => decodeKey(`descriptor.tickets.keys[${i}]`, k)),
    },
    partners: aarray('descriptor.partners', o['partners'], MAX_PARTNERS).map((p, i) => aurl(`descriptor.partners[${i}]`, p, ['http', 'https'])),
    descriptorKey: abase64url('descriptor.descriptorKey', o['descriptorKey'], 32),
    signature: abase64url('descriptor.signature', o['signature'], 64),
  };
}

/** JSON with object keys sorted and no whitespace (arrays keep their order). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return '[' + value.map(canonicalJson).join(',') + ']';
  if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, unknown>;
    return '{' + Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => JSON.stringify(k) + ':' + canonicalJson(o[k])).join(',') + '}';
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new InputError('descriptor', 'non-finite number');
  return JSON.stringify(value);
}

function signedBytes(body: DescriptorBody): Uint8Array {
  const { version, name, fingerprint, published, endpoints, algorithms, tickets, partners, descriptorKey } = body;
  return new TextEncoder().encode(DOMAIN + canonicalJson({ version, name, fingerprint, published, endpoints, algorithms, tickets, partners, descriptorKey }));
}

/** Signs a descriptor body with the Ed25519 descriptor secret key (32 bytes); sets descriptorKey from it. */
export function signDescriptor(body: Omit<DescriptorBody, 'descriptorKey'>, secretKey: Uint8Array): Descriptor {
  const descriptorKey = bytesToBase64url(ed25519.getPublicKey(secretKey));
  const full: DescriptorBody = { ...body, descriptorKey };
  decodeDescriptor({ ...full, signature: bytesToBase64url(new Uint8Array(64)) });
  return { ...full, signature: bytesToBase64url(ed25519.sign(signedBytes(full), secretKey)) };
}

/**
 * True when `doc` (a parsed JSON value) is a well-formed descriptor with a valid signature by its
 * descriptorKey — and, when `expectedKey` (base64url) is given, that key is the one pinned.
 * Never throws.
 */
export function verifyDescriptor(doc: unknown, expectedKey?: string): boolean {
  try {
    const d = decodeDescriptor(doc);
    if (expectedKey !== undefined && d.descriptorKey !== expectedKey) return false;
    return ed25519.verify(base64urlToBytes('signature', d.signature), signedBytes(d), base64urlToBytes('descriptorKey', d.descriptorKey));
  } catch {
    return false;
  }
}
