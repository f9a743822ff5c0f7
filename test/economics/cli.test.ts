import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../htb/run-cli.js';
import { parseXml } from './xml.js';

const dir = mkdtempSync(join(tmpdir(), 'workpass-econ-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Up to 12 runs of the CLI from source in one case (tsx): ~0.5 s each idle, 1-3 s on a loaded machine.
describe('workpass econ', { timeout: 120_000 }, () => {
  it('--json prints one line with income, cost and profit in USD per month', () => {
    const r = runCli(['econ', '--bandwidth', '200000', '--json']);
    expect(r.code).toBe(0);
    expect(r.stdout.endsWith('\n')).toBe(true);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(r.stdout)).toEqual({ income: 500, cost: 1412.84, profit: -912.84 });
  });

  it('takes the role, revenue and CPU share', () => {
    const r = runCli(['econ', '--bandwidth=10000', '--role', 'any', '--revenue', '3.8', '--cpu-share', '1', '--json']);
    expect(JSON.parse(r.stdout).income).toBe(8);
    const q = runCli(['econ', '--bandwidth', '200000', '--cpu-share', '0.25', '--usd-per-eur', '1', '--json']);
    expect(JSON.parse(q.stdout)).toEqual({ income: 125, cost: 1086.8, profit: -961.8 });
  });

  it('prints a human table by default', () => {
    const r = runCli(['econ', '--bandwidth', '200000']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^income\s+500\.00 USD\/month$/m);
    expect(r.stdout).toMatch(/^cost\s+1,412\.84 USD\/month/m);
    expect(r.stdout).toMatch(/^profit\s+-912\.84 USD\/month$/m);
  });

  it('--plot writes a well-formed SVG with three polylines', () => {
    const file = join(dir, 'plot.svg');
    const r = runCli(['econ', '--plot', file, '--role', 'any', '--revenue', '36']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`wrote ${file}\n`);
    const tags = parseXml(readFileSync(file, 'utf8'));
    expect(tags.filter((t) => t.name === 'polyline')).toHaveLength(3);
  });

  it('bad flags exit 2 with a message naming the flag', () => {
    const cases: [string[], RegExp][] = [
      [['econ'], /--bandwidth or --plot is required/],
      [['econ', '--bandwidth', 'lots'], /--bandwidth: expected a number/],
      [['econ', '--bandwidth', '-5'], /--bandwidth: expected a finite KB\/s >= 0/],
      [['econ', '--bandwidth', '1e400'], /--bandwidth: expected a finite/],
      [['econ', '--bandwidth', '5', '--role', 'middle'], /--role: expected exit or any/],
      [['econ', '--bandwidth', '5', '--cpu-share', '2'], /--cpu-share: expected a fraction/],
      [['econ', '--bandwidth', '5', '--revenue'], /--revenue needs a value/],
      [['econ', '--bandwidth', '5', '--nonsense'], /unknown option --nonsense/],
      [['econ', '--bandwidth', '5', '--rent-eur', '1,2'], /one price more/],
      [['econ', '--plot', join(dir, 'x.svg'), '--plot-from', '0'], /--plot-from/],
      [['econ', '--plot', join(dir, 'no', 'such', 'dir.svg')], /cannot write/],
      [['econ', 'stray'], /unexpected argument/],
    ];
    for (const [args, pattern] of cases) {
      const r = runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(pattern);
    }
  });
});
