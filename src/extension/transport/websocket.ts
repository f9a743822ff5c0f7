import type { Channel, Transport } from './transport.js';

/** Largest message accepted from a relay; anything bigger closes the channel. */
const MAX_MESSAGE_CHARS = 64 * 1024;

class WebSocketChannel implements Channel {
  onMessage: ((text: string) => void) | null = null;
  onClose: ((reason: string) => void) | null = null;
  #closed = false;

  constructor(private readonly ws: WebSocket, private readonly ended: () => void) {
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
    this.ended();
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

/** Told when a relay session's connection opens and ends (circuit isolation, socks-isolation.ts). */
export interface SessionHooks {
  /** Returns the call that ends this session (and only this one). */
  beginSession(endpoint: string): () => void;
}

/** WebSocket transport (the browser's own WebSocket, so Tor Browser proxies it). */
export class WebSocketTransport implements Transport {
  constructor(private readonly timeoutMs = 30_000, private readonly hooks: SessionHooks | null = null) {}

  open(endpoint: string, signal?: AbortSignal): Promise<Channel> {
    return new Promise((resolve, reject) => {
      // Every connection is a new relay session, so it gets its own credentials before it exists.
      const end = this.hooks?.beginSession(endpoint) ?? (() => undefined);
      let ws: WebSocket;
      try {
        ws = new WebSocket(endpoint);
      } catch (e) {
        // Firefox throws here for a banned port or a blocked URL: the session never was, and its
        // credentials must not stay to be handed to the add-on's next request to that host.
        end();
        throw e;
      }
      let settled = false;
      const fail = (why: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        ws.close();
        end();
        reject(new Error(`cannot reach relay ${endpoint}: ${why}`));
      };
      const timer = setTimeout(() => fail('timed out'), this.timeoutMs);
      signal?.addEventListener('abort', () => fail('aborted'), { once: true });
      ws.addEventListener('error', () => fail('connection failed'), { once: true });
      ws.addEventListener('open', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(new WebSocketChannel(ws, end));
      }, { once: true });
    });
  }
}
