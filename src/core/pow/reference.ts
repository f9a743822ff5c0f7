import { sha256 } from '@noble/hashes/sha2.js';
import { scrypt } from '@noble/hashes/scrypt.js';
import x11HashJs from '@dashevo/x11-hash-js';
import { abytes } from '../util/bytes.js';

/**
 * Reference PoW hashes, used only to verify the WebAssembly kernels and shares. Each takes the full
 * 80-byte header and returns the raw digest (internal byte order; explorers show it reversed).
 */

/** Bitcoin's PoW: SHA-256 applied twice. */
export function sha256dReference(header80: Uint8Array): Uint8Array {
  abytes('header80', header80, 80);
  return sha256(sha256(header80));
}

/** Litecoin's PoW: scrypt with N=1024, r=1, p=1, dkLen=32 and password = salt = the header. */
export function scryptReference(header80: Uint8Array): Uint8Array {
  abytes('header80', header80, 80);
  return scrypt(header80, header80, { N: 1024, r: 1, p: 1, dkLen: 32 });
}

/** Dash's PoW: X11, the first 32 bytes of the chained digest, via @dashevo/x11-hash-js. */
export function x11Reference(header80: Uint8Array): Uint8Array {
  abytes('header80', header80, 80);
  // inputFormat 1 = array of bytes, outputFormat 1 = array of bytes. The package reads `this`.
  const out = x11HashJs.digest(Array.from(header80), 1, 1);
  return Uint8Array.from(out);
}
