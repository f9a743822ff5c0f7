import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { getAlgorithm, type AlgorithmName } from '../../src/core/pow/registry.js';
import { buildHeader } from '../../src/core/pow/stratum.js';
import { hashMeetsTarget, hashToBigint, targetFromDifficulty } from '../../src/core/pow/target.js';
import { decodeNotifyParams, decodeSubscribeResult, type NotifyParams } from '../../src/core/protocol/stratum.js';
import { decodeSessionOpenResult, decodeSessionStatusResult } from '../../src/core/protocol/workpass.js';
import { bytesToHex, equalBytes, reverseBytes } from '../../src/core/util/bytes.js';
import { mineShare, type ReceivedJob } from '../../src/relay/miner-client.js';
import { LineSplitter } from '../../src/relay/transport/lines.js';
import { startTestRelay, type TestRelay } from './helpers.js';

/**
 * The wire exchange of a real native miner, pooler's cpuminer 2.5.1, against the relay's Stratum
 * TCP listener. The fixture holds the lines cpuminer's protocol dump (-P) showed; the live tests send
 * lines in exactly its format (its spacing, `"id": 1` for subscribe, 2 for authorize, 4 for every
 * submit, "x" as the password) and check the relay's answers.
 */
interface Line {
  readonly dir: 'miner->relay' | 'relay->miner';
  readonly text: string;
}
interface Exchange {
  readonly algo: AlgorithmName;
  readonly difficulty: number;
  readonly lines: readonly Line[];
  readonly cpuminerHash: string;
  readonly cpuminerTarget: string;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/cpuminer-2.5.1.json', import.meta.url), 'utf8')) as {
  exchanges: Exchange[];
  reconnect: { lines: Line[] };
};

const cpuminerSubscribe = (sessionId?: string) =>
  `{"id": 1, "method": "mining.subscribe", "params": ["cpuminer/2.5.1"${sessionId === undefined ? '' : `, "${sessionId}"`}]}`;
const cpuminerAuthorize = (user: string) => `{"id": 2, "method": "mining.authorize", "params": ["${user}", "x"]}`;
const cpuminerSubmit = (user: string, jobId: string, en2: string, ntime: string, nonce: string) =>
  `{"method": "mining.submit", "params": ["${user}", "${jobId}", "${en2}", "${ntime}", "${nonce}"], "id":4}`;

/** A raw line-level Stratum TCP peer: what it sends is exactly the text given. */
class Wire {
  private readonly received: unknown[] = [];
  private waiter: (() => void) | undefined;
  private constructor(private readonly socket: Socket) {
    const splitter = new LineSplitter(1 << 20);
    socket.on('data', (chunk: Buffer) => {
      const lines = splitter.push(chunk);
      if (lines === 'overflow') throw new Error('line overflow');
      for (const l of lines) this.received.push(JSON.parse(l));
      this.waiter?.();
    });
    socket.on('error', () => undefined);
  }

  static async open(url: string): Promise<Wire> {
    const m = /^stratum\+tcp:\/\/([^:]+):(\d+)$/.exec(url)!;
    const socket = connect({ host: m[1]!, port: Number(m[2]) });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new Wire(socket);
  }

  send(line: string): void {
    this.socket.write(line + '\n');
  }

  /** Takes the first message matching `match` (waits up to 10 s); the ones before it stay queued. */
  async take(match: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const i = this.received.findIndex((m) => match(m as Record<string, unknown>));
      if (i !== -1) return this.received.splice(i, 1)[0] as Record<string, unknown>;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no matching message within 10 s');
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiter = () => {
          clearTimeout(t);
          r();
        };
      });
    }
  }

  /** Every message received and not taken yet. */
  pending(): unknown[] {
    return [...this.received];
  }

  close(): void {
    this.socket.destroy();
  }
}

const byId = (id: number) => (m: Record<string, unknown>) => m['id'] === id && 'result' in m;
const byMethod = (method: string) => (m: Record<string, unknown>) => m['method'] === method;

/** The 76 header bytes cpuminer hashes for a job: it starts each new job id at extranonce2 0. */
function cpuminerWork(n: NotifyParams, extranonce1: string, extranonce2Size: number): Uint8Array {
  return buildHeader({ ...n, merkleBranches: n.merkleBranch }, extranonce1, '00'.repeat(extranonce2Size), n.ntime, '00000000').subarray(0, 76);
}

let t: TestRelay | undefined;
const wires: Wire[] = [];
afterEach(async () => {
  for (const w of wires.splice(0)) w.close();
  await t?.stop();
  t = undefined;
});

/** Connects as cpuminer does, with a session opened on the same listener; returns what it was sent. */
async function cpuminerSession(url: string) {
  const w = await Wire.open(url);
  wires.push(w);
  w.send('{"id": 9, "method": "workpass.session.open", "params": [{"mode": "tickets"}]}');
  const token = decodeSessionOpenResult((await w.take(byId(9)))['result']).token;
  w.send(cpuminerSubscribe());
  const sub = decodeSubscribeResult((await w.take(byId(1)))['result']);
  w.send(cpuminerAuthorize(token));
  expect(await w.take(byId(2))).toEqual({ id: 2, result: true, error: null });
  const diff = (await w.take(byMethod('mining.set_difficulty')))['params'] as number[];
  const notify = decodeNotifyParams((await w.take(byMethod('mining.notify')))['params'] as unknown[]);
  return { w, token, sub, difficulty: diff[0]!, notify };
}

const received = (n: NotifyParams, difficulty: number): ReceivedJob => ({ job: { ...n, merkleBranches: n.merkleBranch }, difficulty });

describe('cpuminer 2.5.1 (recorded exchange)', () => {
  for (const x of fixture.exchanges) {
    it(`${x.algo}: its accepted share hashes as it printed, and its share target is ours (Stratum difficulty factor included)`, () => {
      const texts = x.lines.map((l) => JSON.parse(l.text) as Record<string, unknown>);
      const sub = decodeSubscribeResult(texts.find((m) => m['id'] === 1 && 'result' in m)!['result']);
      const n = decodeNotifyParams(texts.find((m) => m['method'] === 'mining.notify')!['params'] as unknown[]);
      const submit = texts.find((m) => m['method'] === 'mining.submit')!['params'] as string[];
      expect(submit[1]).toBe(n.jobId);
      const header = buildHeader({ ...n, merkleBranches: n.merkleBranch }, sub.extranonce1, submit[2]!, submit[3]!, submit[4]!);
      const algo = getAlgorithm(x.algo);
      const hash = algo.referenceHash(header);
      // cpuminer prints the hash as a 256-bit number, most significant byte first.
      expect(bytesToHex(reverseBytes(hash))).toBe(x.cpuminerHash);
      const ours = targetFromDifficulty(algo, x.difficulty);
      expect(hashMeetsTarget(hash, ours)).toBe(true);
      // cpuminer's diff_to_target rounds in 64-bit words: the same target to better than 1e-9.
      const theirs = BigInt('0x' + x.cpuminerTarget);
      const gap = ours > theirs ? ours - theirs : theirs - ours;
      expect(gap * 1_000_000_000n < theirs).toBe(true);
      expect(hashToBigint(hash) <= theirs).toBe(true);
    });
  }
});

describe('cpuminer 2.5.1 wire format against a live relay', () => {
  for (const algo of ['sha256d', 'scrypt'] as const) {
    it(`${algo}: subscribe, authorize with a ticket session's token, a share in its submit format is accepted and credited`, async () => {
      t = await startTestRelay({ 'stratum-algo': algo, 'stratum-difficulty': algo === 'scrypt' ? '0.001' : '0.000001' });
      const { w, token, sub, difficulty, notify } = await cpuminerSession(t.relay.stratum.url);
      const share = mineShare(getAlgorithm(algo), received(notify, difficulty), sub.extranonce1, '00'.repeat(sub.extranonce2Size))!;
      w.send(cpuminerSubmit(token, notify.jobId, share.extranonce2, share.ntime, share.nonce));
      expect(await w.take(byId(4))).toEqual({ id: 4, result: true, error: null });
      w.send(`{"id": 10, "method": "workpass.session.status", "params": ["${token}"]}`);
      expect(decodeSessionStatusResult((await w.take(byId(10)))['result']).credit).toBeCloseTo(difficulty, 12);
    });
  }

  it('after a reconnect, a subscribe naming the old session id (as cpuminer sends it) gets a fresh subscription', async () => {
    const resubscribe = fixture.reconnect.lines.find((l) => l.dir === 'miner->relay' && l.text.includes('mining.subscribe'))!.text;
    t = await startTestRelay();
    const w = await Wire.open(t.relay.stratum.url);
    wires.push(w);
    w.send(resubscribe);
    const sub = decodeSubscribeResult((await w.take(byId(1)))['result']);
    expect(sub.extranonce1).toMatch(/^[0-9a-f]{8}$/);
  });
});

describe('a job sent again under a fresh id (vardiff, keep-alive), as cpuminer takes it', () => {
  it('changes the header bytes cpuminer hashes, so it switches to the new job and difficulty; its late shares at the old difficulty do not raise it again', async () => {
    const clock = Date.now();
    // A frozen clock: the resend comes in the same second as the job; the source never rolls.
    t = await startTestRelay({ 'stratum-difficulty': '0.000001' }, { now: () => clock }, { solo: { rollSeconds: 3600 } });
    const { w, token, sub, difficulty, notify } = await cpuminerSession(t.relay.stratum.url);
    const sha = getAlgorithm('sha256d');
    const en2 = '00'.repeat(sub.extranonce2Size);
    let nonce = 0;
    const mineOn = (n: NotifyParams, d: number) => {
      const s = mineShare(sha, received(n, d), sub.extranonce1, en2, { startNonce: nonce })!;
      nonce = parseInt(s.nonce, 16) + 1;
      return cpuminerSubmit(token, n.jobId, s.extranonce2, s.ntime, s.nonce);
    };

    // Twelve quick shares (vardiff's fastShares): the relay raises the difficulty 4x and resends the job.
    for (let i = 0; i < 12; i++) {
      w.send(mineOn(notify, difficulty));
      expect(await w.take(byId(4))).toEqual({ id: 4, result: true, error: null });
    }
    const raised = ((await w.take(byMethod('mining.set_difficulty')))['params'] as number[])[0]!;
    expect(raised).toBe(4 * difficulty);
    const again = decodeNotifyParams((await w.take(byMethod('mining.notify')))['params'] as unknown[]);
    expect(again.jobId).not.toBe(notify.jobId);
    expect(again.cleanJobs).toBe(false);
    // cpuminer keeps its current work (old id, old difficulty) while these 76 bytes are equal.
    expect(equalBytes(cpuminerWork(again, sub.extranonce1, sub.extranonce2Size), cpuminerWork(notify, sub.extranonce1, sub.extranonce2Size))).toBe(false);
    expect(parseInt(again.ntime, 16)).toBeGreaterThan(parseInt(notify.ntime, 16));

    // A share on the resent job at the new difficulty is accepted...
    w.send(mineOn(again, raised));
    expect(await w.take(byId(4))).toEqual({ id: 4, result: true, error: null });
    // ...and so are the old job's shares that cpuminer's other threads find before they take the new
    // work; twelve of them at a quarter of the difficulty are three shares' worth: no new retarget.
    for (let i = 0; i < 12; i++) {
      w.send(mineOn(notify, difficulty));
      expect(await w.take(byId(4))).toEqual({ id: 4, result: true, error: null });
    }
    w.send(`{"id": 10, "method": "workpass.session.status", "params": ["${token}"]}`);
    const status = decodeSessionStatusResult((await w.take(byId(10)))['result']);
    expect(status.credit).toBeCloseTo(24 * difficulty + raised, 12);
    expect(w.pending().filter((m) => (m as { method?: string }).method === 'mining.set_difficulty')).toEqual([]);
  });
});
