import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocketTransport, type SessionHooks } from '../../src/extension/transport/websocket.js';

/** The browser's WebSocket, reduced to what the transport uses; `blocked` makes the constructor throw as Firefox does for a banned port. */
class StubSocket extends EventTarget {
  static blocked = false;
  static last: StubSocket | null = null;
  readonly sent: string[] = [];

  constructor(readonly url: string) {
    super();
    if (StubSocket.blocked) throw new DOMException('The operation is insecure.', 'SecurityError');
    StubSocket.last = this;
  }

  send(text: string): void {
    this.sent.push(text);
  }

  close(): void {
    queueMicrotask(() => this.dispatchEvent(Object.assign(new Event('close'), { code: 1000 })));
  }
}

/** Counts sessions begun and ended, as SocksIsolation would hold their credentials. */
function hooks() {
  const live = new Set<number>();
  let n = 0;
  const h: SessionHooks = {
    beginSession: () => {
      const id = n++;
      live.add(id);
      return () => live.delete(id);
    },
  };
  return { h, live, begun: () => n };
}

afterEach(() => {
  vi.unstubAllGlobals();
  StubSocket.blocked = false;
  StubSocket.last = null;
});

describe('WebSocketTransport session hooks', () => {
  it('ends the session when the WebSocket cannot even be constructed', async () => {
    vi.stubGlobal('WebSocket', StubSocket);
    StubSocket.blocked = true;
    const { h, live, begun } = hooks();
    await expect(new WebSocketTransport(1000, h).open('ws://relay.onion:25/')).rejects.toThrow(/insecure/);
    expect(begun()).toBe(1);
    expect(live.size).toBe(0);
  });

  it('ends the session on a failed connect and when an open channel closes, and only then', async () => {
    vi.stubGlobal('WebSocket', StubSocket);
    const { h, live } = hooks();
    const t = new WebSocketTransport(1000, h);
    const failed = t.open('ws://relay.onion/');
    StubSocket.last!.dispatchEvent(new Event('error'));
    await expect(failed).rejects.toThrow(/connection failed/);
    expect(live.size).toBe(0);
    const opening = t.open('ws://relay.onion/');
    StubSocket.last!.dispatchEvent(new Event('open'));
    const channel = await opening;
    expect(live.size).toBe(1);
    const closed = new Promise<string>((resolve) => (channel.onClose = resolve));
    StubSocket.last!.dispatchEvent(Object.assign(new Event('close'), { code: 1006 }));
    expect(await closed).toBe('closed (1006)');
    expect(live.size).toBe(0);
  });
});
