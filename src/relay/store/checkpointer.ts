import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints off the main thread. A checkpoint fsyncs the WAL and the database; on the event
 * loop it would stall every client for the length of a disk flush. So the main connection turns
 * automatic checkpoints off and this worker thread, with its own connection, runs a PASSIVE
 * checkpoint (which never blocks the writer) every `intervalMs`.
 */
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { parentPort.postMessage(String(err && err.message)); }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); process.exit(0); });
`;

export class Checkpointer {
  private readonly worker: Worker;

  constructor(path: string, intervalMs: number, onError: (message: string) => void) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, intervalMs, driver } });
    this.worker.on('message', (m: unknown) => onError(String(m)));
    this.worker.on('error', (err) => onError(err.message));
    this.worker.unref();
  }

  async close(): Promise<void> {
    const exited = new Promise((r) => this.worker.once('exit', r));
    // The worker is unref'd so it never keeps the daemon alive; while we wait for it to exit it
    // must hold the event loop, or a shutdown with nothing else pending ends before it finishes.
    this.worker.ref();
    this.worker.postMessage('stop');
    await exited;
  }
}
