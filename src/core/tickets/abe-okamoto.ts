import { abytes, bytesToHex, equalBytes } from '../util/bytes.js';
import { InputError } from '../util/errors.js';
import { G, ORDER, Point, mod, mulPublic, mulSecret, randomScalar, type RandomBytes } from './group.js';
import { F, challengeHash } from './hashes.js';
import { PublicKey, SigningKey } from './keys.js';
import { decodeSignature, type Challenge, type Commitment, type Response, type Signature } from './messages.js';

/**
 * Abe–Okamoto partially blind WI-Schnorr signatures (paper, Appendix B, Protocol B.1) over
 * ristretto255. Notation follows the paper: signer key x, y = g^x, z = F(info).
 *
 * Differences from the paper's text: the challenge hash also takes y (see hashes.ts), and β is
 * b·g^t3·z^t4 — the paper prints y^t4, which would not verify (g^σ z^δ = b g^t3 z^t4).
 */

/** The signer's secret per-session state (u, s, d). Single use: respond erases it. */
export class SignerState {
  #secrets: { u: bigint; s: bigint; d: bigint } | null;
  constructor(
    readonly keyId: Uint8Array,
    readonly info: Uint8Array,
    readonly commitment: Commitment,
    u: bigint,
    s: bigint,
    d: bigint,
  ) {
    this.#secrets = { u, s, d };
  }

  get consumed(): boolean {
    return this.#secrets === null;
  }

  /** (u, s, d) for persistence by the session layer; throws once consumed. */
  exportSecrets(): { u: bigint; s: bigint; d: bigint } {
    if (this.#secrets === null) throw new InputError('state', 'session already answered; (u, s, d) were erased');
    return { ...this.#secrets };
  }

  /** Returns (u, s, d) and erases them, so no second challenge can ever be answered. */
  take(): { u: bigint; s: bigint; d: bigint } {
    const s = this.exportSecrets();
    this.#secrets = null;
    return s;
  }
}

function ainfo(info: unknown): Uint8Array {
  return abytes('info', info);
}

function akey(key: unknown): SigningKey {
  if (!(key instanceof SigningKey)) throw new InputError('key', 'expected a SigningKey');
  return key;
}

function commitFor(key: SigningKey, info: Uint8Array, u: bigint, s: bigint, d: bigint): SignerState {
  const { z } = F(info);
  // Step 1: a = g^u, b = g^s z^d, all with the constant-shape multiplication: u stays secret
  // forever (r = u - cx would reveal x), and s, d must stay hidden until the challenge is fixed.
  const a = mulSecret(G, u);
  const b = mulSecret(G, s).add(mulSecret(z, d));
  if (a.is0() || b.is0()) throw new Error('degenerate commitment (identity); draw new randomness');
  return new SignerState(key.keyId, info.slice(), { a, b }, u, s, d);
}

/** Signer step 1: u, s, d ∈R Z_ℓ, z = F(info), a = g^u, b = g^s z^d; sends (a, b). */
export function signerCommit(key: SigningKey, info: Uint8Array, rand: RandomBytes): { state: SignerState; commitment: Commitment } {
  akey(key);
  const i = ainfo(info);
  const state = commitFor(key, i, randomScalar(rand), randomScalar(rand), randomScalar(rand));
  return { state, commitment: state.commitment };
}

/** Rebuilds a stored session state (the daemon persisted u, s, d); recomputes (a, b). */
export function signerRestore(key: SigningKey, info: Uint8Array, secrets: { u: bigint; s: bigint; d: bigint }): SignerState {
  akey(key);
  const { u, s, d } = secrets;
  for (const [n, v] of [['u', u], ['s', s], ['d', d]] as const) {
    if (typeof v !== 'bigint' || v <= 0n || v >= ORDER) throw new InputError(n, 'expected a scalar in [1, ℓ)');
  }
  return commitFor(key, ainfo(info), u, s, d);
}

/**
 * Signer step 3: c = e − d, r = u − cx; returns (r, c, s, d). Erases (u, s, d) first, so a
 * state answers exactly one challenge. Before releasing, checks the user's equations
 * g^r y^c = a and g^s z^d = b, so a fault never leaks a bad response.
 */
export function signerRespond(key: SigningKey, state: SignerState, challenge: Challenge): Response {
  akey(key);
  if (!(state instanceof SignerState)) throw new InputError('state', 'expected a SignerState');
  if (!equalBytes(state.keyId, key.keyId)) throw new InputError('key', 'not the key that made this commitment');
  const e = challenge?.e;
  if (typeof e !== 'bigint' || e < 0n || e >= ORDER) throw new InputError('challenge', 'expected a scalar in [0, ℓ)');
  const { u, s, d } = state.take();
  const c = mod(e - d);
  const r = mod(u - c * key.secret);
  const y = key.publicKey.point;
  const { z } = F(state.info);
  const { a, b } = state.commitment;
  if (!mulPublic(G, r).add(mulPublic(y, c)).equals(a) || !mulPublic(G, s).add(mulPublic(z, d)).equals(b)) {
    throw new Error('signer self-check failed: response does not satisfy g^r y^c = a, g^s z^d = b');
  }
  return { r, c, s, d };
}

/** The user's blinding state between blind and unblind. */
export interface UserState {
  readonly publicKey: PublicKey;
  readonly info: Uint8Array;
  readonly msg: Uint8Array;
  readonly e: bigint;
  readonly t: readonly [bigint, bigint, bigint, bigint];
}

/**
 * User step 2: t1..t4 ∈R Z_ℓ, α = a g^t1 y^t2, β = b g^t3 z^t4, ε = H(y ‖ α ‖ β ‖ z ‖ msg),
 * e = ε − t2 − t4; sends e. t1..t4 are what unlink the ticket from this session, so they are
 * multiplied with the constant-shape multiplication.
 */
export function userBlind(
  publicKey: PublicKey,
  info: Uint8Array,
  msg: Uint8Array,
  commitment: Commitment,
  rand: RandomBytes,
): { challenge: Challenge; state: UserState } {
  if (!(publicKey instanceof PublicKey)) throw new InputError('publicKey', 'expected a PublicKey');
  const i = ainfo(info);
  const m = abytes('msg', msg);
  const { a, b } = commitment ?? {};
  if (!(a instanceof Point) || !(b instanceof Point)) throw new InputError('commitment', 'expected points a and b');
  if (a.is0() || b.is0()) throw new InputError('commitment', 'identity element not allowed');
  const t = [randomScalar(rand), randomScalar(rand), randomScalar(rand), randomScalar(rand)] as const;
  const y = publicKey.point;
  const { z, zBytes } = F(i);
  const alpha = a.add(mulSecret(G, t[0])).add(mulSecret(y, t[1]));
  const beta = b.add(mulSecret(G, t[2])).add(mulSecret(z, t[3]));
  const eps = challengeHash(publicKey.bytes, alpha.toBytes(), beta.toBytes(), zBytes, m);
  const e = mod(eps - t[1] - t[3]);
  return { challenge: { e }, state: { publicKey, info: i.slice(), msg: m.slice(), e, t } };
}

/**
 * User step 4: ρ = r + t1, ω = c + t2, σ = s + t3, δ = d + t4, then checks
 * ω + δ = H(y ‖ g^ρ y^ω ‖ g^σ z^δ ‖ z ‖ msg). Throws InputError if the response is bad.
 */
export function userUnblind(state: UserState, response: Response): Signature {
  const { r, c, s, d } = response ?? {};
  for (const [n, v] of [['r', r], ['c', c], ['s', s], ['d', d]] as const) {
    if (typeof v !== 'bigint' || v < 0n || v >= ORDER) throw new InputError(`response.${n}`, 'expected a scalar in [0, ℓ)');
  }
  if (mod(c! + d!) !== state.e) throw new InputError('response', 'c + d does not equal the challenge e');
  const [t1, t2, t3, t4] = state.t;
  const sig: Signature = { rho: mod(r! + t1), omega: mod(c! + t2), sigma: mod(s! + t3), delta: mod(d! + t4) };
  if (!verify(state.publicKey, state.info, state.msg, sig)) throw new InputError('response', 'does not yield a valid signature');
  return sig;
}

/** Raw public keys given to verify() are decoded once (a small cache). */
const PK_CACHE_SIZE = 4;
const pkCache = new Map<string, PublicKey>();

function cachedPublicKey(bytes: Uint8Array): PublicKey {
  const k = bytesToHex(bytes);
  const hit = pkCache.get(k);
  if (hit !== undefined) return hit;
  const key = PublicKey.fromBytes(bytes, 'publicKey');
  pkCache.set(k, key);
  if (pkCache.size > PK_CACHE_SIZE) pkCache.delete(pkCache.keys().next().value as string);
  return key;
}

function combine(base1: Point, k1: bigint, base2: Point, k2: bigint): Point {
  return mulPublic(base1, k1).add(mulPublic(base2, k2));
}

/**
 * Verification: ω + δ ≡ H(y ‖ g^ρ y^ω ‖ g^σ z^δ ‖ z ‖ msg) (mod ℓ), z = F(info).
 * Returns false (never throws) for any malformed argument.
 */
export function verify(publicKey: PublicKey | Uint8Array, info: Uint8Array, msg: Uint8Array, signature: Signature | Uint8Array): boolean {
  try {
    const pk = publicKey instanceof PublicKey ? publicKey : cachedPublicKey(abytes('publicKey', publicKey, 32));
    if (!(info instanceof Uint8Array) || !(msg instanceof Uint8Array)) return false;
    const sig = signature instanceof Uint8Array ? decodeSignature(signature) : signature;
    const { rho, omega, sigma, delta } = sig;
    for (const v of [rho, omega, sigma, delta]) if (typeof v !== 'bigint' || v < 0n || v >= ORDER) return false;
    const { z, zBytes } = F(info);
    const alpha = combine(G, rho, pk.point, omega);
    const beta = combine(G, sigma, z, delta);
    return mod(omega + delta) === challengeHash(pk.bytes, alpha.toBytes(), beta.toBytes(), zBytes, msg);
  } catch {
    return false;
  }
}
