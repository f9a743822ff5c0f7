import { decodeMessage, encodeRequest } from '../../core/protocol/jsonrpc.js';
import type { RpcRequest } from '../../core/protocol/jsonrpc.js';
import type { Channel } from './transport.js';

/** A relay refused a request: the Stratum error triple's code and message. */
export class RelayError extends Error {
  override readonly name = 'RelayError';
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * JSON-RPC (Stratum v1 shape) over a Channel: requests with numeric ids matched to their responses,
 * and the relay's notifications (mining.notify, mining.set_difficulty, …) handed to `onNotification`.
 * Messages that do not decode are dropped; the relay cannot make this throw.
 */
export class RpcClient {
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  #closed: string | null = null;
  onNotification: ((n: RpcRequest) => void) | null = null;
  onClose: ((reason: string) => void) | null = null;

  constructor(private readonly channel: Channel, private readonly timeoutMs = 30_000) {
    channel.onMessage = (text) => this.#receive(text);
    channel.onClose = (reason) => this.#finish(reason);
  }

  get closed(): boolean {
    return this.#closed !== null;
  }

  request(method: string, params: readonly unknown[]): Promise<unknown> {
    if (this.#closed !== null) return Promise.reject(new Error(`connection closed: ${this.#closed}`));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${method}: no answer from the relay in ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.channel.send(encodeRequest(id, method, params));
    });
  }

  close(): void {
    this.channel.close();
    this.#finish('closed by client');
  }

  #receive(text: string): void {
    let msg;
    try {
      msg = decodeMessage(text);
    } catch {
      return;
    }
    if (msg.kind === 'request') {
      if (msg.id === null) this.onNotification?.(msg);
      return;
    }
    if (typeof msg.id !== 'number') return;
    const p = this.#pending.get(msg.id);
    if (p === undefined) return;
    this.#pending.delete(msg.id);
    clearTimeout(p.timer);
    if (msg.error !== null) p.reject(new RelayError(msg.error[0], msg.error[1]));
    else p.resolve(msg.result);
  }

  #finish(reason: string): void {
    if (this.#closed !== null) return;
    this.#closed = reason;
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error(`connection closed: ${reason}`));
    }
    this.#pending.clear();
    this.onClose?.(reason);
  }
}
