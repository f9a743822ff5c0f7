import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CellSplitter, decodeFragment, decodeMessage, decodeRelayCell, encodeCells, encodeFragment, encodeRelayCell, fragmentMessage,
  CELL_BODY_LEN, FRAGMENT_DATA_MAX, MAX_FRAGMENTS, MAX_MESSAGE_LEN, RELAY_BODY_MAX, RELAY_MINING_JOB, RELAY_TICKET, Reassembler,
  type RelayBody,
} from '../../src/core/protocol/cells/index.js';
import { InputError } from '../../src/core/util/errors.js';
import { messageArb } from './arbitraries.js';

function expectInputError(f: () => unknown, pattern: RegExp): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(InputError);
  expect((err as Error).message).toMatch(pattern);
}

describe('fragmentation', () => {
  it('splits any message up to the limit and puts it back together in any order', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: MAX_MESSAGE_LEN }), fc.integer({ min: 0, max: 0xffffffff }), fc.integer(), (msg, id, seed) => {
        const bodies = fragmentMessage(RELAY_TICKET, msg, id);
        expect(bodies.length).toBe(Math.max(1, Math.ceil(msg.length / FRAGMENT_DATA_MAX)));
        for (const b of bodies) expect(b.body.length).toBeLessThanOrEqual(RELAY_BODY_MAX);
        // a deterministic shuffle
        const order = bodies.map((_, i) => i).sort((a, b) => ((a * 7919 + seed) % 97) - ((b * 7919 + seed) % 97) || a - b);
        const r = new Reassembler();
        const done = order.map((i) => r.push(RELAY_TICKET, bodies[i]!.body, 0)).filter((x) => x !== undefined);
        expect(done).toHaveLength(1);
        expect(done[0]!.message).toEqual(msg);
        expect(done[0]!.messageId).toBe(id);
        expect(r.bufferedBytes).toBe(0);
        expect(r.pendingMessages).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('carries whole messages end to end, interleaved between two messages', () => {
    fc.assert(
      fc.property(messageArb, messageArb, (m1, m2) => {
        const a = encodeCells(m1, 1);
        const b = encodeCells(m2, 2);
        const r = new Reassembler();
        const out = [];
        for (let i = 0; i < Math.max(a.length, b.length); i++) {
          for (const c of [a[i], b[i]]) {
            if (c === undefined) continue;
            const got = r.push(c.command, c.body, 0);
            if (got !== undefined) out.push(decodeMessage(got.command, got.message));
          }
        }
        expect(out).toHaveLength(2);
        expect(out).toContainEqual(m1);
        expect(out).toContainEqual(m2);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses messages over the limit and bad headers', () => {
    expectInputError(() => fragmentMessage(RELAY_TICKET, new Uint8Array(MAX_MESSAGE_LEN + 1), 0), /at most/);
    expectInputError(() => fragmentMessage(7, new Uint8Array(1), 0), /not a mining relay command/);
    expectInputError(() => encodeFragment({ messageId: 0, index: 2, count: 2, data: new Uint8Array(0) }), /index/);
    expectInputError(() => decodeFragment(new Uint8Array(5)), /truncated/);
    expectInputError(() => decodeFragment(Uint8Array.of(0, 0, 0, 0, 0, 0)), /count/);
    expectInputError(() => decodeFragment(Uint8Array.of(0, 0, 0, 0, 3, 3)), /index 3 not below count 3/);
    expectInputError(() => decodeFragment(Uint8Array.of(0, 0, 0, 0, 0, MAX_FRAGMENTS + 1)), /count/);
    expectInputError(() => decodeFragment(new Uint8Array(RELAY_BODY_MAX + 1)), /exceeds/);
    expectInputError(() => decodeFragment(Uint8Array.of(0, 0, 0, 0, 0, 2, 9)), /non-final fragment/);
    expectInputError(() => decodeFragment(Uint8Array.of(0, 0, 0, 0, 1, 2)), /empty final fragment/);
  });
});

describe('Reassembler', () => {
  const big = (id: number, len = FRAGMENT_DATA_MAX * 3): RelayBody[] => fragmentMessage(RELAY_MINING_JOB, new Uint8Array(len).fill(id), id);

  it('rejects an overlapping (repeated) fragment and drops the partial message', () => {
    const r = new Reassembler();
    const f = big(1);
    r.push(RELAY_MINING_JOB, f[0]!.body, 0);
    expectInputError(() => r.push(RELAY_MINING_JOB, f[0]!.body, 0), /received twice/);
    expect(r.bufferedBytes).toBe(0);
    expect(r.pendingMessages).toBe(0);
  });

  it('rejects fragments whose count disagrees', () => {
    const r = new Reassembler();
    r.push(RELAY_MINING_JOB, big(1)[0]!.body, 0);
    expectInputError(() => r.push(RELAY_MINING_JOB, big(1, FRAGMENT_DATA_MAX * 2)[1]!.body, 0), /disagrees/);
    expect(r.pendingMessages).toBe(0);
  });

  it('bounds pending messages and buffered bytes', () => {
    const r = new Reassembler({ maxPending: 2, maxBufferedBytes: FRAGMENT_DATA_MAX * 3 });
    r.push(RELAY_MINING_JOB, big(1)[0]!.body, 0);
    r.push(RELAY_MINING_JOB, big(2)[0]!.body, 0);
    expectInputError(() => r.push(RELAY_MINING_JOB, big(3)[0]!.body, 0), /more than 2 messages pending/);
    r.push(RELAY_MINING_JOB, big(1)[1]!.body, 0);
    expect(r.bufferedBytes).toBe(FRAGMENT_DATA_MAX * 3);
    expectInputError(() => r.push(RELAY_MINING_JOB, big(2)[1]!.body, 0), /bytes buffered/);
    expect(r.bufferedBytes).toBe(FRAGMENT_DATA_MAX * 2);
    // the same message id under another command is another message
    expect(r.pendingMessages).toBe(1);
  });

  it('never holds more than maxBufferedBytes under a stream of random fragments', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 15 }), fc.integer({ min: 1, max: 16 }))), (frags) => {
        const r = new Reassembler({ maxPending: 3, maxBufferedBytes: 4000 });
        for (const [id, index, count] of frags) {
          const data = new Uint8Array(index < count - 1 ? FRAGMENT_DATA_MAX : 10);
          const body = new Uint8Array(6 + data.length);
          body.set([0, 0, 0, id, index, count]);
          try {
            r.push(RELAY_TICKET, body, 0);
          } catch (e) {
            expect(e).toBeInstanceOf(InputError);
          }
          expect(r.bufferedBytes).toBeLessThanOrEqual(4000);
          expect(r.pendingMessages).toBeLessThanOrEqual(3);
        }
      }),
    );
  });

  it('expires partial messages after ttlMs', () => {
    const r = new Reassembler({ ttlMs: 1000 });
    const f = big(1);
    r.push(RELAY_MINING_JOB, f[0]!.body, 0);
    r.push(RELAY_MINING_JOB, f[1]!.body, 500);
    expect(r.push(RELAY_MINING_JOB, big(9, 10)[0]!.body, 1001)).toBeDefined();
    expect(r.pendingMessages).toBe(0);
    expect(r.bufferedBytes).toBe(0);
    // the late last fragment starts a new, incomplete message
    expect(r.push(RELAY_MINING_JOB, f[2]!.body, 1002)).toBeUndefined();
  });

  it('takes only mining commands and finite times; random bodies raise only InputError', () => {
    const r = new Reassembler();
    expectInputError(() => r.push(2, new Uint8Array(10), 0), /not a mining relay command/);
    expectInputError(() => r.push(RELAY_TICKET, new Uint8Array(10), NaN), /now/);
    expect(() => new Reassembler({ maxPending: 0 })).toThrow(InputError);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 520 }), (b) => {
        try {
          r.push(RELAY_TICKET, b, 0);
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('relay cells on a byte stream', () => {
  it('encode/decode a 509-byte relay cell; the stream splitter takes any chunking', () => {
    fc.assert(
      fc.property(messageArb, fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 20 }), (m, cuts) => {
        const cells = encodeCells(m, 42).map((b) => encodeRelayCell({ ...b, streamId: 0 }, (n) => new Uint8Array(n).fill(0xa5)));
        for (const c of cells) expect(c.length).toBe(CELL_BODY_LEN);
        const stream = new Uint8Array(cells.length * CELL_BODY_LEN);
        cells.forEach((c, i) => stream.set(c, i * CELL_BODY_LEN));
        const splitter = new CellSplitter();
        const r = new Reassembler();
        const got = [];
        let off = 0;
        for (let i = 0; off < stream.length; i++) {
          const n = cuts[i % cuts.length]!;
          for (const cell of splitter.push(stream.subarray(off, off + n))) {
            const done = r.push(cell.command, cell.body, 0);
            if (done !== undefined) got.push(decodeMessage(done.command, done.message));
          }
          off += n;
        }
        expect(splitter.pending).toBe(0);
        expect(got).toEqual([m]);
      }),
      { numRuns: 100 },
    );
  });

  it('rejects a cell that is still encrypted, has a bad length, or a wrong size', () => {
    const cell = encodeRelayCell({ command: RELAY_TICKET, streamId: 0, body: new Uint8Array(10) });
    const enc = cell.slice();
    enc[1] = 1;
    expectInputError(() => decodeRelayCell(enc), /still encrypted/);
    const long = cell.slice();
    long[9] = 0x01;
    long[10] = 0xf3;
    expectInputError(() => decodeRelayCell(long), /exceeds 498/);
    expectInputError(() => decodeRelayCell(cell.subarray(1)), /509/);
    expectInputError(() => decodeRelayCell(new Uint8Array(CELL_BODY_LEN)), /command 0/);
    expectInputError(() => encodeRelayCell({ command: RELAY_TICKET, streamId: 0, body: new Uint8Array(499) }), /at most 498/);
    expectInputError(() => encodeRelayCell({ command: RELAY_TICKET, streamId: 0, body: new Uint8Array(1) }, () => new Uint8Array(3)), /padding/);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: CELL_BODY_LEN, maxLength: CELL_BODY_LEN }), (b) => {
        try {
          decodeRelayCell(b);
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
        }
      }),
    );
  });
});
