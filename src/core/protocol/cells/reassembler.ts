import { InputError } from '../../util/errors.js';
import { MINING_COMMANDS } from './commands.js';
import { decodeFragment, FRAGMENT_DATA_MAX } from './fragment.js';

export interface ReassemblerOptions {
  /** Messages being put together at once (per circuit); a new one past this is refused. */
  maxPending?: number;
  /** Fragment bytes held across all pending messages. */
  maxBufferedBytes?: number;
  /** A message whose fragments have not all arrived within this many ms is dropped. */
  ttlMs?: number;
}

interface Pending {
  readonly command: number;
  readonly count: number;
  readonly parts: (Uint8Array | undefined)[];
  received: number;
  bytes: number;
  readonly firstSeen: number;
}

export interface Reassembled {
  readonly command: number;
  readonly messageId: number;
  readonly message: Uint8Array;
}

/**
 * Puts fragmented relay messages back together, for one circuit. Memory is bounded by
 * maxBufferedBytes; a fragment that repeats an index (overlap), disagrees with the message's
 * fragment count, or would pass a bound is refused with InputError, and the partial message it
 * belongs to is dropped (the caller may then close the circuit).
 */
export class Reassembler {
  private readonly pending = new Map<string, Pending>();
  private readonly maxPending: number;
  private readonly maxBufferedBytes: number;
  private readonly ttlMs: number;
  private buffered = 0;

  constructor(options: ReassemblerOptions = {}) {
    this.maxPending = options.maxPending ?? 4;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 32 * 1024;
    this.ttlMs = options.ttlMs ?? 60_000;
    for (const [k, v] of Object.entries({ maxPending: this.maxPending, maxBufferedBytes: this.maxBufferedBytes, ttlMs: this.ttlMs })) {
      if (!Number.isSafeInteger(v) || v < 1) throw new InputError(k, 'expected a positive integer');
    }
  }

  /** Bytes currently held. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  get pendingMessages(): number {
    return this.pending.size;
  }

  /**
   * Takes one relay body of a mining command. Returns the whole message once its last
   * fragment is in, otherwise undefined. `now` is in milliseconds.
   */
  push(command: number, body: Uint8Array, now: number): Reassembled | undefined {
    if (!MINING_COMMANDS.includes(command)) throw new InputError('command', `not a mining relay command: ${String(command)}`);
    if (typeof now !== 'number' || !Number.isFinite(now)) throw new InputError('now', 'expected a finite time in ms');
    this.expire(now);
    const f = decodeFragment(body);
    if (f.count === 1) return { command, messageId: f.messageId, message: f.data };
    const key = `${command}:${f.messageId}`;
    let p = this.pending.get(key);
    if (p === undefined) {
      if (this.pending.size >= this.maxPending) throw new InputError('fragment', `more than ${this.maxPending} messages pending`);
      p = { command, count: f.count, parts: new Array(f.count).fill(undefined), received: 0, bytes: 0, firstSeen: now };
      this.pending.set(key, p);
    }
    if (f.count !== p.count) {
      this.drop(key);
      throw new InputError('fragment.count', `count ${f.count} disagrees with ${p.count} of earlier fragments`);
    }
    if (p.parts[f.index] !== undefined) {
      this.drop(key);
      throw new InputError('fragment.index', `fragment ${f.index} of message ${f.messageId} received twice`);
    }
    if (this.buffered + f.data.length > this.maxBufferedBytes) {
      this.drop(key);
      throw new InputError('fragment', `more than ${this.maxBufferedBytes} bytes buffered`);
    }
    p.parts[f.index] = f.data;
    p.received++;
    p.bytes += f.data.length;
    this.buffered += f.data.length;
    if (p.received < p.count) return undefined;
    this.drop(key);
    const message = new Uint8Array((p.count - 1) * FRAGMENT_DATA_MAX + p.parts[p.count - 1]!.length);
    p.parts.forEach((part, i) => message.set(part!, i * FRAGMENT_DATA_MAX));
    return { command, messageId: f.messageId, message };
  }

  private drop(key: string): void {
    const p = this.pending.get(key);
    if (p === undefined) return;
    this.buffered -= p.bytes;
    this.pending.delete(key);
  }

  private expire(now: number): void {
    for (const [key, p] of this.pending) if (now - p.firstSeen > this.ttlMs) this.drop(key);
  }
}
