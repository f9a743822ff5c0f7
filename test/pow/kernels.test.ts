import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { getAlgorithm, type AlgorithmName } from '../../src/core/pow/registry.js';
import { instantiateKernel, loadBestKernel } from '../../src/core/pow/kernels/loader.js';
import type { PowKernel } from '../../src/core/pow/kernel.js';
import { hashMeetsTarget, hashToBigint, targetToBytes } from '../../src/core/pow/target.js';
import { InputError } from '../../src/core/util/errors.js';
import * as sha256dSimd from '../../src/core/pow/kernels/sha256d.wasm.generated.js';
import * as sha256dScalar from '../../src/core/pow/kernels/sha256d_scalar.wasm.generated.js';
import * as scryptSimd from '../../src/core/pow/kernels/scrypt.wasm.generated.js';
import * as scryptScalar from '../../src/core/pow/kernels/scrypt_scalar.wasm.generated.js';

/** Every build of every kernel, each checked against the registry's reference hash. */
const builds: Array<[string, AlgorithmName, string]> = [
  ['sha256d (SIMD)', 'sha256d', sha256dSimd.wasmBase64],
  ['sha256d_scalar', 'sha256d', sha256dScalar.wasmBase64],
  ['scrypt (SIMD)', 'scrypt', scryptSimd.wasmBase64],
  ['scrypt_scalar', 'scrypt', scryptScalar.wasmBase64],
];

const header80 = fc.uint8Array({ minLength: 80, maxLength: 80 });
const withNonce = (h76: Uint8Array, nonce: number) => {
  const h = new Uint8Array(80);
  h.set(h76);
  new DataView(h.buffer).setUint32(76, nonce >>> 0, true);
  return h;
};

/** A plain reference loop: the first nonce in [start, start+count) whose reference hash meets target. */
function referenceScan(name: AlgorithmName, h76: Uint8Array, target: bigint, start: number, count: number) {
  const algo = getAlgorithm(name);
  for (let i = 0; i < count; i++) {
    const nonce = (start + i) >>> 0;
    if (hashMeetsTarget(algo.referenceHash(withNonce(h76, nonce)), target)) return { nonce, hashes: i + 1 };
  }
  return { nonce: null, hashes: count };
}

describe.each(builds)('%s kernel', (_label, name, base64) => {
  const algo = getAlgorithm(name);
  const runs = name === 'scrypt' ? 8 : 40;
  let kernel: PowKernel;
  const load = async () => (kernel ??= await instantiateKernel(name, base64));

  it('hash == reference on random headers', async () => {
    const k = await load();
    await fc.assert(fc.asyncProperty(header80, async (h) => {
      expect(k.hash(h)).toEqual(algo.referenceHash(h));
    }), { numRuns: runs * 2 });
  });

  it('scan finds the same first nonce as a plain reference loop (including the 2^32 wrap)', async () => {
    const k = await load();
    // Targets that about 1 in 2^bits hashes meet, so the loop finds something or nothing within the range.
    await fc.assert(fc.asyncProperty(
      fc.uint8Array({ minLength: 76, maxLength: 76 }),
      fc.oneof(fc.nat(), fc.integer({ min: 0xffffffe0, max: 0xffffffff })),
      fc.integer({ min: 2, max: 5 }),
      fc.integer({ min: 1, max: name === 'scrypt' ? 24 : 64 }),
      async (h76, start, bits, count) => {
        const target = (1n << BigInt(256 - bits)) - 1n;
        k.setJob(h76, targetToBytes(target));
        expect(k.scan(start >>> 0, count)).toEqual(referenceScan(name, h76, target, start >>> 0, count));
      },
    ), { numRuns: runs });
  });

  it('a hash exactly at the target is found; one below the hash is not', async () => {
    const k = await load();
    await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 76, maxLength: 76 }), fc.nat(), async (h76, nonce) => {
      const value = hashToBigint(algo.referenceHash(withNonce(h76, nonce)));
      k.setJob(h76, targetToBytes(value));
      expect(k.scan(nonce, 1)).toEqual({ nonce, hashes: 1 });
      k.setJob(h76, targetToBytes(value - 1n));
      expect(k.scan(nonce, 1)).toEqual({ nonce: null, hashes: 1 });
    }), { numRuns: runs });
  });

  it('hash() between scans does not disturb the job', async () => {
    const k = await load();
    const h76 = new Uint8Array(76).fill(7);
    k.setJob(h76, targetToBytes((1n << 253n) - 1n));
    const first = k.scan(0, 64);
    k.hash(new Uint8Array(80).fill(9));
    expect(k.scan(0, 64)).toEqual(first);
  });

  it('count 0 does nothing', async () => {
    const k = await load();
    k.setJob(new Uint8Array(76), targetToBytes((1n << 256n) - 1n));
    expect(k.scan(5, 0)).toEqual({ nonce: null, hashes: 0 });
  });

  it('bad input gets InputError', async () => {
    const k = await load();
    expect(() => k.setJob(new Uint8Array(75), new Uint8Array(32))).toThrow(InputError);
    expect(() => k.setJob(new Uint8Array(76), new Uint8Array(31))).toThrow(InputError);
    expect(() => k.setJob([] as unknown as Uint8Array, new Uint8Array(32))).toThrow(InputError);
    expect(() => k.scan(-1, 1)).toThrow(InputError);
    expect(() => k.scan(0, 2 ** 32)).toThrow(InputError);
    expect(() => k.scan(0.5, 1)).toThrow(InputError);
    expect(() => k.hash(new Uint8Array(79))).toThrow(InputError);
  });
});

describe('loader', () => {
  it('scan before setJob is an error', async () => {
    const k = await instantiateKernel('sha256d', sha256dScalar.wasmBase64);
    expect(() => k.scan(0, 1)).toThrow(/before setJob/);
  });

  it('rejects a module without the ABI exports', async () => {
    // The smallest valid module: magic and version only.
    await expect(instantiateKernel('empty', 'AGFzbQEAAAA=')).rejects.toThrow(/lacks export/);
  });

  it('falls back to the scalar build when the SIMD module does not validate', async () => {
    // A module whose only function uses an opcode no engine knows stands in for "SIMD unsupported".
    const invalid = btoa(String.fromCharCode(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 0x0a, 5, 1, 3, 0, 0xff, 0x0b));
    let scalarLoaded = false;
    const k = await loadBestKernel('sha256d', async () => ({ wasmBase64: invalid }), async () => {
      scalarLoaded = true;
      return sha256dScalar;
    });
    expect(scalarLoaded).toBe(true);
    const h = new Uint8Array(80).fill(1);
    expect(k.hash(h)).toEqual(getAlgorithm('sha256d').referenceHash(h));
  });

  it('a clear error when neither build validates', async () => {
    const invalid = btoa(String.fromCharCode(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 0x0a, 5, 1, 3, 0, 0xff, 0x0b));
    const load = async () => ({ wasmBase64: invalid });
    await expect(loadBestKernel('x11', load, load)).rejects.toThrow(/cannot run the kernel/);
  });

  it('uses the SIMD build where it validates (SIMD128 is in Node 20)', async () => {
    let scalarLoaded = false;
    await loadBestKernel('sha256d', async () => sha256dSimd, async () => {
      scalarLoaded = true;
      return sha256dScalar;
    });
    expect(scalarLoaded).toBe(false);
  });

  it('registry loads every algorithm and rejects unknown names', async () => {
    expect(() => getAlgorithm('sha256')).toThrow(InputError);
    expect(() => getAlgorithm('__proto__')).toThrow(InputError);
    for (const name of ['sha256d', 'scrypt', 'x11'] as const) {
      const k = await getAlgorithm(name).loadKernel();
      expect(k.algorithm).toBe(name);
    }
  });
});
