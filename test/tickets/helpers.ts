import { sha512 } from '@noble/hashes/sha2.js';
import type { RandomBytes } from '../../src/core/tickets/index.js';

/**
 * Deterministic randomness for tests and vectors: block i of the stream is
 * SHA-512(UTF-8(seed) ‖ i as 4-byte big-endian); bytes are handed out in order.
 */
export function seededRandom(seed: string): RandomBytes {
  const s = new TextEncoder().encode(seed);
  let counter = 0;
  let pool = new Uint8Array(0);
  return (length: number) => {
    const out = new Uint8Array(length);
    let o = 0;
    while (o < length) {
      if (pool.length === 0) {
        const input = new Uint8Array(s.length + 4);
        input.set(s);
        new DataView(input.buffer).setUint32(s.length, counter++);
        pool = sha512(input);
      }
      const n = Math.min(pool.length, length - o);
      out.set(pool.subarray(0, n), o);
      pool = pool.subarray(n);
      o += n;
    }
    return out;
  };
}
