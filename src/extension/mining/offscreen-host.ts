import { browser, type OffscreenApi } from '../platform/browser.js';
import type { OffscreenCommand } from './messages.js';
import type { WorkOrder, WorkReport } from './work.js';
import type { WorkerHost } from './worker-host.js';

/**
 * Chromium's worker host: the Workers live in an offscreen document (reason WORKERS), driven by
 * runtime messages. The document is created on first use and found again after the service worker
 * restarts. Reports come back as runtime messages, which the background's listener passes to
 * `deliver`.
 */
export class OffscreenHost implements WorkerHost {
  onReport: ((report: WorkReport) => void) | null = null;
  #creating: Promise<void> | null = null;

  constructor(private readonly offscreen: OffscreenApi, private readonly justification: string) {}

  async #ensureDocument(): Promise<void> {
    if (this.offscreen.hasDocument !== undefined && (await this.offscreen.hasDocument())) return;
    this.#creating ??= this.offscreen
      .createDocument({ url: 'offscreen.html', reasons: ['WORKERS'], justification: this.justification })
      .catch((e: unknown) => {
        // Another call (or an earlier life of this service worker) created it first.
        if (!(e instanceof Error && /single offscreen document/i.test(e.message))) throw e;
      })
      .finally(() => {
        this.#creating = null;
      });
    await this.#creating;
  }

  async #send(cmd: OffscreenCommand): Promise<void> {
    await browser.runtime.sendMessage(cmd);
  }

  async setWork(order: WorkOrder): Promise<void> {
    await this.#ensureDocument();
    await this.#send({ to: 'offscreen', type: 'setWork', order });
  }

  async stop(): Promise<void> {
    if (this.offscreen.hasDocument !== undefined && !(await this.offscreen.hasDocument())) return;
    await this.#send({ to: 'offscreen', type: 'stop' });
  }

  async release(): Promise<void> {
    if (this.offscreen.hasDocument !== undefined && !(await this.offscreen.hasDocument())) return;
    await this.offscreen.closeDocument().catch(() => undefined);
  }

  deliver(report: WorkReport): void {
    this.onReport?.(report);
  }
}
