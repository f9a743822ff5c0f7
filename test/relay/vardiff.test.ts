import { describe, expect, it } from 'vitest';
import { quantizeDifficulty, Vardiff } from '../../src/relay/vardiff.js';
import { TokenBucket } from '../../src/relay/limits.js';
import { ExtranonceAllocator } from '../../src/relay/extranonce.js';
import { LineSplitter } from '../../src/relay/transport/lines.js';

const opts = { targetSeconds: 15, retargetSeconds: 60, fastShares: 12, min: 1e-6, max: 1e6 };

describe('vardiff', () => {
  it('raises difficulty for a fast miner (at most 4x per retarget)', () => {
    const v = new Vardiff(opts, 0.001, 0);
    let next: number | undefined;
    for (let i = 1; i <= 12 && next === undefined; i++) next = v.onShare(i * 100);
    expect(next).toBe(0.004);
  });

  it('lowers difficulty for a slow miner, and for one that found nothing', () => {
    const v = new Vardiff(opts, 0.001, 0);
    expect(v.onShare(30_000)).toBeUndefined();
    // Two shares in 60 s = 30 s a share: half the difficulty.
    expect(v.onShare(60_000)).toBe(0.0005);
    const idle = new Vardiff(opts, 0.001, 0);
    expect(idle.onTick(60_000)).toBeUndefined();
    expect(idle.onTick(120_000)).toBe(0.00025);
  });

  it('holds steady near the target rate and respects min/max', () => {
    const v = new Vardiff(opts, 0.001, 0);
    let changed = false;
    for (let i = 1; i <= 8; i++) changed ||= v.onShare(i * 15_000) !== undefined;
    expect(changed).toBe(false);
    expect(quantizeDifficulty(1e-9, 1e-6, 1)).toBe(1e-6);
    expect(quantizeDifficulty(5, 1e-6, 1)).toBe(1);
    expect(quantizeDifficulty(0.0012345, 1e-6, 1)).toBe(0.00123);
  });
});

describe('limits and framing', () => {
  it('token bucket refills at its rate', () => {
    const b = new TokenBucket(2, 2, 0);
    expect([b.take(0), b.take(0), b.take(0)]).toEqual([true, true, false]);
    expect(b.take(499)).toBe(false);
    expect(b.take(1000)).toBe(true);
  });

  it('extranonce slices are unique while held and reusable after release', () => {
    const a = new ExtranonceAllocator({ prefix: 'ff', sliceBytes: 1, extranonce2Size: 3 });
    const got = new Set<string>();
    for (let i = 0; i < 256; i++) got.add(a.allocate()!);
    expect(got.size).toBe(256);
    expect([...got].every((e) => e.startsWith('ff') && e.length === 4)).toBe(true);
    expect(a.allocate()).toBeNull();
    a.release('ff07');
    expect(a.allocate()).toBe('ff07');
  });

  it('line splitter handles split chunks, CRLF, multibyte UTF-8 and the cap', () => {
    const s = new LineSplitter(16);
    expect(s.push(Buffer.from('{"a":'))).toEqual([]);
    expect(s.push(Buffer.from('1}\r\n\n{"b"'))).toEqual(['{"a":1}']);
    const euro = Buffer.from('"€"\n');
    expect(s.push(euro.subarray(0, 2))).toEqual([]);
    expect(s.push(euro.subarray(2))).toEqual(['{"b""€"']);
    expect(new LineSplitter(4).push(Buffer.from('123456'))).toBe('overflow');
  });
});
