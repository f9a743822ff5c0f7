// JH-512 (SHA-3 round-3 submission, 42-round E8): the 1024-bit state as eight 128-bit words
// x0..x7, each two little-endian u64 halves, in the bitslice form of the specification's section 4
// (S-boxes and the linear map L on bit-sliced words, then the swap layers SWAP1..SWAP64 on the odd words).
// F8: x[0..3] ^= M, E8, x[4..7] ^= M. Message words are little-endian; digest = bytes 64..127 of the state.

// The 42 round constants of E8, each 256 bits as four little-endian u64 (specification's byte order).
const RC: usize = memory.data<u64>([
  0x67f815dfa2ded572, 0x571523b70a15847b, 0xf6875a4d90d6ab81, 0x402bd1c3c54f9f4e,
  0x9cfa455ce03a98ea, 0x9a99b26699d2c503, 0x8a53bbf2b4960266, 0x31a2db881a1456b5,
  0xdb0e199a5c5aa303, 0x1044c1870ab23f40, 0x1d959e848019051c, 0xdccde75eadeb336f,
  0x416bbf029213ba10, 0xd027bbf7156578dc, 0x5078aa3739812c0a, 0xd3910041d2bf1a3f,
  0x907eccf60d5a2d42, 0xce97c0929c9f62dd, 0xac442bc70ba75c18, 0x23fcc663d665dfd1,
  0x1ab8e09e036c6e97, 0xa8ec6c447e450521, 0xfa618e5dbb03f1ee, 0x97818394b29796fd,
  0x2f3003db37858e4a, 0x956a9ffb2d8d672a, 0x6c69b8f88173fe8a, 0x14427fc04672c78a,
  0xc45ec7bd8f15f4c5, 0x80bb118fa76f4475, 0xbc88e4aeb775de52, 0xf4a3a6981e00b882,
  0x1563a3a9338ff48e, 0x89f9b7d524565faa, 0xfde05a7c20edf1b6, 0x362c42065ae9ca36,
  0x3d98fe4e433529ce, 0xa74b9a7374f93a53, 0x86814e6f591ff5d0, 0x9f5ad8af81ad9d0e,
  0x6a6234ee670605a7, 0x2717b96ebe280b8b, 0x3f1080c626077447, 0x7b487ec66f7ea0e0,
  0xc0a4f84aa50a550d, 0x9ef18e979fe7e391, 0xd48d605081727686, 0x62b0e5f3415a9e7e,
  0x7a205440ec1f9ffc, 0x84c9f4ce001ae4e3, 0xd895fa9df594d74f, 0xa554c324117e2e55,
  0x286efebd2872df5b, 0xb2c4a50fe27ff578, 0x2ed349eeef7c8905, 0x7f5928eb85937e44,
  0x4a3124b337695f70, 0x65e4d61df128865e, 0xe720b95104771bc7, 0x8a87d423e843fe74,
  0xf2947692a3e8297d, 0xc1d9309b097acbdd, 0xe01bdc5bfb301b1d, 0xbf829cf24f4924da,
  0xffbf70b431bae7a4, 0x48bcf8de0544320d, 0x39d3bb5332fcae3b, 0xa08b29e0c1c39f45,
  0x0f09aef7fd05c9e5, 0x34f1904212347094, 0x95ed44e301b771a2, 0x4a982f4f368e3be9,
  0x15f66ca0631d4088, 0xffaf52874b44c147, 0x30c60ae2f14abb7e, 0xe68c6eccc5b67046,
  0x00ca4fbd56a4d5a4, 0xae183ec84b849dda, 0xadd1643045ce5773, 0x67255c1468cea6e8,
  0x16e10ecbf28cdaa3, 0x9a99949a5806e933, 0x7b846fc220b2601f, 0x1885d1a07facced1,
  0xd319dd8da15b5932, 0x46b4a5aac01c9a50, 0xba6b04e467633d9f, 0x7eee560bab19caf6,
  0x742128a9ea79b11f, 0xee51363b35f7bde9, 0x76d350755aac571d, 0x01707da3fec2463a,
  0x42d8a498afc135f7, 0x79676b9e20eced78, 0xa8db3aea15638341, 0x832c83324d3bc3fa,
  0xf347271c1f3b40a7, 0x9a762db734f04059, 0xfd4f21d26c4e3ee7, 0xef5957dc398dfdb8,
  0xdaeb492b490c9b8d, 0x0d70f36849d7a25b, 0x84558d7ad0ae3b7d, 0x658ef8e4f0e9a5f5,
  0x533b1036f4a2b8a0, 0x5aec3e759e07a80c, 0x4f88e85692946891, 0x4cbcbaf8555cb05b,
  0x7b9487f3993bbbe3, 0x5d1c6b72d6f4da75, 0x6db334dc28acae64, 0x71db28b850a5346c,
  0x2a518d10f2e261f8, 0xfc75dd593364dbe3, 0xa23fce43f1bcac1c, 0xb043e8023cd1bb67,
  0x75a12988ca5b0a33, 0x5c5316b44d19347f, 0x1e4d790ec3943b92, 0x3fafeeb6d7757479,
  0x21391abef7d4a8ea, 0x5127234c097ef45c, 0xd23c32ba5324a326, 0xadd5a66d4a17a344,
  0x08c9f2afa63e1db5, 0x563c6b91983d5983, 0x4d608672a17cf84c, 0xf6c76e08cc3ee246,
  0x5e76bcb1b333982f, 0x2ae6c4efa566d62b, 0x36d4c1bee8b6f406, 0x6321efbc1582ee74,
  0x69c953f40d4ec1fd, 0x26585806c45a7da7, 0x16fae0061614c17e, 0x3f9d63283daf907e,
  0x0cd29b00e3f2c9d2, 0x300cd4b730ceaa5f, 0x9832e0f216512a74, 0x9af8cee3d830eb0d,
  0x9279f1b57b9ec54b, 0xd36886046ee651ff, 0x316796e6574d239b, 0x05750a17f3a6e6cc,
  0xce6c3213d98176b1, 0x62a205f88452173c, 0x47154778b3cb2bf4, 0x486a9323825446ff,
  0x65655e4e0758df38, 0x8e5086fc897cfcf2, 0x86ca0bd0442e7031, 0x4e477830a20940f0,
  0x8338f7d139eea065, 0xbd3a2ce437e95ef7, 0x6ff8130126b29721, 0xe7de9fefd1ed44a3,
  0xd992257615dfa08b, 0xbe42dc12f6f7853c, 0x7eb027ab7ceca7d8, 0xdea83eaada7d8d53,
  0xd86902bd93ce25aa, 0xf908731afd43f65a, 0xa5194a17daef5fc0, 0x6a21fd4c33664d97,
  0x701541db3198b435, 0x9b54cdedbb0f1eea, 0x72409751a163d09a, 0xe26f4791bf9d75f6,

]);

const IV: usize = memory.data(128);
const X: usize = memory.data(128, 16);
const BLOCK: usize = memory.data(64);
let ready = false;

// The swap layers on both 64-bit halves of a 128-bit word: SWAPk exchanges adjacent k-bit groups;
// SWAP64 exchanges the halves.
@inline function swapBits(x: v128, m: u64, k: i32): v128 {
  const mask = i64x2.splat(m);
  return v128.or(i64x2.shl(v128.and(x, mask), k), i64x2.shr_u(v128.andnot(x, mask), k));
}
@inline function swap(x: v128, kind: usize): v128 {
  switch (<i32>kind) {
    case 0: return swapBits(x, 0x5555555555555555, 1);
    case 1: return swapBits(x, 0x3333333333333333, 2);
    case 2: return swapBits(x, 0x0f0f0f0f0f0f0f0f, 4);
    case 3: return swapBits(x, 0x00ff00ff00ff00ff, 8);
    case 4: return swapBits(x, 0x0000ffff0000ffff, 16);
    case 5: return swapBits(x, 0x00000000ffffffff, 32);
    default: return i64x2.shuffle(x, x, 1, 0);
  }
}

// E8 on the state at X: 42 rounds of the bitsliced S-boxes (S0/S1 chosen per bit by the round
// constant; the even words x0, x2, x4, x6 take constant words 0-1, the odd words 2-3), the linear map
// L (the MDS code over GF(2^4)) and the swap layer SWAP_(2^(r mod 7)) on the odd words.
// Each 128-bit word x_i is one v128.
function e8(): void {
  let x0 = v128.load(X, 0), x1 = v128.load(X, 16), x2 = v128.load(X, 32), x3 = v128.load(X, 48);
  let x4 = v128.load(X, 64), x5 = v128.load(X, 80), x6 = v128.load(X, 96), x7 = v128.load(X, 112);
  for (let r: usize = 0; r < 42; r++) {
    const ce = v128.load(RC + (r << 5)), co = v128.load(RC + (r << 5) + 16);
    // S-boxes on (x0, x2, x4, x6) with ce
    x6 = v128.not(x6);
    x0 = v128.xor(x0, v128.andnot(ce, x4));
    let t = v128.xor(ce, v128.and(x0, x2));
    x0 = v128.xor(x0, v128.and(x4, x6));
    x6 = v128.xor(x6, v128.andnot(x4, x2));
    x2 = v128.xor(x2, v128.and(x0, x4));
    x4 = v128.xor(x4, v128.andnot(x0, x6));
    x0 = v128.xor(x0, v128.or(x2, x6));
    x6 = v128.xor(x6, v128.and(x2, x4));
    x2 = v128.xor(x2, v128.and(t, x0));
    x4 = v128.xor(x4, t);
    // S-boxes on (x1, x3, x5, x7) with co
    x7 = v128.not(x7);
    x1 = v128.xor(x1, v128.andnot(co, x5));
    t = v128.xor(co, v128.and(x1, x3));
    x1 = v128.xor(x1, v128.and(x5, x7));
    x7 = v128.xor(x7, v128.andnot(x5, x3));
    x3 = v128.xor(x3, v128.and(x1, x5));
    x5 = v128.xor(x5, v128.andnot(x1, x7));
    x1 = v128.xor(x1, v128.or(x3, x7));
    x7 = v128.xor(x7, v128.and(x3, x5));
    x3 = v128.xor(x3, v128.and(t, x1));
    x5 = v128.xor(x5, t);
    // L: (a0..a3) = (x0, x2, x4, x6), (b0..b3) = (x1, x3, x5, x7)
    x1 = v128.xor(x1, x2);
    x3 = v128.xor(x3, x4);
    x5 = v128.xor(x5, v128.xor(x6, x0));
    x7 = v128.xor(x7, x0);
    x0 = v128.xor(x0, x3);
    x2 = v128.xor(x2, x5);
    x4 = v128.xor(x4, v128.xor(x7, x1));
    x6 = v128.xor(x6, x1);
    const kind = r % 7;
    x1 = swap(x1, kind);
    x3 = swap(x3, kind);
    x5 = swap(x5, kind);
    x7 = swap(x7, kind);
  }
  v128.store(X, x0, 0); v128.store(X, x1, 16); v128.store(X, x2, 32); v128.store(X, x3, 48);
  v128.store(X, x4, 64); v128.store(X, x5, 80); v128.store(X, x6, 96); v128.store(X, x7, 112);
}

// F8 on the 64-byte block m.
function f8(m: usize): void {
  for (let i: usize = 0; i < 64; i += 8) store<u64>(X + i, load<u64>(X + i) ^ load<u64>(m + i));
  e8();
  for (let i: usize = 0; i < 64; i += 8) store<u64>(X + 64 + i, load<u64>(X + 64 + i) ^ load<u64>(m + i));
}

// H(-1): the first two state bytes hold the digest size 512 (big-endian), then F8 on a zero block.
function init(): void {
  if (ready) return;
  memory.fill(X, 0, 128);
  store<u8>(X, 0x02);
  memory.fill(BLOCK, 0, 64);
  f8(BLOCK);
  memory.copy(IV, X, 128);
  ready = true;
}

/** JH-512 of len bytes at src; writes the 64-byte digest to dst. */
export function jh512(src: usize, len: usize, dst: usize): void {
  init();
  memory.copy(X, IV, 128);
  let off: usize = 0;
  while (len - off >= 64) {
    f8(src + off);
    off += 64;
  }
  // Padding: a 1 bit, then zeros and the 128-bit big-endian bit length, 512 to 1023 bits in all.
  const rest = len - off;
  memory.fill(BLOCK, 0, 64);
  memory.copy(BLOCK, src + off, rest);
  store<u8>(BLOCK + rest, 0x80);
  if (rest > 0) {
    f8(BLOCK);
    memory.fill(BLOCK, 0, 64);
  }
  store<u64>(BLOCK + 56, bswap<u64>(<u64>len << 3));
  f8(BLOCK);
  memory.copy(dst, X + 64, 64);
}
