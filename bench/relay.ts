import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../src/cli/usage.js';
import { getAlgorithm } from '../src/core/pow/registry.js';
import { decodeSessionOpenResult } from '../src/core/protocol/workpass.js';
import { MinerClient, mineShare, type ReceivedJob } from '../src/relay/miner-client.js';
import { Store } from '../src/relay/store/store.js';
import { benchFlags, printTable } from './harness.js';

/**
 * `workpass bench relay [--sessions N] [--rate R] [--seconds S] [--json]`
 *
 * Starts the relay daemon as its own process (one core, a fresh data dir), connects N simulated
 * miners over loopback (half WebSocket, half TCP), each with its own ticket session, and submits R
 * valid SHA-256d shares a second across them for S seconds. Reports sessions held, shares/s
 * sustained, p50/p99 reply latency, the daemon's RSS, and lost credits: shares acknowledged on the
 * wire minus shares credited in the daemon's database (must be 0).
 *
 * Peer, same run, same load generator: a bare JSON-RPC server (its own process, both transports)
 * that answers every submit `true` without checking anything — the floor that loopback, framing
 * and JSON cost, against which the relay's share checks, hashing and SQLite commits show.
 */
const sha256d = getAlgorithm('sha256d');
const binPath = fileURLToPath(new URL('../../../bin/workpass.js', import.meta.url));

interface Target {
  readonly name: string;
  readonly child: ChildProcess;
  readonly ws: string;
  readonly stratum: string;
  readonly http?: string;
  readonly dataDir?: string;
}

interface Result {
  readonly name: string;
  readonly sessions: number;
  readonly connectSeconds: number;
  readonly sharesPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly rssMiB: number;
  readonly errors: number;
  readonly lost: number | null;
  /** The relay's own event-loop delay p99 since it started (connect phase included), ms. */
  readonly loopP99: number | null;
}

function parse(args: string[]): { sessions: number; rate: number; rest: string[] } {
  let sessions = 10_000;
  let rate = 2_000;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--sessions' || a === '--rate') {
      const v = Number(args[++i]);
      if (!Number.isInteger(v) || v < 1 || v > 18_000) throw new UsageError(`${a} must be an integer in [1, 18000]`);
      if (a === '--sessions') sessions = v;
      else rate = v;
    } else rest.push(a);
  }
  return { sessions, rate, rest };
}

function waitForLines(child: ChildProcess, keys: string[]): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (!out.includes('ready\n')) return;
      const found: Record<string, string> = {};
      for (const k of keys) found[k] = new RegExp(`^${k} (\\S+)$`, 'm').exec(out)?.[1] ?? '';
      resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before ready: ${out}`)));
  });
}

async function startRelayProcess(sessions: number): Promise<Target> {
  const dataDir = mkdtempSync(join(tmpdir(), 'workpass-bench-relay-'));
  const child = spawn(process.execPath, [...(process.env['WORKPASS_BENCH_RELAY_NODE_ARGS']?.split(' ').filter(Boolean) ?? []), binPath, 'relay', '--ws', '127.0.0.1:0', '--stratum', '127.0.0.1:0', '--http', '127.0.0.1:0',
    '--data-dir', dataDir, '--difficulty', '0.000000001', '--log-level', 'warn', '--max-connections', String(sessions + 100)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      WORKPASS_LIMITS_GLOBAL_MESSAGES_PER_SECOND: '1000000',
      WORKPASS_LIMITS_SESSION_OPENS_PER_SECOND: '100000',
      WORKPASS_LIMITS_IDLE_SECONDS: '3600',
    },
  });
  const l = await waitForLines(child, ['ws', 'stratum', 'http']);
  return { name: 'workpass relay', child, ws: l['ws']!, stratum: l['stratum']!, http: l['http']!, dataDir };
}

/** The peer: answers subscribe/authorize/session.open and every submit without checking. */
const ECHO_SERVER = `
import { createServer } from 'node:net';
import { WebSocketServer } from 'ws';
let n = 0;
const job = ['j1', '00'.repeat(32), '01000000', 'ffffffff', [], '20000000', '1d00ffff', Math.floor(Date.now() / 1000).toString(16).padStart(8, '0'), true];
function answer(line, send) {
  let m;
  try { m = JSON.parse(line); } catch { return; }
  let result = true;
  if (m.method === 'mining.subscribe') result = [[['mining.notify', 'x']], (n++).toString(16).padStart(8, '0'), 4];
  if (m.method === 'workpass.session.open') result = { token: 'A'.repeat(22), price: 1, algo: 'sha256d', keyId: 'k', day: '2026-01-01' };
  send(JSON.stringify({ id: m.id, result, error: null }));
  if (m.method === 'mining.authorize') {
    send(JSON.stringify({ id: null, method: 'mining.set_difficulty', params: [0.000000001] }));
    send(JSON.stringify({ id: null, method: 'mining.notify', params: job }));
  }
}
const tcp = createServer((s) => {
  let buf = '';
  s.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\\n')) >= 0) { const line = buf.slice(0, i); buf = buf.slice(i + 1); answer(line, (t) => s.write(t + '\\n')); }
  });
  s.on('error', () => {});
});
tcp.listen(0, '127.0.0.1', () => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  wss.on('connection', (ws) => ws.on('message', (d) => answer(String(d), (t) => ws.send(t))));
  wss.on('listening', () => process.stdout.write('ws ws://127.0.0.1:' + wss.address().port + '\\nstratum stratum+tcp://127.0.0.1:' + tcp.address().port + '\\nready\\n'));
});
`;

async function startEchoProcess(): Promise<Target> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', ECHO_SERVER], { stdio: ['ignore', 'pipe', 'inherit'], cwd: fileURLToPath(new URL('../../../', import.meta.url)) });
  const l = await waitForLines(child, ['ws', 'stratum']);
  return { name: 'peer: bare JSON-RPC answerer', child, ws: l['ws']!, stratum: l['stratum']! };
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? NaN : Number(m[1]) / 1024;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Miner {
  readonly client: MinerClient;
  readonly token: string;
  readonly extranonce1: string;
  readonly en2Size: number;
  job: ReceivedJob;
  en2: number;
  acked: number;
}

async function load(target: Target, sessions: number, rate: number, seconds: number): Promise<Result> {
  const t0 = performance.now();
  const miners: Miner[] = [];
  const BATCH = 250;
  for (let i = 0; i < sessions; i += BATCH) {
    const batch = await Promise.all(Array.from({ length: Math.min(BATCH, sessions - i) }, async (_, k) => {
      const client = await MinerClient.connect((i + k) % 2 === 0 ? target.ws : target.stratum);
      const open = decodeSessionOpenResult(await client.request('workpass.session.open', [{ mode: 'tickets' }]));
      const sub = await client.subscribe('workpass-bench/0.1');
      await client.authorize(open.token);
      const job = await client.latestJob();
      return { client, token: open.token, extranonce1: sub.extranonce1, en2Size: sub.extranonce2Size, job, en2: 0, acked: 0 };
    }));
    miners.push(...batch);
  }
  const connectSeconds = (performance.now() - t0) / 1000;

  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const inflight = new Set<Promise<void>>();
  const TICK_MS = 10;
  // The first WARMUP_S seconds run the same load but are not counted (JIT and GC settle on both sides).
  const WARMUP_S = 2;
  const start = performance.now();
  const end = start + (seconds + WARMUP_S) * 1000;
  let measuredFrom = Infinity;
  let warm = false;
  let offered = 0;
  while (performance.now() < end) {
    if (!warm && performance.now() - start >= WARMUP_S * 1000) {
      warm = true;
      measuredFrom = performance.now();
    }
    // Open loop: as many shares as the rate says should have been sent by now.
    const due = Math.floor(((performance.now() - start) * rate) / 1000);
    while (offered < due) {
      offered++;
      const m = miners[next++ % miners.length]!;
      // Follow new jobs the relay sent (vardiff or ntime roll) as a real miner does.
      while (m.client.jobs.length > 0) m.job = m.client.jobs.shift()!;
      const en2 = (m.en2++).toString(16).padStart(2 * m.en2Size, '0');
      const s = mineShare(sha256d, m.job, m.extranonce1, en2)!;
      const sent = performance.now();
      const p = m.client.request('mining.submit', [m.token, m.job.job.jobId, s.extranonce2, s.ntime, s.nonce]).then(
        (v) => {
          if (v === true) m.acked++;
          if (sent < measuredFrom) return;
          latencies.push(performance.now() - sent);
          if (v !== true) errors++;
        },
        () => void (sent >= measuredFrom && errors++),
      );
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    }
    await new Promise((r) => setTimeout(r, TICK_MS));
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - measuredFrom) / 1000;
  const rss = rssMiB(target.child.pid!);
  let held = miners.filter((m) => !m.client.closed).length;
  let lost: number | null = null;
  let loopP99: number | null = null;
  if (target.http !== undefined && target.dataDir !== undefined) {
    const stats = (await (await fetch(`${target.http}/stats`)).json()) as { sessions: number; eventLoopDelayMs: { p99: number } };
    held = Math.min(held, stats.sessions);
    loopP99 = stats.eventLoopDelayMs.p99;
    const store = new Store(target.dataDir);
    lost = 0;
    for (const m of miners) lost += Math.max(0, m.acked - (store.sessionByToken(m.token)?.shares ?? 0));
    store.close();
  }
  for (const m of miners) m.client.close();
  latencies.sort((a, b) => a - b);
  return {
    name: target.name,
    sessions: held,
    connectSeconds,
    sharesPerSecond: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    rssMiB: rss,
    errors,
    lost,
    loopP99,
  };
}

async function stop(t: Target): Promise<void> {
  const exited = new Promise((r) => t.child.once('exit', r));
  t.child.kill('SIGTERM');
  await exited;
  if (t.dataDir !== undefined) rmSync(t.dataDir, { recursive: true, force: true });
}

export async function run(args: string[]): Promise<number> {
  const { sessions, rate, rest } = parse(args);
  const { json, seconds } = benchFlags(rest);
  const results: Result[] = [];
  for (const startTarget of [startRelayProcess, startEchoProcess]) {
    const target = await startTarget(sessions);
    try {
      results.push(await load(target, sessions, rate, seconds));
    } finally {
      await stop(target);
    }
  }
  const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '-');
  process.stdout.write(`relay load: ${sessions} sessions (half WebSocket, half TCP), ${rate} SHA-256d shares/s offered for ${seconds} s, loopback\n`);
  printTable(
    ['server', 'sessions held', 'connect s', 'shares/s', 'p50 ms', 'p99 ms', 'server RSS MiB', 'errors', 'lost credits', 'server loop p99 ms'],
    results.map((r) => [r.name, String(r.sessions), f(r.connectSeconds), f(r.sharesPerSecond, 0), f(r.p50, 2), f(r.p99, 2), f(r.rssMiB, 0), String(r.errors),
      r.lost === null ? 'n/a' : String(r.lost), r.loopP99 === null ? 'n/a' : f(r.loopP99, 1)]),
  );
  if (json) process.stdout.write(JSON.stringify({ bench: 'relay', sessions, rate, seconds, results }) + '\n');
  return results[0]!.lost === 0 ? 0 : 1;
}
