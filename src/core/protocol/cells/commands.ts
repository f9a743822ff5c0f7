/**
 * Relay command numbers for the paper's three cells, chosen from the range tor-spec leaves
 * unassigned. Assigned today (tor-spec "Relay cells"; tor's or.h agrees): 1-15 core protocol,
 * 16-18 reserved for UDP (prop339), 19-22 conflux (prop329), 32-40 onion services, 41-42 circuit
 * padding, 43-44 flow control (XOFF, XON). We take 200-202: far from every assigned block, so
 * tor's own growth (23-31, 45+) does not run into them. They are experimental numbers until a
 * torspec proposal registers them.
 */
export const RELAY_MINING_REGISTER = 200;
export const RELAY_MINING_JOB = 201;
export const RELAY_TICKET = 202;

export const MINING_COMMANDS: readonly number[] = [RELAY_MINING_REGISTER, RELAY_MINING_JOB, RELAY_TICKET];

/** Commands tor-spec assigns (or reserves); ours must not be among them. */
export const ASSIGNED_RELAY_COMMANDS: readonly number[] = [
  ...range(1, 15), ...range(16, 18), ...range(19, 22), ...range(32, 40), 41, 42, 43, 44,
];

/** A tor relay cell: 509-byte body; its relay header takes 11 bytes, leaving 498 for the message. */
export const CELL_BODY_LEN = 509;
export const RELAY_HEADER_LEN = 11;
export const RELAY_BODY_MAX = CELL_BODY_LEN - RELAY_HEADER_LEN;

/** Our messages' version byte. */
export const CELL_VERSION = 1;

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}
