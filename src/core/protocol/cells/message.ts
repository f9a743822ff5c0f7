import { InputError } from '../../util/errors.js';
import { RELAY_MINING_JOB, RELAY_MINING_REGISTER, RELAY_TICKET } from './commands.js';
import { fragmentMessage, MAX_MESSAGE_LEN, type RelayBody } from './fragment.js';
import { decodeJobMessage, encodeJobMessage, type JobMessage } from './job.js';
import { decodeRegister, encodeRegister, type MiningRegister } from './register.js';
import { decodeTicketMessage, encodeTicketMessage, type TicketMessage } from './ticket.js';

/** Every message the three cells carry. */
export type MiningMessage = MiningRegister | JobMessage | TicketMessage;

const JOB_TYPES = new Set(['job', 'submit', 'result']);
const TICKET_TYPES = new Set(['commit', 'challenge', 'response', 'spend', 'spend-result', 'spent']);

/** The relay command that carries a message of this type. */
export function commandFor(m: MiningMessage): number {
  const t = (m as { type?: unknown } | null)?.type;
  if (t === 'register') return RELAY_MINING_REGISTER;
  if (typeof t === 'string' && JOB_TYPES.has(t)) return RELAY_MINING_JOB;
  if (typeof t === 'string' && TICKET_TYPES.has(t)) return RELAY_TICKET;
  throw new InputError('message.type', `unknown message type '${String(t)}'`);
}

/** The message's bytes (before fragmentation) and its relay command. */
export function encodeMessage(m: MiningMessage): { command: number; message: Uint8Array } {
  const command = commandFor(m);
  const message = command === RELAY_MINING_REGISTER ? encodeRegister(m as MiningRegister)
    : command === RELAY_MINING_JOB ? encodeJobMessage(m as JobMessage)
      : encodeTicketMessage(m as TicketMessage);
  if (message.length > MAX_MESSAGE_LEN) throw new InputError('message', `encodes to ${message.length} bytes, over ${MAX_MESSAGE_LEN}`);
  return { command, message };
}

/** Decodes a reassembled message of `command`. Throws only InputError on bad bytes. */
export function decodeMessage(command: number, message: unknown): MiningMessage {
  if (!(message instanceof Uint8Array)) throw new InputError('message', 'expected Uint8Array');
  if (message.length > MAX_MESSAGE_LEN) throw new InputError('message', `longer than ${MAX_MESSAGE_LEN} bytes`);
  if (command === RELAY_MINING_REGISTER) return decodeRegister(message);
  if (command === RELAY_MINING_JOB) return decodeJobMessage(message);
  if (command === RELAY_TICKET) return decodeTicketMessage(message);
  throw new InputError('command', `not a mining relay command: ${String(command)}`);
}

/** A message as the relay bodies (<= 498 bytes each) that carry it. */
export function encodeCells(m: MiningMessage, messageId: number): RelayBody[] {
  const { command, message } = encodeMessage(m);
  return fragmentMessage(command, message, messageId);
}
