export {
  RELAY_MINING_REGISTER, RELAY_MINING_JOB, RELAY_TICKET, MINING_COMMANDS, ASSIGNED_RELAY_COMMANDS,
  CELL_BODY_LEN, RELAY_HEADER_LEN, RELAY_BODY_MAX, CELL_VERSION,
} from './commands.js';
export { ALGORITHM_IDS } from './algorithms.js';
export {
  encodeFragment, decodeFragment, fragmentMessage,
  FRAGMENT_HEADER_LEN, FRAGMENT_DATA_MAX, MAX_FRAGMENTS, MAX_MESSAGE_LEN,
} from './fragment.js';
export type { Fragment, RelayBody } from './fragment.js';
export { Reassembler } from './reassembler.js';
export type { Reassembled, ReassemblerOptions } from './reassembler.js';
export { encodeRegister, decodeRegister, MAX_ALGORITHMS, MAX_RESUME_LEN } from './register.js';
export type { MiningRegister } from './register.js';
export { encodeJobMessage, decodeJobMessage, MAX_JOB_ID_LEN, MAX_COINBASE_PART, MAX_MERKLE_BRANCHES, SESSION_ID_LEN } from './job.js';
export type { MiningJob, MiningSubmit, MiningResult, JobMessage, ShareStatus } from './job.js';
export { encodeTicketMessage, decodeTicketMessage, MAX_TICKET_LEN, MAX_SPENT_IDS, MAX_SIGNATURE_LEN } from './ticket.js';
export type {
  TicketMessage, TicketCommit, TicketChallenge, TicketResponse, TicketSpend, TicketSpendResult, TicketSpent, SpendStatus,
} from './ticket.js';
export { commandFor, encodeMessage, decodeMessage, encodeCells } from './message.js';
export type { MiningMessage } from './message.js';
export { encodeRelayCell, decodeRelayCell, CellSplitter } from './relay-cell.js';
export type { RelayCell } from './relay-cell.js';
export { jobFromStratum, jobToStratum } from './stratum-bridge.js';
export type { JobExtras } from './stratum-bridge.js';
export { CellStream, RELAY_DROP } from './cell-stream.js';
export type { CellStreamOptions } from './cell-stream.js';
