import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CellStream, encodeRelayCell, CELL_BODY_LEN, RELAY_DROP, RELAY_TICKET, type MiningMessage,
} from '../../src/core/protocol/cells/index.js';
import { InputError } from '../../src/core/util/errors.js';
import { messageArb } from './arbitraries.js';

describe('CellStream', () => {
  it('carries any sequence of messages over a byte stream cut anywhere', () => {
    fc.assert(
      fc.property(fc.array(messageArb, { minLength: 1, maxLength: 5 }), fc.array(fc.integer({ min: 1, max: 1200 }), { minLength: 1 }), (msgs, cuts) => {
        const tx = new CellStream({ firstMessageId: 0xfffffffe });
        const rx = new CellStream();
        const parts = msgs.map((m) => tx.encode(m));
        for (const p of parts) expect(p.length % CELL_BODY_LEN).toBe(0);
        const stream = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        let o = 0;
        for (const p of parts) {
          stream.set(p, o);
          o += p.length;
        }
        const got: MiningMessage[] = [];
        for (let off = 0, i = 0; off < stream.length; i++) {
          const n = cuts[i % cuts.length]!;
          got.push(...rx.decode(stream.subarray(off, off + n), 0));
          off += n;
        }
        expect(got).toEqual(msgs);
        expect(rx.bufferedBytes).toBe(0);
      }),
      { numRuns: 100 },
    );
  });

  it('skips RELAY_DROP padding cells and refuses other commands and stream ids', () => {
    const rx = new CellStream();
    expect(rx.decode(encodeRelayCell({ command: RELAY_DROP, streamId: 0, body: new Uint8Array(3) }), 0)).toEqual([]);
    expect(() => rx.decode(encodeRelayCell({ command: 2, streamId: 0, body: new Uint8Array(3) }), 0)).toThrow(/not a mining relay command/);
    expect(() => rx.decode(encodeRelayCell({ command: RELAY_TICKET, streamId: 5, body: new Uint8Array(6) }), 0)).toThrow(/stream id 0/);
  });

  it('random bytes raise only InputError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3 * CELL_BODY_LEN }), (b) => {
        const rx = new CellStream();
        try {
          rx.decode(b, 0);
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: 500 },
    );
    expect(() => new CellStream({ firstMessageId: -1 })).toThrow(InputError);
  });
});
