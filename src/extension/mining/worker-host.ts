import type { WorkOrder, WorkReport } from './work.js';

/**
 * The worker-host seam: where the hashing Workers live. Firefox (and Tor Browser) start them from
 * the event page itself (WorkerPool); a Chromium service worker cannot start Workers, so there they
 * live in an offscreen document (OffscreenHost). The background picks one once, by capability.
 */
export interface WorkerHost {
  /** Replaces whatever is being mined with `order`. */
  setWork(order: WorkOrder): Promise<void>;
  /** Stops all hashing (workers may be kept for the next order). */
  stop(): Promise<void>;
  /** Stops and frees the workers (and Chromium's offscreen document) until the next order. */
  release(): Promise<void>;
  /** Receives the workers' reports; set by the background. */
  onReport: ((report: WorkReport) => void) | null;
}
