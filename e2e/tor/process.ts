/**
 * One tor process: spawned in its own process group so that stop() can signal the whole group,
 * with its notice log kept in memory so a readiness check (or an error message) can read it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';

export const TOR_BINARY = process.env.WORKPASS_TOR ?? 'tor';

export class TorProcessError extends Error {
  override readonly name = 'TorProcessError';
}

export interface TorProcess {
  readonly name: string;
  readonly pid: number;
  /** False once the process has exited. */
  readonly running: boolean;
  /** Resolves when the process has exited (code or signal). */
  readonly exited: Promise<void>;
  /** The last log lines, for error messages. */
  logTail(lines?: number): string;
  /** Resolves on the first log line matching `pattern`; rejects if tor exits first or the time runs out. */
  waitForLog(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

const LOG_LINES_KEPT = 400;

/** Starts `tor -f torrcPath` with an empty defaults file, logging notices to stdout. */
export function startTor(name: string, torrcPath: string, defaultsPath: string): TorProcess {
  const child = spawn(TOR_BINARY, ['--defaults-torrc', defaultsPath, '-f', torrcPath], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new TorProcessError(`${name}: could not spawn ${TOR_BINARY}`);
  return new ManagedTor(name, child, child.pid);
}

class ManagedTor implements TorProcess {
  readonly exited: Promise<void>;
  private readonly lines: string[] = [];
  private readonly watchers = new Set<(line: string) => void>();
  private exitInfo: string | undefined;
  private partial = '';

  constructor(
    readonly name: string,
    child: ChildProcess,
    readonly pid: number,
  ) {
    const onData = (chunk: Buffer): void => this.push(chunk.toString('utf8'));
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    this.exited = new Promise((resolve) => {
      child.once('error', (err) => {
        this.exitInfo = `spawn failed: ${err.message}`;
        resolve();
      });
      child.once('exit', (code, signal) => {
        this.exitInfo = signal === null ? `exit code ${code}` : `signal ${signal}`;
        resolve();
      });
    });
  }

  private push(text: string): void {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) {
      this.lines.push(line);
      if (this.lines.length > LOG_LINES_KEPT) this.lines.shift();
      for (const watch of this.watchers) watch(line);
    }
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  logTail(lines = 15): string {
    return this.lines.slice(-lines).join('\n');
  }

  waitForLog(pattern: RegExp, timeoutMs: number): Promise<string> {
    const seen = this.lines.find((line) => pattern.test(line));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.watchers.delete(watch);
      };
      const watch = (line: string): void => {
        if (!pattern.test(line)) return;
        done();
        resolve(line);
      };
      const timer = setTimeout(() => {
        done();
        reject(new TorProcessError(`${this.name}: no log line ${pattern} within ${timeoutMs} ms\n${this.logTail()}`));
      }, timeoutMs);
      this.watchers.add(watch);
      void this.exited.then(() => {
        if (!this.watchers.has(watch)) return;
        done();
        reject(new TorProcessError(`${this.name}: tor ended (${this.exitInfo}) before ${pattern}\n${this.logTail()}`));
      });
    });
  }

  async stop(graceMs = 5000): Promise<void> {
    if (this.exitInfo !== undefined) return;
    signalGroup(this.pid, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(this.pid, 'SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    // The group may outlive its leader only if tor forked; make sure nothing of it is left.
    signalGroup(this.pid, 'SIGKILL');
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (err) {
    // ESRCH: the group is already gone, which is what stop() wants.
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** PIDs of live processes whose command line mentions `path` (Linux /proc; `pgrep -f path` in effect). */
export async function processesUsing(path: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    if (cmdline.split('\0').some((arg) => arg.includes(path))) found.push(Number(entry));
  }
  return found;
}
