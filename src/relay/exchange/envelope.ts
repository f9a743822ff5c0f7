import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { abytes, bytesToHex, hexToBytes } from '../../core/util/bytes.js';
import { InputError } from '../../core/util/errors.js';

/**
 * The authenticated envelope of a Protocol 2 exchange between partner relays. Each relay has an
 * Ed25519 exchange key; each pins its partners' public keys in its config.
 *
 * Request headers:
 *   Workpass-Exchange-From: <sender public key, 64 hex>
 *   Workpass-Exchange-Seq: <decimal, strictly increasing per (sender, receiver); see Ledger.nextOutSeq>
 *   Workpass-Exchange-Time: <unix seconds>
 *   Workpass-Exchange-Signature: <128 hex> = Ed25519 over
 *     "workpass-exchange-v1 request\n" from "\n" to "\n" seq "\n" time "\n" hex(SHA-256(body))
 * Response header:
 *   Workpass-Exchange-Signature: <128 hex> = Ed25519 (by the receiver) over
 *     "workpass-exchange-v1 response\n" <request signature hex> "\n" status "\n" hex(SHA-256(body))
 * so a response cannot be replayed onto another request. The receiver refuses a seq not greater
 * than the last it accepted from that sender, and a time more than MAX_SKEW_SECONDS off its clock.
 */
export const HEADER_FROM = 'workpass-exchange-from';
export const HEADER_SEQ = 'workpass-exchange-seq';
export const HEADER_TIME = 'workpass-exchange-time';
export const HEADER_SIGNATURE = 'workpass-exchange-signature';
export const MAX_SKEW_SECONDS = 300;

const encoder = new TextEncoder();
const KEY_RE = /^[0-9a-f]{64}$/;
const SIG_RE = /^[0-9a-f]{128}$/;
const DECIMAL_RE = /^(?:0|[1-9][0-9]{0,15})$/;

export interface RequestAuth {
  readonly from: string;
  readonly seq: number;
  readonly time: number;
  readonly signature: string;
}

function requestMessage(from: string, to: string, seq: number, time: number, body: Uint8Array): Uint8Array {
  return encoder.encode(`workpass-exchange-v1 request\n${from}\n${to}\n${seq}\n${time}\n${bytesToHex(sha256(body))}`);
}

function responseMessage(requestSignature: string, status: number, body: Uint8Array): Uint8Array {
  return encoder.encode(`workpass-exchange-v1 response\n${requestSignature}\n${status}\n${bytesToHex(sha256(body))}`);
}

function publicKeyHex(name: string, v: unknown): string {
  if (typeof v !== 'string' || !KEY_RE.test(v)) throw new InputError(name, 'expected a 64-hex-digit Ed25519 public key');
  return v;
}

/** An Ed25519 exchange identity. */
export class ExchangeKey {
  readonly #secret: Uint8Array;
  readonly publicKey: string;

  constructor(secretKey: Uint8Array) {
    abytes('secretKey', secretKey, 32);
    this.#secret = secretKey.slice();
    this.publicKey = bytesToHex(ed25519.getPublicKey(this.#secret));
  }

  signRequest(to: string, seq: number, time: number, body: Uint8Array): RequestAuth {
    publicKeyHex('to', to);
    if (!Number.isSafeInteger(seq) || seq < 1) throw new InputError('seq', 'expected a positive integer');
    if (!Number.isSafeInteger(time) || time < 0) throw new InputError('time', 'expected unix seconds');
    const signature = bytesToHex(ed25519.sign(requestMessage(this.publicKey, to, seq, time, body), this.#secret));
    return { from: this.publicKey, seq, time, signature };
  }

  signResponse(requestSignature: string, status: number, body: Uint8Array): string {
    if (!SIG_RE.test(requestSignature)) throw new InputError('requestSignature', 'expected 128 hex digits');
    return bytesToHex(ed25519.sign(responseMessage(requestSignature, status, body), this.#secret));
  }
}

function verifySig(signatureHex: string, message: Uint8Array, publicKey: string): boolean {
  try {
    return ed25519.verify(hexToBytes('signature', signatureHex, 64), message, hexToBytes('publicKey', publicKey, 32), { zip215: false });
  } catch {
    return false;
  }
}

/**
 * Reads the request headers into RequestAuth; null when absent or malformed.
 * (Whether the sender is a partner, the seq fresh and the signature good is checked by verifyRequest.)
 */
export function readRequestAuth(headers: Record<string, string | string[] | undefined>): RequestAuth | null {
  const from = headers[HEADER_FROM];
  const seq = headers[HEADER_SEQ];
  const time = headers[HEADER_TIME];
  const signature = headers[HEADER_SIGNATURE];
  if (typeof from !== 'string' || !KEY_RE.test(from)) return null;
  if (typeof seq !== 'string' || !DECIMAL_RE.test(seq)) return null;
  if (typeof time !== 'string' || !DECIMAL_RE.test(time)) return null;
  if (typeof signature !== 'string' || !SIG_RE.test(signature)) return null;
  const seqN = Number(seq);
  if (!Number.isSafeInteger(seqN) || seqN < 1) return null;
  return { from, seq: seqN, time: Number(time), signature };
}

/** Checks a request's signature and clock skew (not the seq, which needs the store). */
export function verifyRequest(auth: RequestAuth, to: string, body: Uint8Array, now: number): boolean {
  if (Math.abs(auth.time - now) > MAX_SKEW_SECONDS) return false;
  return verifySig(auth.signature, requestMessage(auth.from, to, auth.seq, auth.time, body), auth.from);
}

/** Checks a response's signature by the pinned partner key `from`. Never throws. */
export function verifyResponse(signature: unknown, from: string, requestSignature: string, status: number, body: Uint8Array): boolean {
  if (typeof signature !== 'string' || !SIG_RE.test(signature) || !KEY_RE.test(from)) return false;
  return verifySig(signature, responseMessage(requestSignature, status, body), from);
}
