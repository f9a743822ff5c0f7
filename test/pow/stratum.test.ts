import { describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import vec from '../vectors/pow-stratum.json' with { type: 'json' };
import { buildHeader, coinbaseHash, merkleRoot, nonceToHex, type StratumJob } from '../../src/core/pow/stratum.js';
import { sha256dReference } from '../../src/core/pow/reference.js';
import { bytesToHex, hexToBytes, reverseBytes } from '../../src/core/util/bytes.js';
import { InputError } from '../../src/core/util/errors.js';

const sha256d = (b: Uint8Array) => sha256(sha256(b));
const internal = (displayHex: string) => reverseBytes(hexToBytes('hex', displayHex));

/** Stratum's prevhash: the internal-order bytes with each 4-byte word byte-swapped. */
function stratumPrevhash(displayHex: string): string {
  const b = internal(displayHex);
  let out = '';
  for (let w = 0; w < 32; w += 4) out += bytesToHex(b.subarray(w, w + 4).reverse());
  return out;
}

// The merkle branch for the coinbase of a 4-transaction block: [tx1, H(tx2 ‖ tx3)].
const [, tx1, tx2, tx3] = vec.txids.map(internal) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
const branches = [bytesToHex(tx1), bytesToHex(sha256d(new Uint8Array([...tx2, ...tx3])))];

const job: StratumJob = {
  jobId: 'b100000',
  prevhash: stratumPrevhash(vec.previousblockhash),
  coinb1: vec.coinb1,
  coinb2: vec.coinb2,
  merkleBranches: branches,
  version: vec.version,
  nbits: vec.nbits,
  ntime: vec.ntime,
  cleanJobs: true,
};

describe('Stratum job -> header (Bitcoin block 100000)', () => {
  it('coinbase split around the extranonce hashes to the published coinbase txid', () => {
    expect(vec.coinb1 + vec.extranonce1 + vec.extranonce2 + vec.coinb2).toBe(vec.coinbaseHex);
    const h = coinbaseHash(vec.coinb1, vec.extranonce1, vec.extranonce2, vec.coinb2);
    expect(bytesToHex(reverseBytes(h))).toBe(vec.txids[0]);
  });

  it('merkle fold gives the published merkle root', () => {
    const root = merkleRoot(coinbaseHash(vec.coinb1, vec.extranonce1, vec.extranonce2, vec.coinb2), branches);
    expect(bytesToHex(reverseBytes(root))).toBe(vec.merkleroot);
  });

  it('the built header hashes to the published block hash', () => {
    const header = buildHeader(job, vec.extranonce1, vec.extranonce2, vec.ntime, vec.nonce);
    expect(header.length).toBe(80);
    expect(bytesToHex(reverseBytes(sha256dReference(header)))).toBe(vec.hash);
    // The submitted nonce is %08x of the header's LE nonce, i.e. the same hex as mining.submit carries.
    const nonce = new DataView(header.buffer, header.byteOffset).getUint32(76, true);
    expect(nonceToHex(nonce)).toBe(vec.nonce);
  });

  it('an empty branch list makes the coinbase hash the root', () => {
    const h = coinbaseHash(vec.coinb1, vec.extranonce1, vec.extranonce2, vec.coinb2);
    expect(merkleRoot(h, [])).toEqual(h);
  });
});

describe('Stratum input validation', () => {
  const bad: Array<[string, () => unknown]> = [
    ['prevhash too short', () => buildHeader({ ...job, prevhash: job.prevhash.slice(2) }, '06', '02', vec.ntime, vec.nonce)],
    ['prevhash not hex', () => buildHeader({ ...job, prevhash: 'zz' + job.prevhash.slice(2) }, '06', '02', vec.ntime, vec.nonce)],
    ['version 3 bytes', () => buildHeader({ ...job, version: '000001' }, '06', '02', vec.ntime, vec.nonce)],
    ['nbits odd length', () => buildHeader({ ...job, nbits: '1b04864' }, '06', '02', vec.ntime, vec.nonce)],
    ['ntime 5 bytes', () => buildHeader(job, '06', '02', '4d1b223700', vec.nonce)],
    ['nonce not hex', () => buildHeader(job, '06', '02', vec.ntime, 'nothex!!')],
    ['extranonce2 odd', () => buildHeader(job, '06', '020', vec.ntime, vec.nonce)],
    ['coinb1 not a string', () => buildHeader({ ...job, coinb1: 5 as unknown as string }, '06', '02', vec.ntime, vec.nonce)],
    ['branch 31 bytes', () => buildHeader({ ...job, merkleBranches: [branches[0]!.slice(2)] }, '06', '02', vec.ntime, vec.nonce)],
    ['branches not an array', () => merkleRoot(new Uint8Array(32), 'ab' as unknown as string[])],
    ['coinbase hash 31 bytes', () => merkleRoot(new Uint8Array(31), [])],
    ['job null', () => buildHeader(null as unknown as StratumJob, '06', '02', vec.ntime, vec.nonce)],
    ['nonce negative', () => nonceToHex(-1)],
    ['nonce 2^32', () => nonceToHex(2 ** 32)],
    ['nonce fractional', () => nonceToHex(1.5)],
  ];
  it.each(bad)('%s -> InputError', (_name, f) => {
    expect(f).toThrow(InputError);
  });

  it('nonceToHex pads to 8 digits', () => {
    expect(nonceToHex(0)).toBe('00000000');
    expect(nonceToHex(0xabc)).toBe('00000abc');
    expect(nonceToHex(0xffffffff)).toBe('ffffffff');
  });
});
