import { createSHA256 } from 'hash-wasm';
import { scrypt } from '@noble/hashes/scrypt.js';
import x11HashJs from '@dashevo/x11-hash-js';
import { benchFlags, formatRate, measure, printTable, type Rate } from './harness.js';
import { ALGORITHM_NAMES, getAlgorithm, type AlgorithmName } from '../src/core/pow/registry.js';
import { instantiateKernel } from '../src/core/pow/kernels/loader.js';
import * as sha256dScalar from '../src/core/pow/kernels/sha256d_scalar.wasm.generated.js';
import * as scryptScalar from '../src/core/pow/kernels/scrypt_scalar.wasm.generated.js';
import type { PowKernel } from '../src/core/pow/kernel.js';

/**
 * `workpass bench pow [--json] [--seconds N]`: each kernel scanning nonces in one thread, next to the
 * best JS/WASM peer hashing headers in the same run. The kernel's target is zero, so every nonce
 * is hashed and none is found. Prints a table (unless --json), then one JSON line of hashes/second.
 */

/** Nonces per scan call: large enough that the call overhead is noise, small enough to stop on time. */
const CHUNK: Record<AlgorithmName, number> = { sha256d: 1 << 16, scrypt: 32, x11: 256 };

function header76(): Uint8Array {
  const h = new Uint8Array(76);
  for (let i = 0; i < h.length; i++) h[i] = (i * 89 + 7) & 0xff;
  return h;
}

function kernelRate(kernel: PowKernel, chunk: number, seconds: number): Rate {
  kernel.setJob(header76(), new Uint8Array(32));
  let nonce = 0;
  return measure(() => {
    const { hashes } = kernel.scan(nonce, chunk);
    nonce = (nonce + hashes) >>> 0;
    return hashes;
  }, seconds);
}

/** A peer hashing full headers, nonce written into the header each time, `batch` per step. */
function peerRate(hashOne: (header: Uint8Array) => unknown, batch: number, seconds: number): Rate {
  const header = new Uint8Array(80);
  header.set(header76());
  const view = new DataView(header.buffer);
  let nonce = 0;
  return measure(() => {
    for (let i = 0; i < batch; i++) {
      view.setUint32(76, nonce++, true);
      hashOne(header);
    }
    return batch;
  }, seconds);
}

async function peers(): Promise<Record<AlgorithmName, { name: string; hashOne: (h: Uint8Array) => unknown; batch: number }>> {
  const hasher = await createSHA256();
  return {
    sha256d: {
      name: 'hash-wasm sha256 x2, one reused hasher',
      hashOne: (h) => {
        const first = hasher.init().update(h).digest('binary');
        return hasher.init().update(first).digest('binary');
      },
      batch: 2048,
    },
    scrypt: {
      name: '@noble/hashes scrypt',
      hashOne: (h) => scrypt(h, h, { N: 1024, r: 1, p: 1, dkLen: 32 }),
      batch: 8,
    },
    x11: {
      name: '@dashevo/x11-hash-js',
      hashOne: (h) => x11HashJs.digest(Array.from(h), 1, 1),
      batch: 8,
    },
  };
}

export async function run(args: string[]): Promise<number> {
  const { json, seconds } = benchFlags(args);
  const peerOf = await peers();
  const rows: string[][] = [];
  const result: Record<string, { ours: number; peer: number; peerName: string }> = {};
  for (const name of ALGORITHM_NAMES) {
    const ours = kernelRate(await getAlgorithm(name).loadKernel(), CHUNK[name], seconds);
    const peer = peerRate(peerOf[name].hashOne, peerOf[name].batch, seconds);
    rows.push([name, 'ours (WebAssembly kernel)', formatRate(ours.perSecond, 'H/s'), `${(ours.perSecond / peer.perSecond).toFixed(1)}x`]);
    rows.push([name, `peer: ${peerOf[name].name}`, formatRate(peer.perSecond, 'H/s'), '1.0x']);
    result[name] = { ours: Math.round(ours.perSecond), peer: Math.round(peer.perSecond), peerName: peerOf[name].name };
  }
  // The scalar fallbacks (engines without SIMD128), for the record.
  for (const [name, mod, chunk] of [['sha256d', sha256dScalar, CHUNK.sha256d], ['scrypt', scryptScalar, CHUNK.scrypt]] as const) {
    const r = kernelRate(await instantiateKernel(name, mod.wasmBase64), chunk, seconds);
    rows.push([name, 'ours, scalar fallback', formatRate(r.perSecond, 'H/s'), `${(r.perSecond / result[name]!.peer).toFixed(1)}x`]);
  }
  if (!json) {
    printTable(['algorithm', `implementation (one thread, ${seconds} s each)`, 'rate', 'vs peer'], rows);
    process.stdout.write('\n');
  }
  process.stdout.write(JSON.stringify(result) + '\n');
  return 0;
}
