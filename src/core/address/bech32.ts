import { bech32, bech32m } from '@scure/base';
import { abytes } from '../util/bytes.js';
import { InputError } from '../util/errors.js';

/**
 * Bech32 (BIP 173) and Bech32m (BIP 350) strings, and the segwit addresses written in them.
 *
 * A string is hrp ‖ '1' ‖ data, at most 90 characters: the human-readable part is 1..83 US-ASCII
 * characters in [33, 126], the data part 5-bit values in the 32-character set below, its last six a
 * BCH checksum over hrp and data. The two standards differ only in the constant the checksum ends
 * on: 1 for Bech32, 0x2bc830a3 for Bech32m. Mixed case is refused; the checksum is over lowercase.
 * The checksum and bit regrouping are @scure/base's; the input checks, typed errors and the segwit
 * rules (BIP 173 and 350) are here.
 */
export type Bech32Encoding = 'bech32' | 'bech32m';

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const CODERS = { bech32, bech32m } as const;
const CHECKSUM_CHARS = 6;
export const MAX_BECH32_CHARS = 90;

export interface Bech32String {
  /** Lowercase human-readable part. */
  readonly hrp: string;
  /** The data part's 5-bit values, checksum removed. */
  readonly words: Uint8Array;
  readonly encoding: Bech32Encoding;
}

function printable(c: string): string {
  const code = c.charCodeAt(0);
  return code >= 0x21 && code <= 0x7e ? c : `\\u${code.toString(16).padStart(4, '0')}`;
}

export function decodeBech32(text: unknown, name = 'text'): Bech32String {
  if (typeof text !== 'string') throw new InputError(name, 'expected a Bech32 string');
  if (text.length > MAX_BECH32_CHARS) throw new InputError(name, `longer than ${MAX_BECH32_CHARS} characters (BIP 173)`);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 33 || code > 126) throw new InputError(name, `character '${printable(text[i]!)}' at position ${i} is outside US-ASCII 33..126`);
  }
  const lower = text.toLowerCase();
  if (text !== lower && text !== text.toUpperCase()) throw new InputError(name, 'mixes upper and lower case (BIP 173 forbids it)');
  const sep = lower.lastIndexOf('1');
  if (sep === -1) throw new InputError(name, "no separator '1'");
  if (sep === 0) throw new InputError(name, 'empty human-readable part');
  if (lower.length - sep - 1 < CHECKSUM_CHARS) throw new InputError(name, `data part shorter than the ${CHECKSUM_CHARS}-character checksum`);
  const hrp = lower.slice(0, sep);
  for (let i = sep + 1; i < lower.length; i++) {
    if (!CHARSET.includes(lower[i]!)) throw new InputError(name, `'${text[i]}' at position ${i} is not a Bech32 data character`);
  }
  for (const encoding of ['bech32', 'bech32m'] as const) {
    const decoded = CODERS[encoding].decodeUnsafe(lower, MAX_BECH32_CHARS);
    if (decoded) return { hrp, words: Uint8Array.from(decoded.words), encoding };
  }
  throw new InputError(name, 'checksum mismatch (neither Bech32 nor Bech32m): a typo?');
}

export function encodeBech32(hrp: string, words: Uint8Array, encoding: Bech32Encoding): string {
  if (typeof hrp !== 'string' || hrp.length < 1 || hrp.length > 83 || ![...hrp].every((c) => c.charCodeAt(0) >= 33 && c.charCodeAt(0) <= 126)) {
    throw new InputError('hrp', 'expected 1..83 US-ASCII characters in 33..126');
  }
  if (hrp !== hrp.toLowerCase()) throw new InputError('hrp', 'expected lowercase (encoders output lowercase, BIP 173)');
  abytes('words', words);
  if (words.some((w) => w > 31)) throw new InputError('words', 'expected 5-bit values');
  if (encoding !== 'bech32' && encoding !== 'bech32m') throw new InputError('encoding', "expected 'bech32' or 'bech32m'");
  if (hrp.length + 1 + words.length + CHECKSUM_CHARS > MAX_BECH32_CHARS) throw new InputError('words', `the string would exceed ${MAX_BECH32_CHARS} characters`);
  return CODERS[encoding].encode(hrp, Array.from(words), MAX_BECH32_CHARS);
}

export interface SegwitAddress {
  readonly hrp: string;
  /** Witness version 0..16. */
  readonly version: number;
  /** Witness program, 2..40 bytes (20 or 32 for version 0). */
  readonly program: Uint8Array;
}

/** BIP 173 + BIP 350 decoding of a segwit address; the caller checks the hrp against its network. */
export function decodeSegwitAddress(text: unknown, name = 'address'): SegwitAddress {
  const { hrp, words, encoding } = decodeBech32(text, name);
  if (words.length === 0) throw new InputError(name, 'empty data part: no witness version');
  const version = words[0]!;
  if (version > 16) throw new InputError(name, `witness version ${version} is above 16`);
  // BIP 173: "Any incomplete group at the end MUST be 4 bits or less, MUST be all zeroes".
  const program = bech32.fromWordsUnsafe(Array.from(words.subarray(1)));
  if (!program) throw new InputError(name, 'bad padding in the witness program (more than 4 bits, or not zero)');
  if (program.length < 2 || program.length > 40) throw new InputError(name, `witness program of ${program.length} bytes (expected 2..40)`);
  if (version === 0 && program.length !== 20 && program.length !== 32) {
    throw new InputError(name, `witness v0 program of ${program.length} bytes (BIP 141: 20 or 32)`);
  }
  const expected: Bech32Encoding = version === 0 ? 'bech32' : 'bech32m';
  if (encoding !== expected) {
    throw new InputError(name, `witness v${version} needs a ${expected === 'bech32' ? 'Bech32' : 'Bech32m'} checksum (BIP 350), this one is ${encoding === 'bech32' ? 'Bech32' : 'Bech32m'}`);
  }
  return { hrp, version, program: Uint8Array.from(program) };
}

export function encodeSegwitAddress(hrp: string, version: number, program: Uint8Array): string {
  if (!Number.isInteger(version) || version < 0 || version > 16) throw new InputError('version', 'expected a witness version 0..16');
  abytes('program', program);
  if (program.length < 2 || program.length > 40) throw new InputError('program', 'expected 2..40 bytes');
  if (version === 0 && program.length !== 20 && program.length !== 32) throw new InputError('program', 'witness v0 expects 20 or 32 bytes');
  const words = Uint8Array.from([version, ...bech32.toWords(program)]);
  return encodeBech32(hrp, words, version === 0 ? 'bech32' : 'bech32m');
}
