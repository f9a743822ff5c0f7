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
function runUntilSignal(signal: NodeJS.Signals): Promise<{ code: number | null; stdout: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'workpass-cli-'));
  dirs.push(dataDir);
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'relay',
    '--ws', '127.0.0.1:0', '--stratum', '127.0.0.1:0', '--http', '127.0.0.1:0', '--data-dir', dataDir],
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
});
