/**
 * The teardown of an `npm start` job: what the job started is closed in reverse order at the end, on
 * an error, or on SIGINT/SIGTERM. Every temporary file of the job lives under one run directory
 * (TMPDIR points there, so the browser profile, the tor data directories and the daemon's data go
 * there too), so a signal that arrives half-way through a start, before the starting code has handed
 * its processes over, is still covered: after the closers, every process whose command line names
 * the run directory, and every descendant of one, is ended, and then the directory is removed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { treeOf } from '../e2e/lib/procs.js';

/** How long one closer may take before the sweep takes over. */
const CLOSE_TIMEOUT_MS = 15_000;
/** SIGTERM first; SIGKILL for what is still there after this long. */
const TERM_GRACE_MS = 5_000;
/** A signal this soon after the first is the same request again, not a second one. */
const DUPLICATE_SIGNAL_MS = 2_000;

export class Teardown {
  private readonly closers: Array<{ what: string; close: () => Promise<void> }> = [];
  private exiting = false;

  private constructor(readonly runDir: string) {}

  /** Makes the run directory and points TMPDIR (hence os.tmpdir()) of this process at it. */
  static create(prefix: string): Teardown {
    if (!/^[a-z0-9-]+$/.test(prefix)) throw new RangeError(`prefix: lowercase letters, digits and '-' only, got '${prefix}'`);
    const runDir = mkdtempSync(join(tmpdir(), prefix));
    process.env.TMPDIR = runDir;
    return new Teardown(runDir);
  }

  /** True once exit() has begun: the job's own errors from then on are the teardown's doing. */
  get stopping(): boolean {
    return this.exiting;
  }

  /** Registers a closer; closers run last-registered first. */
  defer(what: string, close: () => Promise<void>): void {
    this.closers.push({ what, close });
  }

  /** SIGINT and SIGTERM end the job with exit 0 (the user asked for it); a second one kills what is left, exit 1. */
  onSignals(): void {
    let first = 0;
    const stop = (signal: NodeJS.Signals): void => {
      // Under `npm start` one Ctrl-C can arrive twice: from the terminal, and forwarded by npm.
      if (this.exiting && Date.now() - first < DUPLICATE_SIGNAL_MS) return;
      if (this.exiting) {
        process.stdout.write(`start: ${signal} again, killing what is left\n`);
        this.kill();
        return;
      }
      first = Date.now();
      process.stdout.write(`start: ${signal}, stopping\n`);
      void this.exit(0);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  }

  /** Closes everything, ends what is left of the run, removes the run directory, exits. */
  async exit(code: number): Promise<never> {
    // A second call (a signal during the teardown, an error of a start it interrupted) waits for the first.
    if (this.exiting) return new Promise<never>(() => {});
    this.exiting = true;
    for (const { what, close } of this.closers.reverse()) {
      try {
        await withTimeout(close(), CLOSE_TIMEOUT_MS, what);
      } catch (e) {
        process.stderr.write(`start: stopping the ${what}: ${e instanceof Error ? e.message : String(e)}\n`);
      }
    }
    const swept = await endProcessesUnder(this.runDir);
    if (swept > 0) process.stderr.write(`start: ended ${swept} process(es) left under ${this.runDir}\n`);
    // Synchronous from the last look to the exit, so that nothing a still-running start spawns slips by.
    for (;;) {
      const left = treeOf(this.runDir).filter((p) => p.pid !== process.pid);
      if (left.length === 0) break;
      for (const p of left) kill(p.pid, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    rmSync(this.runDir, { recursive: true, force: true });
    process.exit(code);
  }

  /** SIGKILL to every process of the run (one snapshot), the run directory removed, exit 1. */
  private kill(): never {
    for (const p of treeOf(this.runDir)) if (p.pid !== process.pid) kill(p.pid, 'SIGKILL');
    try {
      rmSync(this.runDir, { recursive: true, force: true });
    } catch (e) {
      process.stderr.write(`start: could not remove ${this.runDir}: ${e instanceof Error ? e.message : String(e)}\n`);
    }
    process.exit(1);
  }
}

/** Ends the processes naming `dir` and their descendants; returns how many there were. */
async function endProcessesUnder(dir: string): Promise<number> {
  const seen = new Set<number>();
  const deadline = Date.now() + TERM_GRACE_MS;
  for (;;) {
    // One snapshot, signalled whole: a child killed after its parent would have left the tree.
    const tree = treeOf(dir).filter((p) => p.pid !== process.pid);
    if (tree.length === 0) return seen.size;
    const late = Date.now() > deadline;
    for (const p of tree) {
      if (late) kill(p.pid, 'SIGKILL');
      else if (!seen.has(p.pid)) kill(p.pid, 'SIGTERM');
      seen.add(p.pid);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (e) {
    // ESRCH: it is gone already, which is the point.
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

async function withTimeout(p: Promise<void>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: did not close within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
