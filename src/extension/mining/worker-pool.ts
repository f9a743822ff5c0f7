import * as Comlink from 'comlink';
import type { HashWorkerApi } from '../worker/main.js';
import { nonceSlices, type WorkOrder, type WorkReport } from './work.js';
import type { WorkerHost } from './worker-host.js';

/**
 * A pool of dedicated hashing Workers in the current context (the Firefox event page, or Chromium's
 * offscreen document). Each order is split into one contiguous nonce slice per worker.
 */
export class WorkerPool implements WorkerHost {
  onReport: ((report: WorkReport) => void) | null = null;
  readonly #workers: { worker: Worker; api: Comlink.Remote<HashWorkerApi> }[] = [];
  /** Workers whose slice of the current order is done. */
  #exhausted = 0;
  #orderId = -1;

  constructor(private readonly workerUrl: string) {}

  async setWork(order: WorkOrder): Promise<void> {
    while (this.#workers.length < order.workers) {
      const worker = new Worker(this.workerUrl);
      this.#workers.push({ worker, api: Comlink.wrap<HashWorkerApi>(worker) });
    }
    while (this.#workers.length > order.workers) {
      this.#workers.pop()?.worker.terminate();
    }
    this.#exhausted = 0;
    this.#orderId = order.orderId;
    const slices = nonceSlices(order.workers);
    const report = Comlink.proxy((r: WorkReport) => this.#report(r, order.workers));
    this.#workers.forEach(({ api }, i) => {
      void api.run({ ...order, ...slices[i]! }, report);
    });
  }

  #report(r: WorkReport, workers: number): void {
    if (r.orderId !== this.#orderId) return;
    if (r.type === 'exhausted') {
      // The order is exhausted once every worker's slice is.
      this.#exhausted++;
      if (this.#exhausted < workers) return;
    }
    this.onReport?.(r);
  }

  async stop(): Promise<void> {
    await Promise.all(this.#workers.map(({ api }) => api.stop()));
  }

  async release(): Promise<void> {
    this.#orderId = -1;
    for (const { worker } of this.#workers.splice(0)) worker.terminate();
  }
}
