import fc from 'fast-check';
import type { MiningMessage } from '../../src/core/protocol/cells/index.js';
import { MAX_SPENT_IDS } from '../../src/core/protocol/cells/index.js';

const bytes = (n: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: n, maxLength: n });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const jobId = fc.stringMatching(/^[\x21-\x7e]{1,64}$/);
const algorithm = fc.constantFrom('sha256d' as const, 'scrypt' as const, 'x11' as const);

/** Every message type the three cells carry, with field values spanning their limits. */
export const messageArb: fc.Arbitrary<MiningMessage> = fc.oneof(
  fc.record({
    type: fc.constant('register' as const),
    donationOnly: fc.boolean(),
    algorithms: fc.uniqueArray(algorithm, { minLength: 1, maxLength: 3 }),
    resume: fc.uint8Array({ maxLength: 32 }),
  }),
  fc.record({
    type: fc.constant('job' as const),
    cleanJobs: fc.boolean(),
    algorithm,
    jobId,
    prevhash: bytes(32),
    coinb1: fc.uint8Array({ maxLength: 2048 }),
    coinb2: fc.uint8Array({ maxLength: 2048 }),
    merkleBranches: fc.array(bytes(32), { maxLength: 32 }),
    version: u32,
    nbits: u32,
    ntime: u32,
    extranonce1: fc.uint8Array({ maxLength: 32 }),
    extranonce2Size: fc.integer({ min: 1, max: 16 }),
    shareTarget: bytes(32),
  }),
  fc.record({
    type: fc.constant('submit' as const),
    jobId,
    extranonce2: fc.uint8Array({ minLength: 1, maxLength: 16 }),
    ntime: u32,
    nonce: u32,
    wantsTicket: fc.boolean(),
  }),
  fc.record({
    type: fc.constant('result' as const),
    jobId,
    nonce: u32,
    status: fc.constantFrom(0 as const, 20 as const, 21 as const, 22 as const, 23 as const, 24 as const, 25 as const),
    sessionId: fc.oneof(bytes(0), bytes(16)),
  }),
  fc.record({ type: fc.constant('commit' as const), sessionId: bytes(16), day: u32, a: bytes(32), b: bytes(32) }),
  fc.record({ type: fc.constant('challenge' as const), sessionId: bytes(16), e: bytes(32) }),
  fc.record({ type: fc.constant('response' as const), sessionId: bytes(16), r: bytes(32), c: bytes(32), s: bytes(32), d: bytes(32) }),
  fc.record({ type: fc.constant('spend' as const), ticket: fc.uint8Array({ minLength: 1, maxLength: 1024 }) }),
  fc.record({
    type: fc.constant('spend-result' as const),
    status: fc.constantFrom(0 as const, 1 as const, 2 as const, 3 as const, 4 as const),
    prioritySeconds: u32,
  }),
  fc.record({
    type: fc.constant('spent' as const),
    issuer: bytes(32),
    spendIds: fc.array(bytes(32), { minLength: 1, maxLength: MAX_SPENT_IDS }),
    signature: fc.uint8Array({ maxLength: 128 }),
  }),
);
