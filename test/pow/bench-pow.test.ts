import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../bench/pow.js';
import { UsageError } from '../../src/cli/usage.js';

afterEach(() => vi.restoreAllMocks());

function capture(): () => string {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  return () => out;
}

describe('bench pow', () => {
  it('--json prints exactly one JSON line with ours, peer and peerName per algorithm', async () => {
    const out = capture();
    expect(await run(['--json', '--seconds', '0.05'])).toBe(0);
    const lines = out().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]!) as Record<string, Record<string, unknown>>;
    expect(Object.keys(result)).toEqual(['sha256d', 'scrypt', 'x11']);
    for (const r of Object.values(result)) {
      for (const k of ['ours', 'peer', 'oursPerCpuSecond', 'peerPerCpuSecond']) expect(r[k]).toBeGreaterThan(0);
      expect(typeof r.peerName).toBe('string');
    }
  });

  it('without --json prints the table first and the JSON line last', async () => {
    const out = capture();
    expect(await run(['--seconds', '0.05'])).toBe(0);
    const lines = out().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^algorithm\s+implementation/);
    expect(() => JSON.parse(lines.at(-1)!)).not.toThrow();
  });

  it('bad flags are usage errors', async () => {
    await expect(run(['--seconds', '0'])).rejects.toThrow(UsageError);
    await expect(run(['--fast'])).rejects.toThrow(UsageError);
  });
});
