import { describe, expect, it } from 'vitest';
import type { PowKernel, ScanResult } from '../../src/core/pow/kernel.js';
import { getAlgorithm } from '../../src/core/pow/registry.js';
import { buildHeader, nonceToHex } from '../../src/core/pow/stratum.js';
import { hashMeetsTarget, targetFromDifficulty, targetToBytes } from '../../src/core/pow/target.js';
import { bytesToHex } from '../../src/core/util/bytes.js';
import { scanLoop, type ScanClock } from '../../src/extension/mining/scan-loop.js';
import type { ScanOrder, WorkReport } from '../../src/extension/mining/work.js';
import { JOB } from './fakes.js';

/**
 * Virtual time: hashing costs `msPerHash`; the clock reads in `tick` ms steps; timed sleeps overrun by
 * `lateMs` (a zero sleep is a plain yield, as realClock's MessageChannel yield is).
 */
class VirtualMachine implements ScanClock {
  t = 0;
  busy = 0;
  constructor(readonly msPerHash: number, readonly tick = 0, readonly lateMs = 0) {}
  now(): number {
    return this.tick > 0 ? Math.floor(this.t / this.tick) * this.tick : this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.t += ms > 0 ? ms + this.lateMs : 0;
  }
  kernel(shareAt: number | null = null): PowKernel {
    return {
      algorithm: 'fake',
      setJob: () => undefined,
      hash: () => new Uint8Array(32),
      scan: (start: number, count: number): ScanResult => {
        let n = count;
        let nonce: number | null = null;
        if (shareAt !== null && shareAt >= start && shareAt < start + count) {
          n = shareAt - start + 1;
          nonce = shareAt;
        }
        this.t += n * this.msPerHash;
        this.busy += n * this.msPerHash;
        return { nonce, hashes: n };
      },
    };
  }
}

const ORDER: ScanOrder = {
  orderId: 5, algorithm: 'sha256d', header76: '00'.repeat(76), target: 'ff'.repeat(32), duty: 0.25, startNonce: 0, count: 2 ** 32,
};

async function runFor(vm: VirtualMachine, order: ScanOrder, wallMs: number, shareAt: number | null = null): Promise<WorkReport[]> {
  const reports: WorkReport[] = [];
  await scanLoop(vm.kernel(shareAt), order, (r) => reports.push(r), () => vm.t >= wallMs, vm);
  return reports;
}

describe('scanLoop duty cycling', () => {
  for (const [name, tick, late] of [['exact clock', 0, 0], ['100 ms clock (resistFingerprinting)', 100, 0], ['timers 20 ms late', 1, 20]] as const) {
    for (const duty of [0.1, 0.25, 0.5, 1]) {
      it(`keeps busy/wall at duty ${duty} with ${name}`, async () => {
        const vm = new VirtualMachine(0.001, tick, late);
        await runFor(vm, { ...ORDER, duty }, 120_000);
        expect(vm.busy / vm.t).toBeGreaterThan(duty - 0.02);
        expect(vm.busy / vm.t).toBeLessThan(duty + 0.02);
      });
    }
  }

  it('reports a share, progress about every second, and exhaustion at the end of its slice', async () => {
    const vm = new VirtualMachine(0.01);
    const reports = await runFor(vm, { ...ORDER, duty: 1, startNonce: 1000, count: 300_000 }, Infinity, 123_456);
    expect(reports.filter((r) => r.type === 'share')).toEqual([{ type: 'share', orderId: 5, nonce: 123_456 }]);
    const progress = reports.filter((r) => r.type === 'progress');
    expect(progress.length).toBeGreaterThanOrEqual(2);
    const total = progress.reduce((a, r) => a + (r.type === 'progress' ? r.hashes : 0), 0);
    expect(total).toBeLessThanOrEqual(300_000);
    expect(reports.at(-1)).toEqual({ type: 'exhausted', orderId: 5 });
  });

  it('stops without reporting exhaustion when told to', async () => {
    const vm = new VirtualMachine(0.001);
    const reports = await runFor(vm, ORDER, 5_000);
    expect(reports.some((r) => r.type === 'exhausted')).toBe(false);
  });
});

describe('scanLoop with the real sha256d kernel', () => {
  it('finds a nonce whose header meets the target', async () => {
    const algo = getAlgorithm('sha256d');
    const header = buildHeader(JOB, '00000001', '00000002', JOB.ntime, '00000000');
    const target = targetFromDifficulty(algo, 2 ** -12);
    const reports: WorkReport[] = [];
    let found = false;
    await scanLoop(await algo.loadKernel(), {
      ...ORDER, duty: 1, header76: bytesToHex(header.subarray(0, 76)), target: bytesToHex(targetToBytes(target)),
    }, (r) => {
      reports.push(r);
      if (r.type === 'share') found = true;
    }, () => found);
    const share = reports.find((r) => r.type === 'share');
    if (share?.type !== 'share') throw new Error('no share');
    const full = buildHeader(JOB, '00000001', '00000002', JOB.ntime, nonceToHex(share.nonce));
    expect(hashMeetsTarget(algo.referenceHash(full), target)).toBe(true);
  });
});
