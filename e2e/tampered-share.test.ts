// A plain WebSocket client against the real daemon: a share whose nonce was tampered with is refused
// with Stratum error 23 and the accepted count does not move; the untampered share is then accepted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { getAlgorithm } from '../src/core/pow/registry.js';
import { buildHeader, nonceToHex, type StratumJob } from '../src/core/pow/stratum.js';
import { hashMeetsTarget, targetFromDifficulty, targetToBytes } from '../src/core/pow/target.js';
import { decodeMessage, encodeRequest, type RpcMessage } from '../src/core/protocol/jsonrpc.js';
import { decodeNotifyParams, decodeSetDifficultyParams, decodeSubscribeResult } from '../src/core/protocol/stratum.js';
import { decodeSessionOpenResult } from '../src/core/protocol/workpass.js';
import { startTestRelay, type TestRelay } from './lib/relay.js';

class Client {
  readonly messages: RpcMessage[] = [];
  #id = 1;
  #waiters: (() => void)[] = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(decodeMessage(String(data)));
      for (const w of this.#waiters.splice(0)) w();
    });
  }
  static async connect(url: string): Promise<Client> {
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    return new Client(ws);
  }
  async next(match: (m: RpcMessage) => boolean): Promise<RpcMessage> {
    for (;;) {
      const i = this.messages.findIndex(match);
      if (i >= 0) return this.messages.splice(i, 1)[0]!;
      await new Promise<void>((resolve, reject) => {
        this.#waiters.push(resolve);
        setTimeout(() => reject(new Error('no message in 10 s')), 10_000).unref();
      });
    }
  }
  async call(method: string, params: unknown[]): Promise<{ result: unknown; error: readonly unknown[] | null }> {
    const id = this.#id++;
    this.ws.send(encodeRequest(id, method, params));
    const m = await this.next((x) => x.kind === 'response' && x.id === id);
    if (m.kind !== 'response') throw new Error('unreachable');
    return { result: m.result, error: m.error };
  }
}

describe('relay daemon refuses a tampered share', () => {
  let relay: TestRelay;
  let client: Client;
  beforeAll(async () => {
    relay = await startTestRelay();
    client = await Client.connect(relay.handle.ws.url);
  });
  afterAll(async () => {
    client?.ws.close();
    await relay?.close();
  });

  it('answers error 23 and keeps the accepted count; the honest share then counts', async () => {
    const sub = decodeSubscribeResult((await client.call('mining.subscribe', ['e2e'])).result);
    const open = decodeSessionOpenResult((await client.call('workpass.session.open', [{ mode: 'tickets' }])).result);
    expect((await client.call('mining.authorize', [open.token, ''])).result).toBe(true);
    const diffMsg = await client.next((m) => m.kind === 'request' && m.method === 'mining.set_difficulty');
    const notifyMsg = await client.next((m) => m.kind === 'request' && m.method === 'mining.notify');
    if (diffMsg.kind !== 'request' || notifyMsg.kind !== 'request') throw new Error('unreachable');
    const difficulty = decodeSetDifficultyParams(diffMsg.params);
    const n = decodeNotifyParams(notifyMsg.params);
    const job: StratumJob = { ...n, merkleBranches: n.merkleBranch };
    const algo = getAlgorithm(open.algo);
    const target = targetFromDifficulty(algo, difficulty);
    const en2 = '00'.repeat(sub.extranonce2Size);
    const header = buildHeader(job, sub.extranonce1, en2, job.ntime, '00000000');
    const kernel = await algo.loadKernel();
    kernel.setJob(header.subarray(0, 76), targetToBytes(target));
    let found: number | null = null;
    for (let start = 0; found === null; start += 1 << 20) found = kernel.scan(start, 1 << 20).nonce;
    // The tampered nonce: the next one that verifiably misses the target.
    let bad = (found + 1) >>> 0;
    while (hashMeetsTarget(algo.referenceHash(buildHeader(job, sub.extranonce1, en2, job.ntime, nonceToHex(bad))), target)) bad = (bad + 1) >>> 0;

    const before = await relay.accepted();
    const tampered = await client.call('mining.submit', [open.token, job.jobId, en2, job.ntime, nonceToHex(bad)]);
    expect(tampered.error?.[0]).toBe(23);
    expect(await relay.accepted()).toBe(before);

    const honest = await client.call('mining.submit', [open.token, job.jobId, en2, job.ntime, nonceToHex(found)]);
    expect(honest.error).toBeNull();
    expect(honest.result).toBe(true);
    expect(await relay.accepted()).toBe(before + 1);
  });
});
