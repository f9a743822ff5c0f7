import { describe, expect, it } from 'vitest';
import sha256dVec from '../vectors/pow-sha256d.json' with { type: 'json' };
import scryptVec from '../vectors/pow-scrypt.json' with { type: 'json' };
import x11Vec from '../vectors/pow-x11-blocks.json' with { type: 'json' };
import { getAlgorithm, type AlgorithmName } from '../../src/core/pow/registry.js';
import { hashMeetsTarget, targetFromNbits } from '../../src/core/pow/target.js';
import { sha256dReference } from '../../src/core/pow/reference.js';
import { bytesToHex, hexToBytes, reverseBytes } from '../../src/core/util/bytes.js';

interface BlockVector {
  chain: string; height: number | null; version: number; previousblockhash: string; merkleroot: string;
  time: number; bits: string; nonce: number; headerHex: string; hash: string; blockId?: string;
  /** Set when the source published only the raw header and the fields were read from it. */
  fieldsFrom?: string;
}

const display = (digest: Uint8Array) => bytesToHex(reverseBytes(digest));

/** Serializes the published fields independently of the vector's headerHex. */
function serialize(v: BlockVector): Uint8Array {
  const h = new Uint8Array(80);
  const dv = new DataView(h.buffer);
  dv.setUint32(0, v.version, true);
  h.set(reverseBytes(hexToBytes('prev', v.previousblockhash)), 4);
  h.set(reverseBytes(hexToBytes('merkle', v.merkleroot)), 36);
  dv.setUint32(68, v.time, true);
  dv.setUint32(72, parseInt(v.bits, 16), true);
  dv.setUint32(76, v.nonce, true);
  return h;
}

const sets: Array<[AlgorithmName, BlockVector[]]> = [
  ['sha256d', sha256dVec.vectors],
  ['scrypt', scryptVec.vectors],
  ['x11', x11Vec.vectors],
];

describe.each(sets)('%s real-chain vectors', (name, vectors) => {
  const algo = getAlgorithm(name);
  const label = (v: BlockVector) => `${v.chain} ${v.height ?? v.hash.slice(0, 16)}`;
  const withFields = vectors.filter((v) => v.fieldsFrom === undefined);

  it.each(withFields.map((v) => [label(v), v] as const))('%s: header bytes match the published fields', (_l, v) => {
    expect(bytesToHex(serialize(v))).toBe(v.headerHex);
  });

  it.each(vectors.map((v) => [label(v), v] as const))('%s: reference hash is the published hash and meets nBits', (_l, v) => {
    const header = hexToBytes('header', v.headerHex, 80);
    const digest = algo.referenceHash(header);
    expect(display(digest)).toBe(v.hash);
    const nbits = new DataView(header.buffer).getUint32(72, true);
    expect(hashMeetsTarget(digest, targetFromNbits(nbits))).toBe(true);
    if (v.blockId !== undefined) expect(display(sha256dReference(header))).toBe(v.blockId);
  });

  it.each(vectors.map((v) => [label(v), v] as const))('%s: kernel hash is the published hash', async (_l, v) => {
    const kernel = await algo.loadKernel();
    expect(display(kernel.hash(hexToBytes('header', v.headerHex, 80)))).toBe(v.hash);
  });

  it.each(vectors.map((v) => [label(v), v] as const))('%s: kernel scan finds the block nonce at the block target', async (_l, v) => {
    const header = hexToBytes('header', v.headerHex, 80);
    const kernel = await algo.loadKernel();
    kernel.setJob(header.subarray(0, 76), reverseBytes(hexToBytes('hash', v.hash)));
    // Exactly the published hash as target: the block's own nonce meets it (<=), found in a window around it.
    const nonce = new DataView(header.buffer).getUint32(76, true);
    const start = (nonce - 5) >>> 0;
    expect(kernel.scan(start, 11)).toEqual({ nonce, hashes: ((nonce - start) >>> 0) + 1 });
  });
});
