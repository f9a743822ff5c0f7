import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const ENTRY = fileURLToPath(new URL('../htb/cli-entry.ts', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Starts `workpass relay` on ephemeral ports, waits for `ready`, sends `signal`, resolves with the exit. */
function runUntilSignal(signal: NodeJS.Signals, extra: string[] = []): Promise<{ code: number | null; stdout: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'workpass-cli-'));
  dirs.push(dataDir);
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'relay',
    '--ws', '127.0.0.1:0', '--stratum', '127.0.0.1:0', '--http', '127.0.0.1:0', '--data-dir', dataDir, ...extra],
  { stdio: ['ignore', 'pipe', 'ignore'] });
  let stdout = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no clean stop: ${stdout}`)); }, 80_000);
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      if (/^ready$/m.test(stdout) && !child.killed) child.kill(signal);
    });
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, stdout }); });
  });
}

describe('workpass relay signals', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`stops cleanly on ${signal}: prints "stopped" and exits 0`, { timeout: 90_000 }, async () => {
      const { code, stdout } = await runUntilSignal(signal);
      expect(stdout).toMatch(/^stopped$/m);
      expect(code).toBe(0);
    });
  }

  it('prints the listen lines in a stable order, with a cells line only when the cells listener is on', { timeout: 90_000 }, async () => {
    const plain = await runUntilSignal('SIGTERM');
    expect(plain.stdout).not.toMatch(/^cells /m);
    const { stdout } = await runUntilSignal('SIGTERM', ['--cells', '127.0.0.1:0', '--public-ws', `ws://${'b'.repeat(55)}d.onion:9433`]);
    const names = stdout.trim().split('\n').map((l) => l.split(' ')[0]);
    expect(names).toEqual(['ws', 'stratum', 'http', 'cells', 'descriptor', 'ready', 'stopped']);
    // The listen addresses, not the advertised onion URL.
    expect(stdout).toMatch(/^ws ws:\/\/127\.0\.0\.1:\d+$/m);
    expect(stdout).toMatch(/^cells cells\+tcp:\/\/127\.0\.0\.1:\d+$/m);
  });
});
