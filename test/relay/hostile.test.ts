import { connect } from 'node:net';
import fc from 'fast-check';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { MinerClient, RemoteError } from '../../src/relay/miner-client.js';
import { startTestRelay, type TestRelay } from './helpers.js';

let t: TestRelay | undefined;
const clients: MinerClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await t?.stop();
  t = undefined;
});

async function client(url: string): Promise<MinerClient> {
  const c = await MinerClient.connect(url);
  clients.push(c);
  return c;
}

const HIGH_LIMITS = { limits: { messagesPerSecond: 1e6, messageBurst: 1e6, globalMessagesPerSecond: 1e7 } };

/** Malformed messages and the error code each must get (the id, when readable, is echoed). */
const CORPUS: Array<[string, number]> = [
  ['not json', -32700],
  ['{"id":1,', -32700],
  ['[]', -32600],
  ['42', -32600],
  ['{"id":[1],"method":"mining.subscribe","params":[]}', -32600],
  ['{"id":1,"method":"mining.nope","params":[]}', -32601],
  ['{"id":1,"method":"__proto__","params":[]}', -32601],
  ['{"id":1,"method":"mining.subscribe","params":"x"}', -32600],
  ['{"id":1,"method":"mining.subscribe","params":[{"a":1}]}', -32602],
  ['{"id":1,"method":"mining.authorize","params":[]}', -32602],
  ['{"id":1,"method":"mining.authorize","params":[1,2]}', -32602],
  ['{"id":1,"method":"mining.authorize","params":["' + 'A'.repeat(22) + '",""]}', 24],
  ['{"id":1,"method":"mining.submit","params":[]}', 25],
  ['{"id":1,"method":"workpass.session.open","params":[{"mode":"gratis"}]}', -32602],
  ['{"id":1,"method":"workpass.session.open","params":[{"mode":"tickets","x":1}]}', -32602],
  ['{"id":1,"method":"workpass.session.status","params":["short"]}', -32602],
  ['{"id":1,"method":"workpass.session.status","params":["' + 'A'.repeat(22) + '"]}', 24],
  ['{"id":1,"method":"ticket.commit","params":[null]}', -32602],
  ['{"id":1,"method":"ticket.sign","params":["' + 'A'.repeat(22) + '","zz","e"]}', -32602],
  ['{"id":1,"method":"ticket.sign","params":["' + 'A'.repeat(22) + '","' + 'a'.repeat(32) + '","' + '_'.repeat(43) + '"]}', -32602],
  ['{"id":"x","method":"mining.subscribe","params":[1,2,3,4,5]}', -32602],
];

/** Sends one line and returns the decoded reply. */
function rawExchange(c: MinerClient, line: string): Promise<{ id: unknown; error: [number, string, null] | null }> {
  return new Promise((resolve) => {
    const before = c.notices.length;
    c.sendLine(line);
    const poll = setInterval(() => {
      if (c.notices.length > before) {
        clearInterval(poll);
        const n = c.notices[before]!;
        resolve({ id: null, error: [n.params[0] as number, n.params[1] as string, null] });
      }
    }, 2);
  });
}

describe.each(['ws', 'stratum'] as const)('hostile input over %s', (transport) => {
  it.each(CORPUS)('%s -> %i, and the connection keeps working', async (line, code) => {
    t ??= await startTestRelay({}, {}, HIGH_LIMITS);
    const c = await client(t.relay[transport].url);
    // Requests with a readable numeric id are answered under that id; replies to id 1 are
    // matched by the client, so use request() for those and raw lines for the rest.
    const parsed = (() => {
      try {
        return JSON.parse(line) as { id?: unknown; method?: unknown; params?: unknown };
      } catch {
        return undefined;
      }
    })();
    if (parsed !== undefined && typeof parsed === 'object' && parsed !== null && parsed.id === 1 && typeof parsed.method === 'string' && Array.isArray(parsed.params)) {
      try {
        await c.request(parsed.method, parsed.params);
        throw new Error('expected an error');
      } catch (err) {
        expect(err).toBeInstanceOf(RemoteError);
        expect((err as RemoteError).code).toBe(code);
      }
    } else {
      const reply = await rawExchange(c, line);
      expect(reply.error![0]).toBe(code);
    }
    expect(await c.request('mining.extranonce.subscribe', [])).toBe(true);
    await t.stop();
    t = undefined;
  });

  it('fuzz: every request with an id gets exactly one reply and the daemon survives', async () => {
    t = await startTestRelay({}, {}, HIGH_LIMITS);
    const c = await client(t.relay[transport].url);
    const methods = ['mining.subscribe', 'mining.authorize', 'mining.submit', 'mining.extranonce.subscribe', 'workpass.session.open',
      'workpass.session.status', 'ticket.commit', 'ticket.sign', 'client.reconnect', 'x'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...methods), fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 6 }), async (method, params) => {
        try {
          await c.request(method, params);
        } catch (err) {
          expect(err).toBeInstanceOf(RemoteError);
        }
      }),
      { numRuns: 400 },
    );
    for (let i = 0; i < 200; i++) c.sendLine(fc.sample(fc.string({ maxLength: 200 }), 1)[0]!.replace(/\n/g, ' ') || 'x');
    expect(await c.request('mining.extranonce.subscribe', [])).toBe(true);
    const stats = (await (await fetch(`${t.relay.http.url}/stats`)).json()) as { malformed: number };
    expect(stats.malformed).toBeGreaterThan(0);
  });
});

describe('caps and limits', () => {
  it('closes a TCP connection whose line exceeds the cap', async () => {
    t = await startTestRelay();
    const s = connect(t.relay.stratum.port, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    s.write('{"id":1,"method":"mining.subscribe","params":["' + 'x'.repeat(5000));
    await new Promise((r) => s.once('close', r));
  });

  it('closes a WebSocket on an oversized frame (1009) and on a binary frame (1003)', async () => {
    t = await startTestRelay();
    const big = new WebSocket(t.relay.ws.url);
    await new Promise((r) => big.once('open', r));
    big.send('x'.repeat(5000));
    expect(await new Promise((r) => big.once('close', (code) => r(code)))).toBe(1009);
    const bin = new WebSocket(t.relay.ws.url);
    await new Promise((r) => bin.once('open', r));
    bin.send(new Uint8Array([1, 2, 3]));
    expect(await new Promise((r) => bin.once('close', (code) => r(code)))).toBe(1003);
  });

  it('rate-limits a flooding connection (35) and finally drops it', async () => {
    t = await startTestRelay({}, {}, { limits: { messagesPerSecond: 5, messageBurst: 10 } });
    const c = await client(t.relay.stratum.url);
    for (let i = 0; i < 100; i++) c.sendLine('{"id":null,"method":"mining.extranonce.subscribe","params":[]}');
    await c.whenClosed();
    const codes = c.notices.filter((n) => n.method === 'error').map((n) => n.params[0]);
    expect(codes).toContain(35);
  });

  it('answers a rate-limited request under its own id, so a pipelining client is not left waiting', async () => {
    t = await startTestRelay({}, {}, { limits: { messagesPerSecond: 1, messageBurst: 3 } });
    const c = await client(t.relay.stratum.url);
    const answers = await Promise.allSettled(Array.from({ length: 10 }, () => c.request('mining.extranonce.subscribe', [])));
    // Every request settled (none hangs); those over the burst were refused with 35.
    const refused = answers.filter((a) => a.status === 'rejected').map((a) => (a as PromiseRejectedResult).reason as unknown);
    expect(refused.length).toBeGreaterThanOrEqual(5);
    for (const r of refused) expect(r instanceof RemoteError && r.code === 35).toBe(true);
    expect(answers.filter((a) => a.status === 'fulfilled').length).toBeGreaterThanOrEqual(1);
  });

  it('refuses connections beyond maxConnections', async () => {
    t = await startTestRelay({ 'max-connections': '2' });
    const a = await client(t.relay.stratum.url);
    const b = await client(t.relay.ws.url);
    await a.subscribe();
    await b.subscribe();
    const c = await client(t.relay.stratum.url);
    await c.whenClosed();
    const d = new WebSocket(t.relay.ws.url);
    expect(await new Promise((r) => d.once('close', (code) => r(code)))).toBe(1013);
  });

  it('drops idle connections', async () => {
    t = await startTestRelay({}, {}, { limits: { idleSeconds: 1 } });
    const c = await client(t.relay.ws.url);
    await c.subscribe();
    await c.whenClosed();
    expect(c.closed).toBe(true);
  });

  it('drops a client that does not read its replies (backpressure)', async () => {
    t = await startTestRelay({}, {}, { limits: { maxBufferedBytes: 4096, ...HIGH_LIMITS.limits } });
    const s = connect(t.relay.stratum.port, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    s.pause();
    const line = '{"id":1,"method":"workpass.session.status","params":["' + 'A'.repeat(22) + '"]}\n';
    const closed = new Promise((r) => s.once('close', r));
    s.on('error', () => undefined);
    const chunk = line.repeat(500);
    let sent = 0;
    while (!s.destroyed && sent < 200_000_000) {
      sent += chunk.length;
      if (!s.write(chunk)) await Promise.race([new Promise((r) => s.once('drain', r)), closed]);
    }
    await closed;
    const stats = (await (await fetch(`${t.relay.http.url}/stats`)).json()) as { sessions: number };
    expect(stats.sessions).toBe(0);
  });
});
