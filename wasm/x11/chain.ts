// The X11 chain in Dash's order (Dash Core's HashX11): blake512 -> bmw512 -> groestl512 ->
// skein512 -> jh512 -> keccak512 -> luffa512 -> cubehash512 -> shavite512 -> simd512 -> echo512, each
// stage hashing the previous 64-byte digest; the PoW hash is the first 32 bytes of the last digest.
import { blake512 } from './blake512';
import { bmw512 } from './bmw512';
import { groestl512 } from './groestl512';
import { skein512 } from './skein512';
import { jh512 } from './jh512';
import { keccak512 } from './keccak512';
import { luffa512 } from './luffa512';
import { cubehash512 } from './cubehash512';
import { shavite512 } from './shavite512';
import { simd512 } from './simd512';
import { echo512 } from './echo512';

const A: usize = memory.data(64, 16);
const B: usize = memory.data(64, 16);

/** X11 of len bytes at src; writes the 32-byte hash to dst. */
export function x11(src: usize, len: usize, dst: usize): void {
  blake512(src, len, A);
  bmw512(A, 64, B);
  groestl512(B, 64, A);
  skein512(A, 64, B);
  jh512(B, 64, A);
  keccak512(A, 64, B);
  luffa512(B, 64, A);
  cubehash512(A, 64, B);
  shavite512(B, 64, A);
  simd512(A, 64, B);
  echo512(B, 64, A);
  memory.copy(dst, A, 32);
}
