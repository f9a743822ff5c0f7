import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { getAlgorithm } from '../../src/core/pow/registry.js';
import { decodeSessionOpenResult, decodeSessionStatusResult } from '../../src/core/protocol/workpass.js';
import { verifyTicket } from '../../src/core/tickets/index.js';
import { MinerClient, mineShare, type FoundShare } from '../../src/relay/miner-client.js';
import { Store } from '../../src/relay/store/store.js';
import { exited, tempDir } from './helpers.js';
import { spawnRelay, type SpawnedRelay } from './spawn-relay.js';
import { collectTicket } from './ticket-client.js';

const sha256d = getAlgorithm('sha256d');
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The daemon from source, tracked for cleanup. */
async function startRelayProcess(dataDir: string): Promise<SpawnedRelay> {
  const r = await spawnRelay(dataDir, ['--price', '0.0000004']);
  children.push(r.child);
  return r;
}

describe('crash safety (SIGKILL)', () => {
  it('loses no acknowledged share and no issued ticket', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const r1 = await startRelayProcess(dataDir);
    const c = await MinerClient.connect(r1.ws);
    const open = decodeSessionOpenResult(await c.request('workpass.session.open', [{ mode: 'tickets' }]));
    const sub = await c.subscribe();
    await c.authorize(open.token);
    const job = await c.latestJob();
    // Some credit first, and a ticket, so the burst can include signings.
    const shares: FoundShare[] = [];
    for (let i = 0; i < 800; i++) shares.push(mineShare(sha256d, job, sub.extranonce1, i.toString(16).padStart(2 * sub.extranonce2Size, '0'))!);
    for (const s of shares.slice(0, 40)) await c.request('mining.submit', [open.token, job.job.jobId, s.extranonce2, s.ntime, s.nonce]);
    const descriptor = await (await fetch(`${r1.http}/.well-known/workpass/descriptor.json`)).json();
    const first = await collectTicket(c, open.token, descriptor);

    // The burst: every remaining share pipelined, signing rounds interleaved; SIGKILL mid-way, once
    // the fourth ticket is acknowledged (or the signing stopped): on progress, not on a timer.
    let acked = 40;
    let signedAcked = 1;
    const commits: Array<{ sid: string; e: string }> = [];
    let killed = false;
    const kill = () => {
      if (!killed) r1.child.kill('SIGKILL');
      killed = true;
    };
    const burst = (async () => {
      // Chunks of 50 pipelined submits, so signing rounds interleave with them.
      for (let i = 40; i < shares.length && !killed; i += 50) {
        await Promise.all(shares.slice(i, i + 50).map((s) =>
          c.request('mining.submit', [open.token, job.job.jobId, s.extranonce2, s.ntime, s.nonce]).then(
            (v) => void (v === true && acked++),
            () => undefined,
          )));
      }
    })();
    const signing = (async () => {
      for (let i = 0; i < 50 && !killed; i++) {
        try {
          const t = await collectTicket(c, open.token, descriptor);
          commits.push({ sid: t.sid, e: t.e });
          signedAcked++;
        } catch {
          return;
        }
        if (signedAcked >= 4) kill();
      }
    })().finally(kill);
    await Promise.all([burst, signing]);
    await exited(r1.child);
    expect(acked).toBeGreaterThan(40);
    expect(acked).toBeLessThan(shares.length);
    expect(signedAcked).toBeGreaterThan(1);

    // The database, read directly after the crash.
    const store = new Store(dataDir);
    const row = store.sessionByToken(open.token)!;
    store.close();
    expect(row.shares).toBeGreaterThanOrEqual(acked);
    expect(row.shares).toBeLessThanOrEqual(shares.length);
    expect(row.issued).toBeGreaterThanOrEqual(signedAcked);
    // credit = shares x assigned difficulty - issued x price, exactly (nano-difficulty units).
    expect(row.credit).toBe(BigInt(row.shares) * 100n - BigInt(row.issued) * 400n);

    // Restart on the same data dir: every acked ticket's (sid, e) still answers (replay), and verifies.
    const r2 = await startRelayProcess(dataDir);
    const c2 = await MinerClient.connect(r2.ws);
    const status = decodeSessionStatusResult(await c2.request('workpass.session.status', [open.token]));
    expect(status.issued).toBe(row.issued);
    for (const { sid, e } of [{ sid: first.sid, e: first.e }, ...commits]) {
      expect(await c2.request('ticket.sign', [open.token, sid, e])).toBeTypeOf('object');
    }
    expect(verifyTicket(first.ticket, first.keyring, Date.now()).ok).toBe(true);
    expect(decodeSessionStatusResult(await c2.request('workpass.session.status', [open.token])).issued).toBe(row.issued);
    c2.close();
    c.close();
    r2.child.kill('SIGTERM');
    await exited(r2.child);
  }, 120_000);

  it('a spend that returned true before SIGKILL stays spent after restart', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const child = spawn(process.execPath, ['--import', 'tsx', fixture('spender.ts'), dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    let out = '';
    await new Promise<void>((resolve) => {
      child.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        if ((out.match(/\n/g) ?? []).length > 500) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await exited(child);
    const printed = [...out.matchAll(/^spent (\d+)$/gm)].map((m) => Number(m[1]));
    expect(printed.length).toBeGreaterThan(500);
    const store = new Store(dataDir);
    try {
      for (const n of printed) {
        const id = new Uint8Array(32);
        new DataView(id.buffer).setUint32(0, n);
        expect(store.spendOnce(id, Date.now() + 1000)).toBe(false);
      }
    } finally {
      store.close();
    }
  }, 60_000);
});
