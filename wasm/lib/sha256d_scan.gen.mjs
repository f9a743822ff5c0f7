// Generates the unrolled SHA-256d nonce-scan loops (wasm/lib/sha256d_scan_x4.generated.ts: four nonces
// in the i32x4 lanes of v128; sha256d_scan_x1.generated.ts: one nonce in u32) from one description of
// the computation. Run by scripts/build-wasm.mjs before compiling.
//
// Every value is a gen-time constant, a per-job "uniform" (depends only on the midstate and header
// words 0..2 of block 2), or a per-nonce value. Constants are folded here; uniform values are emitted
// before the loop (computed once per scan call); only nonce-dependent work is in the loop. The
// second hash stops after round 60: its e then becomes H7 (the most significant word of the hash read
// little-endian), which rejects almost every nonce; candidates are re-checked exactly in scalar code.
import { writeFileSync } from 'node:fs';

const K = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];
const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

const hex = (c) => '0x' + (c >>> 0).toString(16).padStart(8, '0');
const rotr32 = (x, n) => ((x >>> n) | (x << (32 - n))) >>> 0;

/** Op spellings for one lane type. */
const MODES = {
  x4: {
    type: 'v128',
    const: (c) => `i32x4.splat(${hex(c)})`,
    add: (x, y) => `i32x4.add(${x}, ${y})`,
    xor: (x, y) => `v128.xor(${x}, ${y})`,
    or: (x, y) => `v128.or(${x}, ${y})`,
    and: (x, y) => `v128.and(${x}, ${y})`,
    shr: (x, n) => `i32x4.shr_u(${x}, ${n})`,
    shl: (x, n) => `i32x4.shl(${x}, ${n})`,
    // Ch(e,f,g) picks f where e is 1, else g; Maj(a,b,c) is b where a != c, else c (= a).
    ch: (e, f, g) => `v128.bitselect(${f}, ${g}, ${e})`,
    maj: (a, b, c) => `v128.bitselect(${b}, ${c}, v128.xor(${a}, ${c}))`,
  },
  x1: {
    type: 'u32',
    const: (c) => `<u32>${hex(c)}`,
    add: (x, y) => `${x} + ${y}`,
    xor: (x, y) => `${x} ^ ${y}`,
    or: (x, y) => `${x} | ${y}`,
    and: (x, y) => `${x} & ${y}`,
    shr: (x, n) => `${x} >>> ${n}`,
    shl: (x, n) => `${x} << ${n}`,
    ch: (e, f, g) => `${g} ^ (${e} & (${f} ^ ${g}))`,
    maj: (a, b, c) => `(${a} & ${b}) | (${c} & (${a} | ${b}))`,
  },
};

function generate(modeName) {
  const m = MODES[modeName];
  const prologue = [];
  const body = [];
  let n = 0;
  const isConst = (v) => typeof v === 'number';
  const ref = (v) => (isConst(v) ? m.const(v) : v.name);
  const emit = (expr, args) => {
    const uniform = args.every((a) => isConst(a) || a.uniform);
    const name = `${uniform ? 'job' : 'x'}${n++}`;
    (uniform ? prologue : body).push(`const ${name} = ${expr};`);
    return { name, uniform };
  };
  const input = (name, uniform) => ({ name, uniform });
  const add = (...xs) => {
    let c = 0;
    const vs = [];
    for (const x of xs) (isConst(x) ? (c = (c + x) >>> 0) : vs.push(x));
    // Uniform terms first so their partial sums are hoisted out of the loop.
    vs.sort((a, b) => Number(b.uniform) - Number(a.uniform));
    if (vs.length === 0) return c;
    let acc = vs[0];
    for (const v of vs.slice(1)) acc = emit(m.add(ref(acc), ref(v)), [acc, v]);
    return c === 0 ? acc : emit(m.add(ref(acc), ref(c)), [acc]);
  };
  const xor = (x, y) => {
    if (isConst(x) && isConst(y)) return (x ^ y) >>> 0;
    if (x === 0) return y;
    if (y === 0) return x;
    return emit(m.xor(ref(x), ref(y)), [x, y]);
  };
  const and = (x, y) => {
    if (isConst(x) && isConst(y)) return (x & y) >>> 0;
    if (x === 0 || y === 0) return 0;
    return emit(m.and(ref(x), ref(y)), [x, y]);
  };
  const rotr = (x, k) => (isConst(x) ? rotr32(x, k) : emit(m.or(m.shr(x.name, k), m.shl(x.name, 32 - k)), [x]));
  const shr = (x, k) => (isConst(x) ? x >>> k : emit(m.shr(x.name, k), [x]));
  const S0 = (x) => xor(xor(rotr(x, 2), rotr(x, 13)), rotr(x, 22));
  const S1 = (x) => xor(xor(rotr(x, 6), rotr(x, 11)), rotr(x, 25));
  const s0 = (x) => xor(xor(rotr(x, 7), rotr(x, 18)), shr(x, 3));
  const s1 = (x) => xor(xor(rotr(x, 17), rotr(x, 19)), shr(x, 10));
  const ch = (e, f, g) => {
    if (isConst(e) && isConst(f) && isConst(g)) return ((g ^ (e & (f ^ g))) >>> 0);
    return emit(m.ch(ref(e), ref(f), ref(g)), [e, f, g]);
  };
  const maj = (a, b, c) => {
    if (isConst(a) && isConst(b) && isConst(c)) return (((a & b) | (c & (a | b))) >>> 0);
    return emit(m.maj(ref(a), ref(b), ref(c)), [a, b, c]);
  };

  /** FIPS 180-4 6.2.2: `rounds` rounds (with their schedule words) from `state`; returns the working variables. */
  function compress(state, w16, rounds) {
    const w = w16.slice();
    let [a, b, c, d, e, f, g, h] = state;
    // Maj(a,b,c) = b ^ ((a ^ b) & (b ^ c)), and this round's b ^ c is the previous round's a ^ b.
    let bc = xor(b, c);
    for (let t = 0; t < rounds; t++) {
      // Each schedule word is made just before its round, which keeps few words live at once.
      if (t >= 16) w[t] = add(s1(w[t - 2]), w[t - 7], s0(w[t - 15]), w[t - 16]);
      const t1 = add(h, S1(e), ch(e, f, g), K[t], w[t]);
      const ab = xor(a, b);
      const t2 = add(S0(a), xor(b, and(ab, bc)));
      bc = ab;
      [h, g, f, e, d, c, b, a] = [g, f, e, add(d, t1), c, b, a, add(t1, t2)];
    }
    return [a, b, c, d, e, f, g, h];
  }

  const mid = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => input(`mid${i}`, true));
  // First hash, second block: header words 16..18 (uniform), the nonce word, then padding for 640 bits.
  const block2 = [input('w0', true), input('w1', true), input('w2', true), input('nonceWord', false),
    0x80000000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 640];
  const v = compress(mid, block2, 64);
  const hash1 = v.map((x, i) => add(mid[i], x));
  // Second hash: the 32-byte digest, then padding for 256 bits; stop after round 60.
  const v2 = compress(IV, [...hash1, 0x80000000, 0, 0, 0, 0, 0, 0, 256], 61);
  const h7 = add(IV[7], v2[0 + 4]); // after round 60, e is what becomes h after round 63
  return { prologue, body, h7: ref(h7), type: m.type };
}

function file(modeName) {
  const g = generate(modeName);
  const x4 = modeName === 'x4';
  const lanes = x4 ? 4 : 1;
  const load = (ptr, off) => (x4 ? `i32x4.splat(load<u32>(${ptr}, ${off}))` : `load<u32>(${ptr}, ${off})`);
  const lines = [
    `// Generated by wasm/lib/sha256d_scan.gen.mjs (${modeName}: ${lanes} nonce${x4 ? 's' : ''} per step). Do not edit.`,
    `import { TARGET } from './abi';`,
    `import { MID, BLOCK2, nonceMeetsTarget } from './sha256d_job';`,
    ``,
    `let hits: u32 = 0;`,
    `/** Index (0-based, from start) of the first nonce that meets the target in the last scan, or count. */`,
    `export function scanHits(): u32 { return hits; }`,
    ``,
    `/** Scans count nonces from start; returns 1 and sets scanHits() when one meets the target. */`,
    `export function scan${modeName.toUpperCase()}(start: u32, count: u32): i32 {`,
    ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `  const mid${i} = ${load('MID', 4 * i)};`),
    ...[0, 1, 2].map((i) => `  const w${i} = ${load('BLOCK2', 4 * i)};`),
    `  const top = ${load('TARGET', 28)};`,
    ...g.prologue.map((l) => '  ' + l),
    `  for (let i: u32 = 0; i < count; i += ${lanes}) {`,
    x4
      ? `    const nonceWord = i8x16.swizzle(i32x4.add(i32x4.splat(start + i), i32x4(0, 1, 2, 3)), i8x16(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12));`
      : `    const nonceWord = bswap<u32>(start + i);`,
    ...g.body.map((l) => '    ' + l),
    `    const h7 = ${g.h7};`,
    x4
      ? `    if (v128.any_true(i32x4.le_u(i8x16.swizzle(h7, i8x16(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12)), top))) {`
      : `    if (bswap<u32>(h7) <= top) {`,
    `      // A candidate: its top word does not exceed the target's. Check each lane in nonce order exactly.`,
    `      for (let j: u32 = 0; j < ${lanes} && i + j < count; j++) {`,
    `        if (nonceMeetsTarget(start + i + j)) { hits = i + j; return 1; }`,
    `      }`,
    `    }`,
    `    if (count - i <= ${lanes}) break; // so that i += ${lanes} cannot wrap past 2^32`,
    `  }`,
    `  hits = count;`,
    `  return 0;`,
    `}`,
  ];
  return lines.join('\n') + '\n';
}

const here = new URL('.', import.meta.url);
for (const mode of ['x4', 'x1']) {
  writeFileSync(new URL(`sha256d_scan_${mode}.generated.ts`, here), file(mode));
}
