import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DESCRIPTOR_PATH } from '../../src/core/protocol/descriptor.js';
import { resolveConfig, startRelay, type RelayHandle } from '../../src/relay/index.js';

export interface RelayStatsJson {
  sessions: number;
  shares: { accepted: number; rejected: Record<string, number> };
  tickets: { issued: number; spent: number };
}

export interface TestRelay {
  readonly handle: RelayHandle;
  readonly descriptorUrl: string;
  /** Accepted shares as the daemon's stats endpoint reports them. */
  accepted(): Promise<number>;
  stats(): Promise<RelayStatsJson>;
  close(): Promise<void>;
}

/**
 * The real relay daemon, in-process, on ephemeral loopback ports with a temporary data directory and a
 * low starting difficulty (a share every second or so for a browser kernel at the default budget).
 * `price` is the credit per ticket in difficulty units (the default makes tickets unaffordable).
 * With `backend`, the daemon also runs its ticket gateway (on an ephemeral loopback port) in front
 * of that web server. `flags` are further daemon flags (e.g. `public-ws`).
 */
export async function startTestRelay(difficulty = 0.0002, price = 1000, backend?: string, flags: readonly [string, string][] = []): Promise<TestRelay> {
  const dataDir = mkdtempSync(join(tmpdir(), 'workpass-e2e-relay-'));
  const config = resolveConfig({
    flags: new Map([
      ['ws', '127.0.0.1:0'], ['stratum', '127.0.0.1:0'], ['http', '127.0.0.1:0'],
      ['data-dir', dataDir], ['difficulty', String(difficulty)], ['price', String(price)],
      ...(backend !== undefined ? [['gateway', '127.0.0.1:0'], ['backend', backend]] as [string, string][] : []),
      ...flags,
    ]),
  });
  const handle = await startRelay({ ...config, logLevel: 'silent' });
  const statsUrl = `${handle.http.url}/stats`;
  const stats = async () => {
    const res = await fetch(statsUrl);
    if (!res.ok) throw new Error(`GET /stats: HTTP ${res.status}`);
    return (await res.json()) as RelayStatsJson;
  };
  return {
    handle,
    descriptorUrl: `${handle.http.url}${DESCRIPTOR_PATH}`,
    stats,
    accepted: async () => (await stats()).shares.accepted,
    async close() {
      try {
        await handle.close();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** Polls `f` until `ok` holds; throws with the last value after `ms`. */
export async function waitFor<T>(what: string, f: () => Promise<T>, ok: (v: T) => boolean, ms = 90_000): Promise<T> {
  const end = Date.now() + ms;
  let last: T | undefined;
  for (;;) {
    last = await f();
    if (ok(last)) return last;
    if (Date.now() > end) throw new Error(`${what}: not reached in ${ms} ms (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
