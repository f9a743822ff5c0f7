import { afterEach, describe, expect, it } from 'vitest';
import { getAlgorithm, type Algorithm } from '../../src/core/pow/registry.js';
import { decodeDescriptor, verifyDescriptor } from '../../src/core/protocol/descriptor.js';
import { decodeSessionOpenResult } from '../../src/core/protocol/workpass.js';
import { resolveConfig } from '../../src/relay/config.js';
import { MinerClient, mineShare, type ReceivedJob } from '../../src/relay/miner-client.js';
import { getJson, rejection, startTestRelay, type TestRelay } from './helpers.js';

let t: TestRelay | undefined;
const clients: MinerClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await t?.stop();
  t = undefined;
});

/**
 * A share of the other algorithm: it meets `other`'s target at the difficulty `other`'s listener
 * hands out, and misses the target of `job` (this listener's algorithm `mine`).
 */
function otherShare(other: Algorithm, otherDifficulty: number, mine: Algorithm, job: ReceivedJob, en1: string, en2: string) {
  let start = 0;
  for (;;) {
    const s = mineShare(other, { ...job, difficulty: otherDifficulty }, en1, en2, { startNonce: start })!;
    if (mineShare(mine, job, en1, en2, { startNonce: parseInt(s.nonce, 16), maxTries: 1 }) === null) return s;
    start = parseInt(s.nonce, 16) + 1;
  }
}

describe('an algorithm per listener', () => {
  it('mines sha256d on WebSocket and scrypt on TCP, each refusing the other algorithm (23)', async () => {
    t = await startTestRelay({ difficulty: '0.00001', 'stratum-algo': 'scrypt', 'stratum-difficulty': '0.0002' });
    const sha256d = getAlgorithm('sha256d');
    const scrypt = getAlgorithm('scrypt');
    for (const [url, mine, other, difficulty, otherDifficulty] of [
      [t.relay.ws.url, sha256d, scrypt, 0.00001, 0.0002],
      [t.relay.stratum.url, scrypt, sha256d, 0.0002, 0.00001],
    ] as const) {
      const c = await MinerClient.connect(url);
      clients.push(c);
      const open = decodeSessionOpenResult(await c.request('workpass.session.open', [{ mode: 'tickets' }]));
      expect(open.algo).toBe(mine.name);
      const sub = await c.subscribe();
      await c.authorize(open.token);
      const job = await c.nextJob();
      expect(job.difficulty).toBe(difficulty);
      const en2 = '00'.repeat(sub.extranonce2Size);
      const good = mineShare(mine, job, sub.extranonce1, en2)!;
      expect(await c.request('mining.submit', [open.token, job.job.jobId, good.extranonce2, good.ntime, good.nonce])).toBe(true);
      const wrong = otherShare(other, otherDifficulty, mine, job, sub.extranonce1, en2);
      expect(await rejection(c.request('mining.submit', [open.token, job.job.jobId, wrong.extranonce2, wrong.ntime, wrong.nonce]))).toBe(23);
    }
    expect(t.relay.stats().shares.accepted).toBe(2);
    expect(t.relay.stats().shares.rejected['low-difficulty']).toBe(2);

    const metrics = await (await fetch(`${t.relay.http.url}/metrics`)).text();
    expect(metrics).toContain('workpass_start_difficulty{algo="sha256d",listener="ws"} 0.00001');
    expect(metrics).toContain('workpass_start_difficulty{algo="scrypt",listener="stratum"} 0.0002');
    const desc = decodeDescriptor(await getJson(`${t.relay.http.url}/.well-known/workpass/descriptor.json`));
    expect(desc.algorithms).toEqual([
      { name: 'sha256d', difficulty: 0.00001, minDifficulty: 1e-6, maxDifficulty: 1e9, endpoints: ['ws'] },
      { name: 'scrypt', difficulty: 0.0002, minDifficulty: 1e-6, maxDifficulty: 1e9, endpoints: ['stratum'] },
    ]);
  });

  it('keeps one entry for every listener when they share the algorithm, and refuses a second algorithm with a pool', async () => {
    t = await startTestRelay({ cells: '127.0.0.1:0' });
    const desc = decodeDescriptor(await getJson(`${t.relay.http.url}/.well-known/workpass/descriptor.json`));
    expect(desc.algorithms).toEqual([{ name: 'sha256d', difficulty: 0.00001, minDifficulty: 1e-6, maxDifficulty: 1e9, endpoints: ['ws', 'stratum', 'cells'] }]);
    expect(desc.endpoints.cells).toBe(t.relay.cells!.url);
    expect(() => resolveConfig({ flags: new Map([['pool', 'stratum+tcp://127.0.0.1:3333'], ['stratum-algo', 'scrypt']]) })).toThrow(/stratumAlgo: scrypt differs from algo sha256d/);
    expect(() => resolveConfig({ flags: new Map([['cells-algo', 'md5']]) })).toThrow(/--cells-algo: unknown algorithm/);
    expect(() => resolveConfig({ flags: new Map([['stratum-difficulty', '1e20']]) })).toThrow(/--stratum-difficulty/);
  });
});

describe('public endpoints in the descriptor', () => {
  const onion = 'a'.repeat(55) + 'd.onion';

  it('advertises the configured onion URLs, signed, and the listen addresses where none is set', async () => {
    t = await startTestRelay({ cells: '127.0.0.1:0', 'public-ws': `ws://${onion}:9433`, 'public-http': `http://${onion}` }, {}, { public: { cells: `cells+tcp://${onion}:9434` } });
    const raw = await getJson(`${t.relay.http.url}/.well-known/workpass/descriptor.json`);
    expect(verifyDescriptor(raw)).toBe(true);
    const desc = decodeDescriptor(raw);
    expect(desc.endpoints).toEqual({ ws: `ws://${onion}:9433`, http: `http://${onion}`, stratum: t.relay.stratum.url, cells: `cells+tcp://${onion}:9434` });
  });

  const accepted: Array<[string, string]> = [
    ['public-ws', `wss://${onion}/mine`],
    ['public-ws', 'ws://relay.example.org:443'],
    ['public-ws', 'ws://[2001:db8::1]:9433'],
    ['public-http', 'https://relay.example.org/workpass/'],
    ['public-stratum', `stratum+tcp://${onion}:9333`],
    ['public-stratum', 'stratum+tcp://192.0.2.7:3333'],
  ];
  it.each(accepted)('accepts --%s %s', (flag, url) => {
    const c = resolveConfig({ flags: new Map([[flag, url]]) });
    expect(Object.values(c.public)).toContain(url);
  });

  const refused: Array<[string, string, RegExp]> = [
    ['public-ws', `http://${onion}:9433`, /expected ws:\/\/HOST\[:PORT\]\[\/PATH\] or wss:/],
    ['public-ws', 'ws://user@relay.example.org', /got 'ws:\/\/user@/],
    ['public-ws', 'ws://relay.example.org/?q=1', /got/],
    ['public-ws', 'ws://relay.example.org:0', /bad port 0/],
    ['public-ws', 'ws://relay.example.org:70000', /bad port 70000/],
    ['public-http', 'http://expyuzz4wqqyqhjn.onion', /not a v3 onion address/],
    ['public-http', `http://${'a'.repeat(56)}.onion`, /not a v3 onion address/],
    ['public-http', 'http://bad host', /got/],
    ['public-stratum', `stratum+tcp://${onion}`, /expected stratum\+tcp:\/\/HOST:PORT/],
    ['public-stratum', 'stratum+tcp://relay.example.org:3333/path', /got/],
    ['public-cells', 'cells+tcp://relay.example.org:3333', /the cells listener is off/],
  ];
  it.each(refused)('refuses --%s %s', (flag, url, message) => {
    expect(() => resolveConfig({ flags: new Map([[flag, url]]) })).toThrow(message);
  });
});
