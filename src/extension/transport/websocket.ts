import type { Channel, Transport } from './transport.js';

/** Largest message accepted from a relay; anything bigger closes the channel. */
const MAX_MESSAGE_CHARS = 64 * 1024;

class WebSocketChannel implements Channel {
  onMessage: ((text: string) => void) | null = null;
  onClose: ((reason: string) => void) | null = null;
  #closed = false;

  constructor(private readonly ws: WebSocket) {
    ws.addEventListener('message', (ev) => {
      if (typeof ev.data !== 'string' || ev.data.length > MAX_MESSAGE_CHARS) {
        this.#finish('relay sent a binary or oversized message');
        ws.close(1009);
        return;
      }
      this.onMessage?.(ev.data);
    });
    ws.addEventListener('close', (ev) => this.#finish(`closed (${ev.code})`));
    ws.addEventListener('error', () => this.#finish('connection error'));
  }

  #finish(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.onClose?.(reason);
  }

  send(text: string): void {
    if (!this.#closed) this.ws.send(text);
  }

  close(): void {
    this.ws.close(1000);
    this.#finish('closed by client');
  }
}

/** WebSocket transport (the browser's own WebSocket, so Tor Browser proxies it). */
export class WebSocketTransport implements Transport {
  constructor(private readonly timeoutMs = 30_000) {}

  open(endpoint: string, signal?: AbortSignal): Promise<Channel> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(endpoint);
      let settled = false;
      const fail = (why: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        ws.close();
        reject(new Error(`cannot reach relay ${endpoint}: ${why}`));
      };
      const timer = setTimeout(() => fail('timed out'), this.timeoutMs);
      signal?.addEventListener('abort', () => fail('aborted'), { once: true });
      ws.addEventListener('error', () => fail('connection failed'), { once: true });
      ws.addEventListener('open', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(new WebSocketChannel(ws));
      }, { once: true });
    });
  }
}
