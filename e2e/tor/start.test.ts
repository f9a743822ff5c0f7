/**
 * `npm start -- --tor` as a user runs it (node scripts/start.mjs, a child process): it builds the
 * private Tor network, puts the daemon behind an onion service, and Firefox ESR mines over it until
 * the first accepted share (--once); a SIGTERM half-way through the network's start stops it too.
 * Either way nothing of the run is left: every process the run had (tor, Firefox and Firefox's
 * children, sampled while it ran) is gone, and its temporary directories are removed. The child's
 * TMPDIR is a directory of this test, so everything of the run can be found from it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../lib/paths.js';
import { treeOf } from '../lib/procs.js';

interface Run {
  readonly child: ChildProcess;
  readonly tmp: string;
  /** stdout and stderr, interleaved as they came. */
  output: string;
  /** Every process seen under the run's TMPDIR while it ran: pid -> command line. */
  readonly seen: Map<number, string>;
  /** Takes a sample now (the timer takes one every 200 ms). */
  sample(): void;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const runs: Run[] = [];

function start(args: string[]): Run {
  const tmp = mkdtempSync(join(tmpdir(), 'workpass-start-test-'));
  const child = spawn(process.execPath, ['scripts/start.mjs', ...args], {
    cwd: repoRoot,
    env: { ...process.env, TMPDIR: tmp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const seen = new Map<number, string>();
  const sample = (): void => {
    // A zombie (exited, not yet reaped) has no command line to recognise it by later.
    for (const p of treeOf(tmp)) if (p.cmdline !== '') seen.set(p.pid, p.cmdline);
  };
  const sampler = setInterval(sample, 200);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    const done = (): void => {
      clearInterval(sampler);
      resolve({ code: child.exitCode, signal: child.signalCode });
    };
    if (child.exitCode !== null || child.signalCode !== null) done();
    else child.once('exit', done);
  });
  const run: Run = { child, tmp, output: '', seen, sample, exit };
  child.stdout?.on('data', (chunk: Buffer) => (run.output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (run.output += chunk.toString('utf8')));
  runs.push(run);
  return run;
}

/** Resolves once the output matches `pattern`; rejects if the run ends first or the time runs out. */
async function outputMatches(run: Run, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let ended = false;
  void run.exit.then(() => (ended = true));
  while (!pattern.test(run.output)) {
    if (ended) throw new Error(`the run ended before ${pattern}:\n${run.output}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${run.output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The processes seen during the run that still run (not zombies) with the same command line. */
function survivors(run: Run): string[] {
  const left: string[] = [];
  for (const [pid, cmdline] of run.seen) {
    let now: string;
    let state: string;
    try {
      now = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    } catch {
      continue;
    }
    if (now === cmdline && state !== 'Z') left.push(`${pid} ${state} ${cmdline}`);
  }
  return left;
}

/** What the run left in its TMPDIR, tsx's compile cache (made before the run's own directory) aside. */
const leftovers = (run: Run): string[] => readdirSync(run.tmp).filter((name) => !name.startsWith('tsx-'));

afterEach(async () => {
  // A failed test must not leave its run behind either.
  for (const run of runs.splice(0)) {
    if (run.child.exitCode === null && run.child.signalCode === null) {
      run.child.kill('SIGKILL');
      await run.exit;
    }
    for (const p of treeOf(run.tmp)) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(run.tmp, { recursive: true, force: true });
  }
});

describe('npm start -- --tor', () => {
  it('mines over the onion service until the first accepted share (--once), then leaves nothing behind', async () => {
    const t0 = Date.now();
    const run = start(['--tor', '--once', '--no-build', '--timeout', '60']);
    const { code, signal } = await run.exit;
    console.log(`[start-tor] run took ${((Date.now() - t0) / 1000).toFixed(1)} s:\n${run.output}`);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    const onion = /relay onion ([a-z2-7]{56}\.onion)\n/.exec(run.output)?.[1];
    expect(onion).toBeDefined();
    // The descriptor the add-on was given, and the endpoint it advertises, are on the onion address.
    expect(run.output).toContain(`relay descriptor http://${onion}/.well-known/workpass/descriptor.json (ws ws://${onion}:9433)`);
    expect(run.output).toMatch(/tor: client and onion host bootstrapped/);
    // The add-on's own status (hash rate, its workers' load, its wallet) next to the daemon's count.
    expect(run.output).toMatch(/hash rate [0-9.]+ (H|kH|MH)\/s \(workers busy [0-9.]+% of the machine\) {2}shares accepted [1-9][0-9]* rejected [0-9]+ {2}tickets [0-9]+ in the wallet/);
    expect(run.output).toMatch(/start: first share accepted over the onion service, [0-9.]+ s after the start/);
    // The sampler saw the run's tor processes and its Firefox, and none of them is left.
    const cmdlines = [...run.seen.values()];
    expect(cmdlines.filter((c) => /\btor\b.*torrc/.test(c)).length).toBeGreaterThanOrEqual(9);
    expect(cmdlines.some((c) => c.includes('firefox'))).toBe(true);
    expect(survivors(run)).toEqual([]);
    expect(leftovers(run)).toEqual([]);
  }, 150_000);

  it('SIGTERM while the Tor network is still starting stops every tor process and removes the run', async () => {
    const run = start(['--tor', '--no-build']);
    await outputMatches(run, /tor: 3 authorities and 4 relays running/, 60_000);
    run.sample();
    expect(survivors(run).filter((c) => c.includes('torrc')).length).toBeGreaterThanOrEqual(7);
    run.child.kill('SIGTERM');
    const { code, signal } = await run.exit;
    expect({ code, signal }, run.output).toEqual({ code: 0, signal: null });
    expect(run.output).toContain('start: SIGTERM, stopping');
    expect(run.output).not.toContain('relay onion');
    expect(survivors(run)).toEqual([]);
    expect(leftovers(run)).toEqual([]);
  }, 150_000);

  it.each([
    [['--tor', '--browser', 'chromium'], /--tor runs Firefox ESR/],
    [['--tor', '--timeout', '0'], /--timeout must be a whole number/],
    [['--tor', '--onion'], /unknown option '--onion'/],
  ])('bad usage %j exits 2 with the usage line, starting nothing', async (args, message) => {
    const run = start(args);
    const { code } = await run.exit;
    expect(code).toBe(2);
    expect(run.output).toMatch(message);
    expect(run.output).toContain('usage: npm start -- [--browser chromium|firefox] [--tor]');
    expect(run.seen.size).toBe(0);
    expect(leftovers(run)).toEqual([]);
  });
});
