import { describe, expect, it } from 'vitest';
import { RelayError, RpcClient } from '../../src/extension/transport/rpc-client.js';
import type { Channel } from '../../src/extension/transport/transport.js';

class LoopChannel implements Channel {
  onMessage: ((text: string) => void) | null = null;
  onClose: ((reason: string) => void) | null = null;
  readonly sent: string[] = [];
  closed = 0;
  send(text: string): void {
    this.sent.push(text);
  }
  close(): void {
    this.closed++;
  }
  deliver(text: string): void {
    this.onMessage?.(text);
  }
}

describe('RpcClient', () => {
  it('matches responses to requests by id and maps Stratum errors to RelayError', async () => {
    const ch = new LoopChannel();
    const rpc = new RpcClient(ch);
    const a = rpc.request('mining.subscribe', ['x']);
    const b = rpc.request('mining.submit', []);
    const [ra, rb] = ch.sent.map((t) => JSON.parse(t) as { id: number; method: string; params: unknown[] });
    expect(ra).toEqual({ id: 1, method: 'mining.subscribe', params: ['x'] });
    ch.deliver(JSON.stringify({ id: rb!.id, result: null, error: [23, 'low difficulty share', null] }));
    ch.deliver(JSON.stringify({ id: ra!.id, result: [1, 2], error: null }));
    expect(await a).toEqual([1, 2]);
    const e = await b.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RelayError);
    expect(e).toMatchObject({ code: 23, message: 'low difficulty share' });
  });

  it('drops malformed, unknown and unsolicited messages without throwing', async () => {
    const ch = new LoopChannel();
    const rpc = new RpcClient(ch);
    const notes: string[] = [];
    rpc.onNotification = (n) => notes.push(n.method);
    const p = rpc.request('m', []);
    for (const junk of ['', 'not json', '[]', '{"id": 99, "result": 1}', '{"id": "1", "result": 1}', '{"id": {}, "result": 1}',
      '{"method": 5}', '{"id": 7, "method": "server.request", "params": []}', JSON.stringify({ id: 1, error: 'bad' })]) {
      ch.deliver(junk);
    }
    ch.deliver('{"id": null, "method": "mining.notify", "params": []}');
    expect(notes).toEqual(['mining.notify']);
    ch.deliver('{"id": 1, "result": true, "error": null}');
    expect(await p).toBe(true);
  });

  it('rejects pending requests when the channel closes, and refuses new ones', async () => {
    const ch = new LoopChannel();
    const rpc = new RpcClient(ch);
    let closedWith = '';
    rpc.onClose = (r) => {
      closedWith = r;
    };
    const p = rpc.request('m', []);
    ch.onClose?.('closed (1006)');
    await expect(p).rejects.toThrow('connection closed: closed (1006)');
    await expect(rpc.request('m', [])).rejects.toThrow('connection closed');
    expect(closedWith).toBe('closed (1006)');
    expect(rpc.closed).toBe(true);
  });

  it('times out a request the relay never answers', async () => {
    const rpc = new RpcClient(new LoopChannel(), 20);
    await expect(rpc.request('mining.authorize', [])).rejects.toThrow('mining.authorize: no answer from the relay in 20 ms');
  });
});
