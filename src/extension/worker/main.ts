// The hashing Worker: one PoW kernel (WebAssembly) scanning the nonce slice it is given. Driven over
// comlink by a WorkerPool (in the Firefox event page, or in Chromium's offscreen document).
import * as Comlink from 'comlink';
import { getAlgorithm } from '../../core/pow/registry.js';
import type { PowKernel } from '../../core/pow/kernel.js';
import { scanLoop } from '../mining/scan-loop.js';
import type { ScanOrder, WorkReport } from '../mining/work.js';

const kernels = new Map<string, Promise<PowKernel>>();
let current = 0;

function kernelFor(algorithm: string): Promise<PowKernel> {
  let k = kernels.get(algorithm);
  if (k === undefined) {
    k = getAlgorithm(algorithm).loadKernel();
    kernels.set(algorithm, k);
    k.catch(() => kernels.delete(algorithm));
  }
  return k;
}

const api = {
  /** Runs `order` until its slice is done or another run/stop supersedes it. */
  async run(order: ScanOrder, report: (r: WorkReport) => void): Promise<void> {
    const mine = ++current;
    try {
      const kernel = await kernelFor(order.algorithm);
      if (mine !== current) return;
      await scanLoop(kernel, order, report, () => mine !== current);
    } catch (e) {
      if (mine === current) report({ type: 'failed', orderId: order.orderId, message: e instanceof Error ? e.message : String(e) });
    }
  },
  stop(): void {
    current++;
  },
};

export type HashWorkerApi = typeof api;

Comlink.expose(api);
