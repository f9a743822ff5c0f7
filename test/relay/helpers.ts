import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { resolveConfig, type RelayConfig } from '../../src/relay/config.js';
import { startRelay, type RelayDeps, type RelayHandle } from '../../src/relay/daemon.js';
import { RemoteError } from '../../src/relay/miner-client.js';

/** A relay on ephemeral loopback ports with a temp data dir; `stop()` closes it and removes the dir. */
export interface TestRelay {
  readonly relay: RelayHandle;
  readonly dataDir: string;
  stop(): Promise<void>;
}

export function testConfig(dataDir: string, flags: Record<string, string> = {}, file?: object): RelayConfig {
  return resolveConfig({
    flags: new Map(Object.entries({ ws: '127.0.0.1:0', stratum: '127.0.0.1:0', http: '127.0.0.1:0', 'data-dir': dataDir, difficulty: '0.00001', price: '0.00003', ...flags })),
    file: file === undefined ? undefined : { path: 'test.json', text: JSON.stringify(file) },
  });
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'workpass-relay-'));
}

export async function startTestRelay(flags: Record<string, string> = {}, deps: RelayDeps = {}, file?: object, dir?: string): Promise<TestRelay> {
  const dataDir = dir ?? tempDir();
  const relay = await startRelay(testConfig(dataDir, flags, file), { logger: pino({ level: 'silent' }), ...deps });
  return {
    relay,
    dataDir,
    async stop() {
      await relay.close();
      if (dir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url);
  return res.json();
}

/** Resolves with the Stratum error code that `p` is rejected with; fails if it resolves. */
export async function rejection(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (err) {
    if (err instanceof RemoteError) return err.code;
    throw err;
  }
  throw new Error('expected a Stratum error');
}

/** Resolves once `child` has exited, also when it already had (a late `once('exit')` would wait forever). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}
