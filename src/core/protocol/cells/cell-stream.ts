import { InputError } from '../../util/errors.js';
import { CELL_BODY_LEN } from './commands.js';
import { decodeMessage, encodeCells, type MiningMessage } from './message.js';
import { Reassembler, type ReassemblerOptions } from './reassembler.js';
import { CellSplitter, encodeRelayCell } from './relay-cell.js';

/** tor-spec's RELAY_DROP: long-range padding, which a receiver ignores. */
export const RELAY_DROP = 10;

export interface CellStreamOptions {
  reassembler?: ReassemblerOptions;
  /** Fills each cell's unused tail; tor-spec says random values SHOULD be used. Default zeros. */
  padding?: (n: number) => Uint8Array;
  /** The first message id this side uses; ids then count up modulo 2^32. */
  firstMessageId?: number;
}

/**
 * The mining messages over a plain byte stream, as back-to-back 509-byte relay cells (the daemon's
 * transport where no tor change carries the cells). One instance per connection and direction
 * pair: `encode` for what we send, `decode` for what arrives.
 */
export class CellStream {
  private readonly splitter = new CellSplitter();
  private readonly reassembler: Reassembler;
  private readonly padding: ((n: number) => Uint8Array) | undefined;
  private nextId: number;

  constructor(options: CellStreamOptions = {}) {
    this.reassembler = new Reassembler(options.reassembler);
    this.padding = options.padding;
    const first = options.firstMessageId ?? 0;
    if (!Number.isInteger(first) || first < 0 || first > 0xffffffff) throw new InputError('firstMessageId', 'expected an integer in [0, 2^32)');
    this.nextId = first;
  }

  /** The stream bytes that carry `m`: one or more 509-byte cells. */
  encode(m: MiningMessage): Uint8Array {
    const bodies = encodeCells(m, this.nextId);
    this.nextId = (this.nextId + 1) >>> 0;
    const out = new Uint8Array(bodies.length * CELL_BODY_LEN);
    bodies.forEach((b, i) => out.set(encodeRelayCell({ ...b, streamId: 0 }, this.padding), i * CELL_BODY_LEN));
    return out;
  }

  /**
   * Feeds received bytes; returns the messages completed by them. Throws InputError on a cell or
   * message that breaks the format (the caller should then close the connection).
   */
  decode(chunk: Uint8Array, now: number): MiningMessage[] {
    const out: MiningMessage[] = [];
    for (const cell of this.splitter.push(chunk)) {
      if (cell.command === RELAY_DROP) continue;
      if (cell.streamId !== 0) throw new InputError('cell.streamId', 'mining cells are circuit-level (stream id 0)');
      const done = this.reassembler.push(cell.command, cell.body, now);
      if (done !== undefined) out.push(decodeMessage(done.command, done.message));
    }
    return out;
  }

  /** Bytes held for incomplete cells and messages. */
  get bufferedBytes(): number {
    return this.splitter.pending + this.reassembler.bufferedBytes;
  }
}
