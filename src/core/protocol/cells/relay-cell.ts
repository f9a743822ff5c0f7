import { InputError } from '../../util/errors.js';
import { CELL_BODY_LEN, RELAY_BODY_MAX, RELAY_HEADER_LEN } from './commands.js';
import type { RelayBody } from './fragment.js';
import { aint, Reader } from './wire.js';

/**
 * A relay cell body as tor-spec lays it out ("Relay cells"), 509 bytes:
 *
 *   relay command   u8
 *   recognized      u16   0 in an unencrypted cell
 *   stream id       u16   0 for our circuit-level messages
 *   digest          4     the running digest; 0 here (tor's relay crypto fills it in)
 *   length          u16   bytes of data, <= 498
 *   data            length bytes (our message body)
 *   padding         509 - 11 - length bytes
 *
 * Without tor in the path (tests, and the daemon's byte-stream transport) we carry these
 * plain 509-byte cells back to back; a tor change would carry the same bodies in real cells.
 */
export interface RelayCell extends RelayBody {
  readonly streamId: number;
}

/** Encodes a relay cell; `padding` fills the unused tail (tor-spec: random values SHOULD be used). */
export function encodeRelayCell(cell: RelayCell, padding?: (n: number) => Uint8Array): Uint8Array {
  aint('cell.command', cell.command, 1, 255);
  aint('cell.streamId', cell.streamId, 0, 0xffff);
  if (!(cell.body instanceof Uint8Array) || cell.body.length > RELAY_BODY_MAX) {
    throw new InputError('cell.body', `expected at most ${RELAY_BODY_MAX} bytes`);
  }
  const out = new Uint8Array(CELL_BODY_LEN);
  out[0] = cell.command;
  out[3] = cell.streamId >>> 8;
  out[4] = cell.streamId & 0xff;
  out[9] = cell.body.length >>> 8;
  out[10] = cell.body.length & 0xff;
  out.set(cell.body, RELAY_HEADER_LEN);
  const tail = CELL_BODY_LEN - RELAY_HEADER_LEN - cell.body.length;
  if (padding !== undefined && tail > 0) {
    const pad = padding(tail);
    if (!(pad instanceof Uint8Array) || pad.length !== tail) throw new InputError('padding', `expected ${tail} bytes`);
    out.set(pad, RELAY_HEADER_LEN + cell.body.length);
  }
  return out;
}

export function decodeRelayCell(bytes: unknown): RelayCell {
  if (!(bytes instanceof Uint8Array) || bytes.length !== CELL_BODY_LEN) throw new InputError('cell', `expected ${CELL_BODY_LEN} bytes`);
  const r = new Reader(bytes, 'cell');
  const command = r.u8('command');
  if (command === 0) throw new InputError('cell.command', 'relay command 0 is not valid');
  if (r.u16('recognized') !== 0) throw new InputError('cell.recognized', 'not 0: the cell is still encrypted');
  const streamId = r.u16('streamId');
  r.bytesOf('digest', 4);
  const length = r.u16('length');
  if (length > RELAY_BODY_MAX) throw new InputError('cell.length', `length ${length} exceeds ${RELAY_BODY_MAX}`);
  return { command, streamId, body: r.bytesOf('data', length) };
}

/** Cuts a byte stream of back-to-back 509-byte cells into cells; holds at most one partial cell. */
export class CellSplitter {
  private buf = new Uint8Array(0);

  /** Feeds stream bytes; returns the complete cells now available. Throws InputError on a bad cell. */
  push(chunk: Uint8Array): RelayCell[] {
    if (!(chunk instanceof Uint8Array)) throw new InputError('chunk', 'expected Uint8Array');
    const all = new Uint8Array(this.buf.length + chunk.length);
    all.set(this.buf);
    all.set(chunk, this.buf.length);
    const cells: RelayCell[] = [];
    let off = 0;
    for (; off + CELL_BODY_LEN <= all.length; off += CELL_BODY_LEN) cells.push(decodeRelayCell(all.subarray(off, off + CELL_BODY_LEN)));
    this.buf = all.slice(off);
    return cells;
  }

  /** Bytes of an incomplete cell waiting for the rest. */
  get pending(): number {
    return this.buf.length;
  }
}
