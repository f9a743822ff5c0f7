import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { getAlgorithm } from '../../src/core/pow/registry.js';
import { decodeSessionOpenResult } from '../../src/core/protocol/workpass.js';
import { MinerClient, mineShare } from '../../src/relay/miner-client.js';
import { Store } from '../../src/relay/store/store.js';
import { exited, tempDir } from './helpers.js';
import { spawnRelay, type SpawnedRelay } from './spawn-relay.js';

/**
 * The dashboard's earnings counters are written in the transaction that credits the shares, so a
 * SIGKILL mid-burst leaves them equal to the credited shares, and never below the acknowledged ones.
 */
const sha256d = getAlgorithm('sha256d');
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The daemon from source, tracked for cleanup. */
async function startRelayProcess(dataDir: string): Promise<SpawnedRelay> {
  const r = await spawnRelay(dataDir);
  children.push(r.child);
  return r;
}

describe('earnings counters under SIGKILL', () => {
  it('equal the credited shares after a crash mid-burst, and are at least the acknowledged ones', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const r = await startRelayProcess(dataDir);
    const c = await MinerClient.connect(r.ws);
    const open = decodeSessionOpenResult(await c.request('workpass.session.open', [{ mode: 'donation' }]));
    const sub = await c.subscribe();
    await c.authorize(open.token);
    const job = await c.latestJob();
    const shares = Array.from({ length: 400 }, (_, i) => mineShare(sha256d, job, sub.extranonce1, i.toString(16).padStart(2 * sub.extranonce2Size, '0'))!);
    let acked = 0;
    let killed = false;
    for (let i = 0; i < shares.length && !killed; i += 40) {
      await Promise.all(shares.slice(i, i + 40).map((s) =>
        c.request('mining.submit', [open.token, job.job.jobId, s.extranonce2, s.ntime, s.nonce]).then(
          (v) => {
            if (v === true) acked++;
            // Killed on progress (past 100 acknowledged), with later submits still in flight.
            if (acked >= 100 && !killed) {
              killed = true;
              r.child.kill('SIGKILL');
            }
          },
          () => undefined,
        )));
    }
    await exited(r.child);
    c.close();
    expect(killed).toBe(true);

    const store = new Store(dataDir);
    try {
      const credited = store.sessionByToken(open.token)!.shares;
      const row = store.earnings.get('sha256d')!;
      expect(row.accepted).toBe(credited);
      expect(row.accepted).toBeGreaterThanOrEqual(acked);
      expect(row.work).toBeCloseTo(credited * 0.0000001, 12);
    } finally {
      store.close();
    }
  }, 60_000);
});
