// Test entry for the eleven X11 stages: hashes len bytes at inPtr() with one stage, digest (64 bytes)
// to outPtr(). Stage indices follow the X11 chain order (see STAGE_NAMES in test/pow/x11-oracle.ts).
import { blake512 } from '../x11/blake512';
import { bmw512 } from '../x11/bmw512';
import { groestl512 } from '../x11/groestl512';
import { skein512 } from '../x11/skein512';
import { jh512 } from '../x11/jh512';
import { keccak512 } from '../x11/keccak512';
import { luffa512 } from '../x11/luffa512';
import { cubehash512 } from '../x11/cubehash512';
import { shavite512 } from '../x11/shavite512';
import { simd512 } from '../x11/simd512';
import { echo512 } from '../x11/echo512';

export const MAX_INPUT: usize = 4096;
const IN: usize = memory.data(MAX_INPUT);
const OUT: usize = memory.data(64);

export function inPtr(): usize {
  return IN;
}

export function outPtr(): usize {
  return OUT;
}

/** Returns 1 after hashing, 0 (and writes nothing) for an unknown stage or a length over MAX_INPUT. */
export function stageHash(stage: u32, len: usize): i32 {
  if (len > MAX_INPUT) return 0;
  switch (stage) {
    case 0: blake512(IN, len, OUT); break;
    case 1: bmw512(IN, len, OUT); break;
    case 2: groestl512(IN, len, OUT); break;
    case 3: skein512(IN, len, OUT); break;
    case 4: jh512(IN, len, OUT); break;
    case 5: keccak512(IN, len, OUT); break;
    case 6: luffa512(IN, len, OUT); break;
    case 7: cubehash512(IN, len, OUT); break;
    case 8: shavite512(IN, len, OUT); break;
    case 9: simd512(IN, len, OUT); break;
    case 10: echo512(IN, len, OUT); break;
    default: return 0;
  }
  return 1;
}
