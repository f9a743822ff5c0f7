import { sha256 } from '@noble/hashes/sha2.js';
import { abytes } from '../util/bytes.js';
import { InputError } from '../util/errors.js';

/**
 * Base58 and Base58Check, the encoding of Bitcoin's legacy addresses (and of Litecoin's and Dash's):
 * the payload read as one big-endian number written in the 58-character alphabet below, each leading
 * zero byte as a leading '1'. Base58Check appends the first 4 bytes of SHA-256(SHA-256(payload)).
 */
const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const DIGIT = new Map([...ALPHABET].map((c, i) => [c, i]));

/** Decoding is quadratic in the length: a bound keeps hostile input cheap (an address is ~35 characters). */
export const MAX_BASE58_CHARS = 1024;
const CHECKSUM_BYTES = 4;

export function encodeBase58(bytes: Uint8Array): string {
  abytes('bytes', bytes);
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  // Base-58 digits, least significant first: repeated multiply-and-add of each input byte.
  const digits: number[] = [];
  for (let i = zeros; i < bytes.length; i++) {
    let carry = bytes[i]!;
    for (let j = 0; j < digits.length; j++) {
      carry += digits[j]! << 8;
      digits[j] = carry % 58;
      carry = Math.floor(carry / 58);
    }
    while (carry > 0) {
      digits.push(carry % 58);
      carry = Math.floor(carry / 58);
    }
  }
  let out = '1'.repeat(zeros);
  for (let j = digits.length - 1; j >= 0; j--) out += ALPHABET[digits[j]!];
  return out;
}

export function decodeBase58(text: unknown, name = 'text'): Uint8Array {
  if (typeof text !== 'string') throw new InputError(name, 'expected a Base58 string');
  if (text.length > MAX_BASE58_CHARS) throw new InputError(name, `longer than ${MAX_BASE58_CHARS} characters`);
  let zeros = 0;
  while (zeros < text.length && text[zeros] === '1') zeros++;
  // Bytes, least significant first: repeated multiply-by-58-and-add of each digit.
  const bytes: number[] = [];
  for (let i = zeros; i < text.length; i++) {
    const digit = DIGIT.get(text[i]!);
    if (digit === undefined) throw new InputError(name, `'${printable(text[i]!)}' at position ${i} is not a Base58 character`);
    let carry = digit;
    for (let j = 0; j < bytes.length; j++) {
      carry += bytes[j]! * 58;
      bytes[j] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  const out = new Uint8Array(zeros + bytes.length);
  for (let j = 0; j < bytes.length; j++) out[out.length - 1 - j] = bytes[j]!;
  return out;
}

function checksum(payload: Uint8Array): Uint8Array {
  return sha256(sha256(payload)).subarray(0, CHECKSUM_BYTES);
}

export function encodeBase58Check(payload: Uint8Array): string {
  abytes('payload', payload);
  const full = new Uint8Array(payload.length + CHECKSUM_BYTES);
  full.set(payload);
  full.set(checksum(payload), payload.length);
  return encodeBase58(full);
}

/** The payload (version byte included) of a Base58Check string whose checksum matches. */
export function decodeBase58Check(text: unknown, name = 'text'): Uint8Array {
  const full = decodeBase58(text, name);
  if (full.length < CHECKSUM_BYTES + 1) throw new InputError(name, 'too short for Base58Check (payload and 4-byte checksum)');
  const payload = full.subarray(0, full.length - CHECKSUM_BYTES);
  const expected = checksum(payload);
  for (let i = 0; i < CHECKSUM_BYTES; i++) {
    if (full[payload.length + i] !== expected[i]) throw new InputError(name, 'Base58Check checksum mismatch (a typo, or not a Base58Check string)');
  }
  return payload.slice();
}

/** A character as it can be shown in an error message (control and non-ASCII characters as \u escapes). */
function printable(c: string): string {
  const code = c.charCodeAt(0);
  return code >= 0x21 && code <= 0x7e ? c : `\\u${code.toString(16).padStart(4, '0')}`;
}
