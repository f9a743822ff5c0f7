import { sha256 } from '@noble/hashes/sha2.js';
import { auint32, concatBytes, hexToBytes } from '../util/bytes.js';
import { InputError } from '../util/errors.js';

/**
 * Stratum v1 job -> 80-byte block header, as a Stratum miner builds it.
 *
 * Header layout (80 bytes):
 *   0..4    version      uint32 LE   (mining.notify sends it as big-endian hex of the uint32)
 *   4..36   prevhash     32 bytes    (mining.notify sends it with each 4-byte word byte-swapped)
 *   36..68  merkle root  32 bytes    sha256d fold of the coinbase hash with the branches
 *   68..72  ntime        uint32 LE   (big-endian hex in Stratum)
 *   72..76  nbits        uint32 LE   (big-endian hex in Stratum)
 *   76..80  nonce        uint32 LE   (submitted as big-endian hex of the uint32)
 */
export interface StratumJob {
  readonly jobId: string;
  readonly prevhash: string;
  readonly coinb1: string;
  readonly coinb2: string;
  readonly merkleBranches: readonly string[];
  readonly version: string;
  readonly nbits: string;
  readonly ntime: string;
  readonly cleanJobs: boolean;
}

function sha256d(data: Uint8Array): Uint8Array {
  return sha256(sha256(data));
}

/** Big-endian hex of a uint32 (8 digits) -> its 4 little-endian header bytes. */
function uint32HexToLe(name: string, hex: string): Uint8Array {
  return hexToBytes(name, hex, 4).reverse();
}

/** The coinbase transaction hash: sha256d(coinb1 ‖ extranonce1 ‖ extranonce2 ‖ coinb2). */
export function coinbaseHash(coinb1Hex: string, extranonce1Hex: string, extranonce2Hex: string, coinb2Hex: string): Uint8Array {
  const coinbase = concatBytes(
    hexToBytes('coinb1', coinb1Hex),
    hexToBytes('extranonce1', extranonce1Hex),
    hexToBytes('extranonce2', extranonce2Hex),
    hexToBytes('coinb2', coinb2Hex),
  );
  return sha256d(coinbase);
}

/** Merkle root: root = coinbaseHash, then root = sha256d(root ‖ branch) for each branch, in order. */
export function merkleRoot(coinbaseHash: Uint8Array, branches: readonly string[]): Uint8Array {
  if (!(coinbaseHash instanceof Uint8Array) || coinbaseHash.length !== 32) {
    throw new InputError('coinbaseHash', 'expected 32 bytes');
  }
  if (!Array.isArray(branches)) throw new InputError('merkleBranches', 'expected an array of hex strings');
  let root = coinbaseHash;
  branches.forEach((b, i) => {
    root = sha256d(concatBytes(root, hexToBytes(`merkleBranches[${i}]`, b, 32)));
  });
  return root;
}

/** Stratum's prevhash has each 4-byte word byte-swapped relative to the header bytes; undo it. */
function prevhashToHeader(hex: string): Uint8Array {
  const b = hexToBytes('prevhash', hex, 32);
  for (let w = 0; w < 32; w += 4) b.subarray(w, w + 4).reverse();
  return b;
}

/** Builds the 80-byte header for a job, an extranonce pair, an ntime and a nonce (all Stratum hex). */
export function buildHeader(
  job: StratumJob,
  extranonce1Hex: string,
  extranonce2Hex: string,
  ntimeHex: string,
  nonceHex: string,
): Uint8Array {
  if (typeof job !== 'object' || job === null) throw new InputError('job', 'expected a StratumJob');
  const version = uint32HexToLe('version', job.version);
  const prevhash = prevhashToHeader(job.prevhash);
  const root = merkleRoot(coinbaseHash(job.coinb1, extranonce1Hex, extranonce2Hex, job.coinb2), job.merkleBranches);
  const ntime = uint32HexToLe('ntime', ntimeHex);
  const nbits = uint32HexToLe('nbits', job.nbits);
  const nonce = uint32HexToLe('nonce', nonceHex);
  return concatBytes(version, prevhash, root, ntime, nbits, nonce);
}

/** The nonce as a Stratum miner submits it: `%08x` of the header's nonce (the uint32 read LE). */
export function nonceToHex(nonce: number): string {
  auint32('nonce', nonce);
  return nonce.toString(16).padStart(8, '0');
}
