import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { exited } from '../relay/helpers.js';

// `workpass relay` from the TypeScript sources (the relay tests' fixture).
const RUN_RELAY = fileURLToPath(new URL('../relay/fixtures/run-relay.ts', import.meta.url));
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function run(args: string[]): { child: ChildProcess; out: () => string; err: () => string; exited: Promise<number | null>; ready: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', RUN_RELAY, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '', err = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('ready\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`relay exited (${code}) before "ready": ${err}`)));
  });
  ready.catch(() => undefined);
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const code = exited(child).then(() => child.exitCode);
  return { child, out: () => out, err: () => err, exited: code, ready };
}

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'workpass-dash-cli-'));
  dirs.push(d);
  return d;
}

describe('workpass relay --dashboard', () => {
  it('prints the token URL once, with the token kept in the data dir', async () => {
    const dir = tempDir();
    const r = run(['--ws', '127.0.0.1:0', '--stratum', '127.0.0.1:0', '--http', '127.0.0.1:0', '--data-dir', dir, '--dashboard', '127.0.0.1:0', '--log-level', 'silent']);
    await r.ready;
    const lines = r.out().split('\n').filter((l) => l.startsWith('dashboard '));
    expect(lines).toHaveLength(1);
    const token = readFileSync(join(dir, 'dashboard.token'), 'utf8').trim();
    const m = /^dashboard (http:\/\/127\.0\.0\.1:\d+)\/#token=([A-Za-z0-9_-]{43})$/.exec(lines[0]!);
    expect(m).not.toBeNull();
    expect(m![2]).toBe(token);
    expect((await fetch(`${m![1]}/api/snapshot`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    r.child.kill('SIGTERM');
    await r.exited;
  });

  it('exits 2 with a config error for a non-loopback host, before listening on anything', async () => {
    const dir = tempDir();
    const r = run(['--data-dir', dir, '--dashboard', '0.0.0.0:0', '--ws', '127.0.0.1:0', '--stratum', '127.0.0.1:0', '--http', '127.0.0.1:0']);
    expect(await r.exited).toBe(2);
    expect(r.err()).toMatch(/--dashboard: the dashboard listens on loopback only/);
    expect(r.out()).not.toContain('ready');
  });
});
