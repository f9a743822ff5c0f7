import { abytes, base64urlToBytes, bytesToBase64url, bytesToHex, equalBytes, hexToBytes } from '../util/bytes.js';
import { InputError } from '../util/errors.js';
import { parseDay, startOfDay, DAY_MS, type Day } from './day.js';
import { G, decodePoint, decodeScalar, encodeScalar, mulSecret, randomScalar, withTable, type Point, type RandomBytes } from './group.js';
import { TAG_KEY_ID, taggedHash } from './hashes.js';

/**
 * Relay ticket keys. They are generated for tickets only and are never a Tor identity or onion key.
 *   secret key  x: a scalar in [1, ℓ), 32 bytes little-endian
 *   public key  y = g^x: 32-byte ristretto255 encoding, never the identity
 *   key id      TH("workpass-v1/key-id", y), 32 bytes
 */
export const KEY_ID_BYTES = 32;

export function keyIdOf(publicKeyBytes: Uint8Array): Uint8Array {
  return taggedHash(TAG_KEY_ID, abytes('public key', publicKeyBytes, 32));
}

export class PublicKey {
  readonly keyId: Uint8Array;
  private constructor(
    /** y, marked as a fixed base (see group.ts). */
    readonly point: Point,
    readonly bytes: Uint8Array,
  ) {
    this.keyId = keyIdOf(bytes);
  }

  /**
   * Decodes a public key; rejects non-canonical encodings and the identity. y is a fixed base:
   * keep the PublicKey object to reuse its table.
   */
  static fromBytes(bytes: unknown, name = 'public key'): PublicKey {
    const point = decodePoint(name, bytes, { nonIdentity: true });
    return new PublicKey(withTable(point), (bytes as Uint8Array).slice());
  }

  static fromText(text: unknown, name = 'public key'): PublicKey {
    return PublicKey.fromBytes(base64urlToBytes(name, text), name);
  }

  /** @internal for SigningKey, which has just computed y = g^x. */
  static fromPoint(point: Point): PublicKey {
    if (point.is0()) throw new InputError('public key', 'identity element not allowed');
    return new PublicKey(withTable(point), point.toBytes());
  }

  toText(): string {
    return bytesToBase64url(this.bytes);
  }

  keyIdHex(): string {
    return bytesToHex(this.keyId);
  }

  equals(other: PublicKey): boolean {
    return equalBytes(this.bytes, other.bytes);
  }
}

export class SigningKey {
  readonly publicKey: PublicKey;
  private constructor(
    /** x. */
    readonly secret: bigint,
  ) {
    this.publicKey = PublicKey.fromPoint(mulSecret(G, secret));
  }

  static generate(rand: RandomBytes): SigningKey {
    return new SigningKey(randomScalar(rand));
  }

  static fromBytes(bytes: unknown, name = 'secret key'): SigningKey {
    const x = decodeScalar(name, bytes);
    if (x === 0n) throw new InputError(name, 'zero secret key');
    return new SigningKey(x);
  }

  static fromText(text: unknown, name = 'secret key'): SigningKey {
    return SigningKey.fromBytes(base64urlToBytes(name, text), name);
  }

  get keyId(): Uint8Array {
    return this.publicKey.keyId;
  }

  toBytes(): Uint8Array {
    return encodeScalar(this.secret);
  }

  toText(): string {
    return bytesToBase64url(this.toBytes());
  }
}

/** JSON form of a key pair: {"version":1,"keyId":hex,"public":b64url,"secret":b64url}. */
export interface KeyPairJson {
  version: 1;
  keyId: string;
  public: string;
  secret: string;
}

export function encodeKeyPair(key: SigningKey): KeyPairJson {
  return { version: 1, keyId: key.publicKey.keyIdHex(), public: key.publicKey.toText(), secret: key.toText() };
}

/** Decodes a key pair and checks that public = g^secret and keyId = TH(key-id, public). */
export function decodeKeyPair(json: unknown): SigningKey {
  if (typeof json !== 'object' || json === null) throw new InputError('key pair', 'expected an object');
  const o = json as Record<string, unknown>;
  if (o.version !== 1) throw new InputError('key pair.version', 'expected 1');
  const key = SigningKey.fromText(o.secret, 'key pair.secret');
  if (!key.publicKey.equals(PublicKey.fromText(o.public, 'key pair.public'))) {
    throw new InputError('key pair.public', 'does not match the secret key');
  }
  if (!equalBytes(hexToBytes('key pair.keyId', o.keyId, KEY_ID_BYTES), key.keyId)) {
    throw new InputError('key pair.keyId', 'does not match the public key');
  }
  return key;
}

/** How long tickets stay spendable after their day ends (default 48 h). */
export const DEFAULT_GRACE_MS = 48 * 3_600_000;

/** The moment a ticket of `day` stops being spendable: end of `day` + grace. */
export function ticketExpiresAt(day: Day, graceMs = DEFAULT_GRACE_MS): number {
  if (!Number.isInteger(graceMs) || graceMs < 0) throw new InputError('graceMs', 'expected a non-negative integer');
  return startOfDay(day) + DAY_MS + graceMs;
}

/** A key known to a keyring and the days on which it signed (lastDay null: still signing). */
export interface KeyEntry {
  readonly publicKey: PublicKey;
  readonly firstDay: Day;
  readonly lastDay: Day | null;
}

/** What a ticket verifier needs: the key with this id, if it signed on `day`. */
export interface KeyLookup {
  lookup(keyId: Uint8Array, day: Day): PublicKey | undefined;
}

/** Serialized keyring. Only the current key's secret is kept; retired keys are public only. */
export interface KeyringJson {
  version: 1;
  current: { secret: string; firstDay: Day } | null;
  retired: Array<{ public: string; firstDay: Day; lastDay: Day }>;
}

/**
 * A relay's ticket keys: at most one current signing key plus retired public keys, which stay
 * verifiable until the last ticket they signed has expired (`prune`). A gateway that only
 * verifies holds retired/public entries only (`addPublic`).
 */
export class Keyring implements KeyLookup {
  private currentKey: { key: SigningKey; firstDay: Day } | null = null;
  private readonly retired = new Map<string, { publicKey: PublicKey; firstDay: Day; lastDay: Day }>();

  constructor(readonly graceMs = DEFAULT_GRACE_MS) {
    ticketExpiresAt('1970-01-01', graceMs);
  }

  /** The key that signs today's tickets; throws if there is none. */
  current(): SigningKey {
    if (this.currentKey === null) throw new InputError('keyring', 'no current signing key');
    return this.currentKey.key;
  }

  hasCurrent(): boolean {
    return this.currentKey !== null;
  }

  /**
   * Makes `key` the signing key from `today`. The previous key retires with lastDay = today
   * (it may have signed tickets earlier today); its secret is dropped.
   */
  rotate(key: SigningKey, today: Day): void {
    parseDay('today', today);
    if (!(key instanceof SigningKey)) throw new InputError('key', 'expected a SigningKey');
    const id = key.publicKey.keyIdHex();
    if (this.retired.has(id) || (this.currentKey !== null && this.currentKey.key.publicKey.keyIdHex() === id)) {
      throw new InputError('key', 'this key is already in the keyring');
    }
    if (this.currentKey !== null) {
      if (today < this.currentKey.firstDay) throw new InputError('today', 'before the current key started');
      const old = this.currentKey;
      this.retired.set(old.key.publicKey.keyIdHex(), { publicKey: old.key.publicKey, firstDay: old.firstDay, lastDay: today });
    }
    this.currentKey = { key, firstDay: today };
  }

  /** Adds another relay's (or an old) public key, valid for tickets of days firstDay..lastDay. */
  addPublic(publicKey: PublicKey, firstDay: Day, lastDay: Day): void {
    if (!(publicKey instanceof PublicKey)) throw new InputError('publicKey', 'expected a PublicKey');
    if (parseDay('lastDay', lastDay) < parseDay('firstDay', firstDay)) throw new InputError('lastDay', 'before firstDay');
    const id = publicKey.keyIdHex();
    if (this.retired.has(id) || this.currentKey?.key.publicKey.keyIdHex() === id) throw new InputError('publicKey', 'already in the keyring');
    this.retired.set(id, { publicKey, firstDay, lastDay });
  }

  lookup(keyId: Uint8Array, day: Day): PublicKey | undefined {
    const id = bytesToHex(keyId);
    const cur = this.currentKey;
    if (cur !== null && cur.key.publicKey.keyIdHex() === id) return day >= cur.firstDay ? cur.key.publicKey : undefined;
    const e = this.retired.get(id);
    return e !== undefined && day >= e.firstDay && day <= e.lastDay ? e.publicKey : undefined;
  }

  entries(): KeyEntry[] {
    const out: KeyEntry[] = [];
    if (this.currentKey !== null) out.push({ publicKey: this.currentKey.key.publicKey, firstDay: this.currentKey.firstDay, lastDay: null });
    for (const e of this.retired.values()) out.push(e);
    return out;
  }

  /** Drops retired keys whose last tickets have expired by `now`; returns their key ids (hex). */
  prune(now: number): string[] {
    const dropped: string[] = [];
    for (const [id, e] of this.retired) {
      if (ticketExpiresAt(e.lastDay, this.graceMs) <= now) {
        this.retired.delete(id);
        dropped.push(id);
      }
    }
    return dropped;
  }

  toJSON(): KeyringJson {
    return {
      version: 1,
      current: this.currentKey === null ? null : { secret: this.currentKey.key.toText(), firstDay: this.currentKey.firstDay },
      retired: [...this.retired.values()].map((e) => ({ public: e.publicKey.toText(), firstDay: e.firstDay, lastDay: e.lastDay })),
    };
  }

  static fromJSON(json: unknown, graceMs = DEFAULT_GRACE_MS): Keyring {
    if (typeof json !== 'object' || json === null) throw new InputError('keyring', 'expected an object');
    const o = json as Record<string, unknown>;
    if (o.version !== 1) throw new InputError('keyring.version', 'expected 1');
    if (!Array.isArray(o.retired)) throw new InputError('keyring.retired', 'expected an array');
    const ring = new Keyring(graceMs);
    o.retired.forEach((r: unknown, i) => {
      const e = (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
      ring.addPublic(PublicKey.fromText(e.public, `keyring.retired[${i}].public`), parseDay(`keyring.retired[${i}].firstDay`, e.firstDay), parseDay(`keyring.retired[${i}].lastDay`, e.lastDay));
    });
    if (o.current !== null) {
      const c = (typeof o.current === 'object' && o.current !== undefined ? o.current : {}) as Record<string, unknown>;
      const key = SigningKey.fromText(c.secret, 'keyring.current.secret');
      const firstDay = parseDay('keyring.current.firstDay', c.firstDay);
      if (ring.retired.has(key.publicKey.keyIdHex())) throw new InputError('keyring.current', 'also listed as retired');
      ring.currentKey = { key, firstDay };
    }
    return ring;
  }
}

