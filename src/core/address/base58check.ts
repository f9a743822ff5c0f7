import { sha256 } from '@noble/hashes/sha2.js';
import { base58, createBase58check } from '@scure/base';
import { abytes } from '../util/bytes.js';
import { InputError } from '../util/errors.js';

/**
 * Base58 and Base58Check, the encoding of Bitcoin's legacy addresses (and of Litecoin's and Dash's):
 * the payload read as one big-endian number written in the 58-character alphabet below, each leading
 * zero byte as a leading '1'. Base58Check appends the first 4 bytes of SHA-256(SHA-256(payload)).
 * The arithmetic is @scure/base's; here are the input checks and typed errors around it.
 */
const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const check = createBase58check(sha256);

/** Decoding is quadratic in the length: a bound keeps hostile input cheap (an address is ~35 characters). */
export const MAX_BASE58_CHARS = 1024;
const CHECKSUM_BYTES = 4;

export function encodeBase58(bytes: Uint8Array): string {
  abytes('bytes', bytes);
  return base58.encode(bytes);
}

export function decodeBase58(text: unknown, name = 'text'): Uint8Array {
  if (typeof text !== 'string') throw new InputError(name, 'expected a Base58 string');
  if (text.length > MAX_BASE58_CHARS) throw new InputError(name, `longer than ${MAX_BASE58_CHARS} characters`);
  // Checked here, before the library sees it, so the error names the character and its place.
  for (let i = 0; i < text.length; i++) {
    if (!ALPHABET.includes(text[i]!)) throw new InputError(name, `'${printable(text[i]!)}' at position ${i} is not a Base58 character`);
  }
  return base58.decode(text);
}

export function encodeBase58Check(payload: Uint8Array): string {
  abytes('payload', payload);
  return check.encode(payload);
}

/** The payload (version byte included) of a Base58Check string whose checksum matches. */
export function decodeBase58Check(text: unknown, name = 'text'): Uint8Array {
  const full = decodeBase58(text, name);
  if (full.length < CHECKSUM_BYTES + 1) throw new InputError(name, 'too short for Base58Check (payload and 4-byte checksum)');
  try {
    return check.decode(text as string);
  } catch {
    throw new InputError(name, 'Base58Check checksum mismatch (a typo, or not a Base58Check string)');
  }
}

/** A character as it can be shown in an error message (control and non-ASCII characters as \u escapes). */
function printable(c: string): string {
  const code = c.charCodeAt(0);
  return code >= 0x21 && code <= 0x7e ? c : `\\u${code.toString(16).padStart(4, '0')}`;
}
