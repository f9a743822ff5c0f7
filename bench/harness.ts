import { UsageError } from '../src/cli/usage.js';

/**
 * Shared benchmark harness: measure a function's rate over a fixed wall time, print a table with
 * ours next to a peer measured in the same run, and one JSON line last when asked.
 */
export interface Rate {
  /** Operations (or hashes) per second. */
  readonly perSecond: number;
  readonly ops: number;
  readonly seconds: number;
}

/**
 * Calls `step()` repeatedly for about `seconds`; `step` returns how many operations it did.
 * A short warm-up runs first so the JIT and caches settle.
 */
export function measure(step: () => number, seconds: number): Rate {
  const warmEnd = performance.now() + Math.min(300, seconds * 100);
  while (performance.now() < warmEnd) step();
  let ops = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let now = start;
  while (now < end) {
    ops += step();
    now = performance.now();
  }
  const elapsed = (now - start) / 1000;
  return { perSecond: ops / elapsed, ops, seconds: elapsed };
}

/** Measures an async step (one awaited call at a time). */
export async function measureAsync(step: () => Promise<number>, seconds: number): Promise<Rate> {
  let ops = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let now = start;
  while (now < end) {
    ops += await step();
    now = performance.now();
  }
  const elapsed = (now - start) / 1000;
  return { perSecond: ops / elapsed, ops, seconds: elapsed };
}

export function formatRate(perSecond: number, unit: string): string {
  const scales: Array<[number, string]> = [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [scale, prefix] of scales) {
    if (perSecond >= scale) return `${(perSecond / scale).toFixed(2)} ${prefix}${unit}`;
  }
  return `${perSecond.toFixed(1)} ${unit}`;
}

/** Prints rows as an aligned text table. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  process.stdout.write(line(header) + '\n' + widths.map((w) => '-'.repeat(w)).join('  ') + '\n');
  for (const r of rows) process.stdout.write(line(r) + '\n');
}

/** Parses the common bench flags: --json and --seconds N. */
export function benchFlags(args: string[]): { json: boolean; seconds: number } {
  let json = false;
  let seconds = 3;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--json') json = true;
    else if (a === '--seconds') {
      seconds = Number(args[++i]);
      if (!(seconds > 0 && seconds <= 600)) throw new UsageError('--seconds must be in (0, 600]');
    } else throw new UsageError(`unknown bench option ${a}`);
  }
  return { json, seconds };
}
