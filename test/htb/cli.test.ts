import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'workpass-htb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

// Up to 7 runs of the CLI from source in one case (tsx): ~0.5 s each idle, 1-3 s on a loaded machine.
describe('workpass htb', { timeout: 120_000 }, () => {
  it('prints the Fig. 1 allocation for the shipped example', () => {
    const r = runCli(['htb', 'docs/examples/htb-fig1.json']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(r.stdout)).toEqual({ Free: 1, Group1: 4.8, Group2: 2, Group3: 1.5, Group4: 0.7 });
  });

  it('with no paid demand Free gets 4', () => {
    const p = file('nopaid.json', JSON.stringify({
      name: 'link', rate: 10,
      children: [
        { name: 'Free', rate: 2, ceil: 4 },
        { name: 'Paid', rate: 8, ceil: 10, children: [{ name: 'G1', rate: 8, ceil: 10, demand: 0 }] },
      ],
    }));
    const r = runCli(['htb', p]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ Free: 4, G1: 0 });
  });

  it('exits 2 with a clear message on a missing file, bad JSON, an invalid tree or bad usage', () => {
    const missing = runCli(['htb', join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.json: ENOENT/);

    const bad = runCli(['htb', file('bad.json', '{"name": ')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not valid JSON/);

    const invalid = runCli(['htb', file('over.json', JSON.stringify({ name: 'r', rate: 1, children: [{ name: 'a', rate: 2 }] }))]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/\$\.children: children's rates sum to 2/);

    expect(runCli(['htb']).code).toBe(2);
    expect(runCli(['htb', 'a.json', 'b.json']).code).toBe(2);
    expect(runCli(['htb', '--frobnicate']).stderr).toMatch(/unknown option --frobnicate/);
    expect(runCli(['htb', '--help']).code).toBe(0);
  });
});
