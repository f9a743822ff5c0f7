import { existsSync, readFileSync } from 'node:fs';
import { createSHA256 } from 'hash-wasm';
import { scrypt } from '@noble/hashes/scrypt.js';
import x11HashJs from '@dashevo/x11-hash-js';
import { benchFlags, formatRate, printTable } from './harness.js';
import { ALGORITHM_NAMES, getAlgorithm, type AlgorithmName } from '../src/core/pow/registry.js';
import { instantiateKernel } from '../src/core/pow/kernels/loader.js';
import * as sha256dScalar from '../src/core/pow/kernels/sha256d_scalar.wasm.generated.js';
import * as scryptScalar from '../src/core/pow/kernels/scrypt_scalar.wasm.generated.js';
import type { PowKernel } from '../src/core/pow/kernel.js';

/**
 * `workpass bench pow [--json] [--seconds N]`: each kernel scanning nonces in one thread, next to the
 * best JS/WASM peer hashing headers in the same run. The kernel's target is zero, so every nonce
 * is hashed and none is found. Prints a table (unless --json), then one JSON line of hashes/second:
 * "ours"/"peer" per wall second, and the same per CPU-second of the measuring thread, which is the figure
 * that holds when other work shares the machine.
 */

/** Nonces per scan call: large enough that the call overhead is noise, small enough to stop on time. */
const CHUNK: Record<AlgorithmName, number> = { sha256d: 1 << 16, scrypt: 32, x11: 256 };

function header76(): Uint8Array {
  const h = new Uint8Array(76);
  for (let i = 0; i < h.length; i++) h[i] = (i * 89 + 7) & 0xff;
  return h;
}

/** A rate per wall second and per CPU-second of the measuring thread (the latter holds on a loaded machine). */
interface PowRate {
  readonly perSecond: number;
  readonly perCpuSecond: number;
}

/**
 * CPU seconds of this (the main) thread: /proc/thread-self/stat utime + stime in USER_HZ ticks, which
 * leaves out V8's compiler and GC helper threads. Elsewhere, the whole process's CPU time.
 */
function threadCpuSeconds(): number {
  if (existsSync('/proc/thread-self/stat')) {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  }
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Calls `step()` (returning hashes done) for `seconds` after a warm-up that lets V8 tier up. */
function measure(step: () => number, seconds: number): PowRate {
  const warmEnd = performance.now() + Math.min(1000, seconds * 250);
  while (performance.now() < warmEnd) step();
  let hashes = 0;
  const cpu0 = threadCpuSeconds();
  const start = performance.now();
  const end = start + seconds * 1000;
  for (;;) {
    hashes += step();
    const now = performance.now();
    if (now < end) continue;
    // At least 5 clock ticks of CPU as well, so that very short runs still get a CPU figure.
    const cpu = threadCpuSeconds() - cpu0;
    if (cpu >= 0.05) return { perSecond: hashes / ((now - start) / 1000), perCpuSecond: hashes / cpu };
  }
}

function kernelRate(kernel: PowKernel, chunk: number, seconds: number): PowRate {
  kernel.setJob(header76(), new Uint8Array(32));
  let nonce = 0;
  return measure(() => {
    const { hashes } = kernel.scan(nonce, chunk);
    nonce = (nonce + hashes) >>> 0;
    return hashes;
  }, seconds);
}

/** A peer hashing full headers, nonce written into the header each time, `batch` per step. */
function peerRate(hashOne: (header: Uint8Array) => unknown, batch: number, seconds: number): PowRate {
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
  const result: Record<string, { ours: number; peer: number; peerName: string; oursPerCpuSecond: number; peerPerCpuSecond: number }> = {};
  const row = (name: string, impl: string, r: PowRate, peer: PowRate) => [
    name, impl, formatRate(r.perSecond, 'H/s'), formatRate(r.perCpuSecond, 'H/s'), `${(r.perCpuSecond / peer.perCpuSecond).toFixed(1)}x`,
  ];
  const peerRates: Partial<Record<AlgorithmName, PowRate>> = {};
  for (const name of ALGORITHM_NAMES) {
    const ours = kernelRate(await getAlgorithm(name).loadKernel(), CHUNK[name], seconds);
    const peer = peerRate(peerOf[name].hashOne, peerOf[name].batch, seconds);
    peerRates[name] = peer;
    rows.push(row(name, 'ours (WebAssembly kernel)', ours, peer));
    rows.push(row(name, `peer: ${peerOf[name].name}`, peer, peer));
    result[name] = {
      ours: Math.round(ours.perSecond), peer: Math.round(peer.perSecond), peerName: peerOf[name].name,
      oursPerCpuSecond: Math.round(ours.perCpuSecond), peerPerCpuSecond: Math.round(peer.perCpuSecond),
    };
  }
  // The scalar fallbacks (engines without SIMD128), for the record.
  for (const [name, mod, chunk] of [['sha256d', sha256dScalar, CHUNK.sha256d], ['scrypt', scryptScalar, CHUNK.scrypt]] as const) {
    const r = kernelRate(await instantiateKernel(name, mod.wasmBase64), chunk, seconds);
    rows.push(row(name, 'ours, scalar fallback', r, peerRates[name]!));
  }
  if (!json) {
    printTable(['algorithm', `implementation (one thread, ${seconds} s each)`, 'rate (wall)', 'per CPU-second', 'vs peer (CPU)'], rows);
    process.stdout.write('\n');
  }
  process.stdout.write(JSON.stringify(result) + '\n');
  return 0;
}
