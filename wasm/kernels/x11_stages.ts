// Test entry for the eleven X11 stages: stageHash(stage, len) hashes len bytes at inPtr() with one
// stage (64-byte digest) or, for stage 11, the whole X11 chain (32 bytes), into outPtr(). Stage
// numbers follow the chain order: 0 blake, 1 bmw, 2 groestl, 3 skein, 4 jh, 5 keccak, 6 luffa,
// 7 cubehash, 8 shavite, 9 simd, 10 echo.
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
import { x11 } from '../x11/chain';

const MAX_INPUT: usize = 4096;
const IN: usize = memory.data(MAX_INPUT, 16);
const OUT: usize = memory.data(64, 16);

export function inPtr(): usize {
  return IN;
}

export function outPtr(): usize {
  return OUT;
}

export function maxInput(): usize {
  return MAX_INPUT;
}

/** Returns 1 after hashing; 0, writing nothing, for an unknown stage or a length over maxInput(). */
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
    case 11: x11(IN, len, OUT); break;
    default: return 0;
  }
  return 1;
}
