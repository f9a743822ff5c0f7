// The X11 mining kernel (wasm/kernels/x11.ts) through the shared loader: hash() against the oracle
// and the real Dash chain, scan() against a plain loop over the oracle.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import blocks from '../vectors/pow-x11-blocks.json' with { type: 'json' };
import { instantiateKernel } from '../../src/core/pow/kernels/loader.js';
import { wasmBase64 } from '../../src/core/pow/kernels/x11.wasm.generated.js';
import { targetFromNbits, targetToBytes } from '../../src/core/pow/target.js';
import { hex, oracleX11, seededBytes } from './x11-oracle.js';

const kernel = await instantiateKernel('x11', wasmBase64);

interface DashBlock { height: number; headerHex: string; bits: string; nonce: number; hash: string }
const dashBlocks: readonly DashBlock[] = blocks.vectors;

const withNonce = (header76: Uint8Array, nonce: number): Uint8Array => {
  const h = new Uint8Array(80);
  h.set(header76);
  new DataView(h.buffer).setUint32(76, nonce >>> 0, true);
  return h;
};
const leToBigint = (b: Uint8Array): bigint => b.reduceRight((acc, x) => (acc << 8n) | BigInt(x), 0n);

/** The first nonce in [start, start + count) (mod 2^32) whose oracle hash meets target, or null. */
function referenceScan(header76: Uint8Array, target: Uint8Array, start: number, count: number): number | null {
  const t = leToBigint(target);
  for (let i = 0; i < count; i++) {
    const nonce = (start + i) >>> 0;
    if (leToBigint(oracleX11(withNonce(header76, nonce))) <= t) return nonce;
  }
  return null;
}

// A target met by about one hash in 16: top byte 0x0f, the rest 0xff.
const EASY = new Uint8Array(32).fill(0xff);
EASY[31] = 0x0f;

describe('X11 kernel: hash()', () => {
  it('equals the oracle on random headers (property, fixed seed)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 80, maxLength: 80 }), (h) => hex(kernel.hash(h)) === hex(oracleX11(h))),
      { numRuns: 40, seed: 0x5811 },
    );
  });

  it('equals the oracle on headers that differ in one nonce bit', () => {
    const base = seededBytes(7000, 80);
    for (let bit = 0; bit < 32; bit += 3) {
      const h = base.slice();
      h[76 + (bit >> 3)] ^= 1 << (bit & 7);
      expect(hex(kernel.hash(h)), `bit ${bit}`).toBe(hex(oracleX11(h)));
    }
  });

  it('gives the published Dash block hashes (genesis and block 1)', () => {
    expect(dashBlocks.map((v) => v.height)).toContain(0);
    for (const v of dashBlocks) {
      const digest = kernel.hash(Buffer.from(v.headerHex, 'hex'));
      expect(hex(digest.slice().reverse()), `height ${v.height}`).toBe(v.hash);
    }
  });
});

describe('X11 kernel: scan()', () => {
  it('finds the same first nonce as a plain loop over the oracle, on several jobs', () => {
    for (let job = 0; job < 4; job++) {
      const header76 = seededBytes(8100 + job, 76);
      const start = (job * 0x9e3779b9) >>> 0;
      kernel.setJob(header76, EASY);
      const expected = referenceScan(header76, EASY, start, 120);
      const got = kernel.scan(start, 120);
      expect(got.nonce, `job ${job}`).toBe(expected);
      expect(got.hashes).toBe(expected === null ? 120 : ((expected - start) >>> 0) + 1);
    }
  });

  it('finds the Dash genesis nonce at the genesis target', () => {
    const g = dashBlocks.find((v) => v.height === 0)!;
    const header = Buffer.from(g.headerHex, 'hex');
    const target = targetToBytes(targetFromNbits(parseInt(g.bits, 16)));
    kernel.setJob(header.subarray(0, 76), target);
    const start = g.nonce - 8;
    const expected = referenceScan(header.subarray(0, 76), target, start, 12);
    expect(expected).toBe(g.nonce);
    expect(kernel.scan(start, 12)).toEqual({ nonce: g.nonce, hashes: 9 });
  });

  it('wraps around 2^32 like the reference loop', () => {
    const header76 = seededBytes(8200, 76);
    kernel.setJob(header76, EASY);
    const start = 0xffffffc0;
    const expected = referenceScan(header76, EASY, start, 128);
    const got = kernel.scan(start, 128);
    expect(got.nonce).toBe(expected);
    // With a target no hash meets, all nonces across the wrap are tried.
    kernel.setJob(header76, new Uint8Array(32));
    expect(kernel.scan(0xfffffffe, 5)).toEqual({ nonce: null, hashes: 5 });
  });

  it('reports none and the count when nothing meets the target; count 0 does nothing', () => {
    kernel.setJob(seededBytes(8300, 76), new Uint8Array(32));
    expect(kernel.scan(1000, 50)).toEqual({ nonce: null, hashes: 50 });
    expect(kernel.scan(1000, 0)).toEqual({ nonce: null, hashes: 0 });
  });

  it('a target every hash meets stops at the start nonce', () => {
    kernel.setJob(seededBytes(8400, 76), new Uint8Array(32).fill(0xff));
    expect(kernel.scan(77, 1000)).toEqual({ nonce: 77, hashes: 1 });
  });

  it('hash() between scans does not disturb the job', () => {
    const header76 = seededBytes(8500, 76);
    kernel.setJob(header76, EASY);
    const first = kernel.scan(5, 200);
    kernel.hash(seededBytes(8501, 80));
    expect(kernel.scan(5, 200)).toEqual(first);
  });

  it('rejects bad arguments through the loader without touching the job', () => {
    const header76 = seededBytes(8600, 76);
    kernel.setJob(header76, EASY);
    const before = kernel.scan(0, 100);
    expect(() => kernel.setJob(new Uint8Array(75), EASY)).toThrow();
    expect(() => kernel.setJob(header76, new Uint8Array(31))).toThrow();
    expect(() => kernel.scan(-1, 10)).toThrow();
    expect(() => kernel.scan(0, 2 ** 32)).toThrow();
    expect(() => kernel.hash(new Uint8Array(79))).toThrow();
    expect(kernel.scan(0, 100)).toEqual(before);
  });
});
