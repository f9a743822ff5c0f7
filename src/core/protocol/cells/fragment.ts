import { InputError } from '../../util/errors.js';
import { MINING_COMMANDS, RELAY_BODY_MAX } from './commands.js';
import { aint, Reader, Writer } from './wire.js';

/**
 * Fragment header: every relay message body of our three commands starts with it, so a
 * message longer than one relay cell travels in several.
 *
 *   message id   u32   chosen by the sender, unique among its messages in flight on the circuit
 *   index        u8    0-based position of this fragment
 *   count        u8    fragments in the message, 1..MAX_FRAGMENTS
 *   data         ...   FRAGMENT_DATA_MAX bytes in every fragment but the last; the last holds
 *                      the rest (1..FRAGMENT_DATA_MAX bytes, or 0 for an empty one-cell message)
 */
export const FRAGMENT_HEADER_LEN = 6;
export const FRAGMENT_DATA_MAX = RELAY_BODY_MAX - FRAGMENT_HEADER_LEN;
export const MAX_FRAGMENTS = 16;
export const MAX_MESSAGE_LEN = MAX_FRAGMENTS * FRAGMENT_DATA_MAX;

export interface Fragment {
  readonly messageId: number;
  readonly index: number;
  readonly count: number;
  readonly data: Uint8Array;
}

/** One relay message ready for a relay cell: its command and its body (<= 498 bytes). */
export interface RelayBody {
  readonly command: number;
  readonly body: Uint8Array;
}

export function encodeFragment(f: Fragment): Uint8Array {
  aint('fragment.messageId', f.messageId, 0, 0xffffffff);
  aint('fragment.count', f.count, 1, MAX_FRAGMENTS);
  aint('fragment.index', f.index, 0, f.count - 1);
  if (!(f.data instanceof Uint8Array) || f.data.length > FRAGMENT_DATA_MAX) {
    throw new InputError('fragment.data', `expected at most ${FRAGMENT_DATA_MAX} bytes`);
  }
  return new Writer().u32(f.messageId).u8(f.index).u8(f.count).raw(f.data).finish();
}

export function decodeFragment(body: unknown): Fragment {
  if (!(body instanceof Uint8Array)) throw new InputError('fragment', 'expected Uint8Array');
  if (body.length > RELAY_BODY_MAX) throw new InputError('fragment', `body of ${body.length} bytes exceeds ${RELAY_BODY_MAX}`);
  const r = new Reader(body, 'fragment');
  const messageId = r.u32('messageId');
  const index = r.u8('index');
  const count = r.u8('count');
  if (count < 1 || count > MAX_FRAGMENTS) throw new InputError('fragment.count', `expected 1..${MAX_FRAGMENTS}, got ${count}`);
  if (index >= count) throw new InputError('fragment.index', `index ${index} not below count ${count}`);
  const data = body.slice(FRAGMENT_HEADER_LEN);
  if (index < count - 1 && data.length !== FRAGMENT_DATA_MAX) {
    throw new InputError('fragment.data', `a non-final fragment carries exactly ${FRAGMENT_DATA_MAX} bytes, got ${data.length}`);
  }
  if (index === count - 1 && count > 1 && data.length === 0) throw new InputError('fragment.data', 'empty final fragment');
  return { messageId, index, count, data };
}

/** Splits an encoded message into relay bodies of at most 498 bytes each. */
export function fragmentMessage(command: number, message: Uint8Array, messageId: number): RelayBody[] {
  if (!MINING_COMMANDS.includes(command)) throw new InputError('command', `not a mining relay command: ${String(command)}`);
  if (!(message instanceof Uint8Array) || message.length > MAX_MESSAGE_LEN) {
    throw new InputError('message', `expected at most ${MAX_MESSAGE_LEN} bytes`);
  }
  const count = Math.max(1, Math.ceil(message.length / FRAGMENT_DATA_MAX));
  const out: RelayBody[] = [];
  for (let index = 0; index < count; index++) {
    const data = message.subarray(index * FRAGMENT_DATA_MAX, (index + 1) * FRAGMENT_DATA_MAX);
    out.push({ command, body: encodeFragment({ messageId, index, count, data }) });
  }
  return out;
}
