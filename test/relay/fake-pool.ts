import { createServer, type Server, type Socket } from 'node:net';
import { getAlgorithm } from '../../src/core/pow/registry.js';
import { buildHeader, type StratumJob } from '../../src/core/pow/stratum.js';
import { hashMeetsTarget, targetFromDifficulty } from '../../src/core/pow/target.js';
import { LineSplitter } from '../../src/relay/transport/lines.js';

const sha256d = getAlgorithm('sha256d');

export interface FakePoolOptions {
  readonly extranonce1?: string;
  readonly extranonce2Size?: number;
  readonly difficulty?: number;
  /** Worker name and password the pool accepts; any when absent. */
  readonly credentials?: { readonly user: string; readonly pass: string };
  readonly merkleBranches?: readonly string[];
}

/**
 * A small Stratum v1 pool on 127.0.0.1 for the relay's upstream tests: one sha256d job, which it
 * sends in uppercase hex as some pools do; it checks every submitted share itself.
 */
export class FakePool {
  readonly server: Server;
  readonly sockets = new Set<Socket>();
  readonly submits: Array<{ ok: boolean; params: string[] }> = [];
  subscribes = 0;
  /** While set, every connection is closed at once: the pool stays down for as long as a test needs. */
  refusing = false;
  extranonce1: string;
  readonly extranonce2Size: number;
  readonly difficulty: number;
  readonly job: StratumJob;

  constructor(private readonly opts: FakePoolOptions = {}) {
    this.extranonce1 = opts.extranonce1 ?? 'f00dbabe';
    this.extranonce2Size = opts.extranonce2Size ?? 8;
    this.difficulty = opts.difficulty ?? 0.000004;
    this.job = {
      jobId: 'PoolJob1',
      prevhash: '00000000'.repeat(7) + '0000abcd',
      coinb1: '01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff20',
      coinb2: '0c2f66616b65706f6f6c2fffffffff0100f2052a01000000016a00000000',
      merkleBranches: [...(opts.merkleBranches ?? [])],
      version: '20000000',
      nbits: '1d00ffff',
      ntime: Math.floor(Date.now() / 1000).toString(16).padStart(8, '0'),
      cleanJobs: true,
    };
    this.server = createServer((s) => this.serve(s));
  }

  /** Shares the pool accepted. */
  accepted(): number {
    return this.submits.filter((s) => s.ok).length;
  }

  async listen(): Promise<number> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    return (this.server.address() as { port: number }).port;
  }

  dropAll(): void {
    for (const s of this.sockets) s.destroy();
  }

  close(): Promise<void> {
    this.dropAll();
    return new Promise((r) => this.server.close(() => r()));
  }

  private serve(s: Socket): void {
    if (this.refusing) {
      s.destroy();
      return;
    }
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
    s.on('error', () => undefined);
    const split = new LineSplitter(1 << 16);
    const send = (o: unknown) => s.write(JSON.stringify(o) + '\n');
    s.on('data', (chunk: Buffer) => {
      const lines = split.push(chunk);
      if (lines === 'overflow') return s.destroy();
      for (const line of lines) {
        const m = JSON.parse(line) as { id: number; method: string; params: string[] };
        if (m.method === 'mining.subscribe') {
          this.subscribes++;
          send({ id: m.id, result: [[['mining.notify', 'x']], this.extranonce1, this.extranonce2Size], error: null });
        } else if (m.method === 'mining.authorize') {
          const c = this.opts.credentials;
          send({ id: m.id, result: c === undefined || (m.params[0] === c.user && m.params[1] === c.pass), error: null });
          send({ id: null, method: 'mining.set_difficulty', params: [this.difficulty] });
          const j = this.job;
          // Uppercase hex, as some pools send it; the job id keeps its case.
          send({ id: null, method: 'mining.notify', params: [j.jobId, j.prevhash.toUpperCase(), j.coinb1, j.coinb2, j.merkleBranches, j.version, j.nbits, j.ntime, true] });
        } else if (m.method === 'mining.submit') {
          const [, jobId, en2, ntime, nonce] = m.params as [string, string, string, string, string];
          const ok = jobId === this.job.jobId && en2.length === 2 * this.extranonce2Size &&
            hashMeetsTarget(sha256d.referenceHash(buildHeader(this.job, this.extranonce1, en2, ntime, nonce)), targetFromDifficulty(sha256d, this.difficulty));
          this.submits.push({ ok, params: m.params });
          send(ok ? { id: m.id, result: true, error: null } : { id: m.id, result: null, error: [23, 'low difficulty share', null] });
        } else {
          send({ id: m.id, result: true, error: null });
        }
      }
    });
  }
}

/** Polls `cond` every 20 ms until it holds; throws after `ms`. */
export async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}
