import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ASSIGNED_RELAY_COMMANDS, decodeMessage, encodeCells, encodeMessage, jobFromStratum, jobToStratum, MINING_COMMANDS,
  RELAY_BODY_MAX, RELAY_MINING_JOB, RELAY_MINING_REGISTER, RELAY_TICKET, type MiningJob, type MiningMessage,
} from '../../src/core/protocol/cells/index.js';
import { bytesToHex, hexToBytes } from '../../src/core/util/bytes.js';
import { InputError } from '../../src/core/util/errors.js';
import vectors from '../vectors/cells.json' with { type: 'json' };
import { messageArb } from './arbitraries.js';

/** JSON vector values hold byte fields as hex; turn them into Uint8Array where the type has bytes. */
const BYTE_FIELDS = new Set(['resume', 'extranonce2', 'sessionId']);
function fromJson(v: Record<string, unknown>): MiningMessage {
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = BYTE_FIELDS.has(k) ? hexToBytes(k, x) : x;
  return out as unknown as MiningMessage;
}

describe('relay command numbers', () => {
  it('are three distinct numbers outside every block tor-spec assigns', () => {
    expect(new Set(MINING_COMMANDS).size).toBe(3);
    for (const c of MINING_COMMANDS) {
      expect(ASSIGNED_RELAY_COMMANDS).not.toContain(c);
      expect(c).toBeGreaterThan(0);
      expect(c).toBeLessThan(256);
    }
    expect([RELAY_MINING_REGISTER, RELAY_MINING_JOB, RELAY_TICKET]).toEqual([200, 201, 202]);
  });
});

describe('known-answer vectors (test/vectors/cells.json)', () => {
  for (const v of vectors.vectors) {
    it(v.name, () => {
      const value = fromJson(v.value as Record<string, unknown>);
      const { command, message } = encodeMessage(value);
      expect(command).toBe(v.command);
      expect(bytesToHex(message)).toBe(v.message);
      const cells = encodeCells(value, v.messageId);
      expect(cells).toHaveLength(1);
      expect(bytesToHex(cells[0]!.body)).toBe(v.cell);
      expect(decodeMessage(v.command, hexToBytes('message', v.message))).toEqual(value);
    });
  }
});

describe('round trips', () => {
  it('decode(encode(m)) equals m for every message type', () => {
    fc.assert(
      fc.property(messageArb, (m) => {
        const { command, message } = encodeMessage(m);
        expect(decodeMessage(command, message)).toEqual(m);
      }),
      { numRuns: 1000 },
    );
  });

  it('every relay body fits the 498-byte relay payload', () => {
    fc.assert(
      fc.property(messageArb, fc.integer({ min: 0, max: 0xffffffff }), (m, id) => {
        for (const c of encodeCells(m, id)) expect(c.body.length).toBeLessThanOrEqual(RELAY_BODY_MAX);
      }),
      { numRuns: 300 },
    );
  });

  it('the encoding is canonical: a body that decodes re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(messageArb, fc.nat(), fc.integer({ min: 0, max: 255 }), (m, pos, byte) => {
        const { command, message } = encodeMessage(m);
        const mutated = message.slice();
        if (mutated.length > 0) mutated[pos % mutated.length] = byte;
        let decoded: MiningMessage;
        try {
          decoded = decodeMessage(command, mutated);
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
          return;
        }
        expect(bytesToHex(encodeMessage(decoded).message)).toBe(bytesToHex(mutated));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('fuzz: random bytes never crash the decoders', () => {
  it('decodeMessage throws only InputError', () => {
    fc.assert(
      fc.property(fc.constantFrom(...MINING_COMMANDS, 0, 2, 255), fc.uint8Array({ maxLength: 600 }), (command, bytes) => {
        try {
          decodeMessage(command, bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('truncations of valid messages are refused with InputError', () => {
    fc.assert(
      fc.property(messageArb, fc.nat(), (m, cut) => {
        const { command, message } = encodeMessage(m);
        const n = cut % message.length;
        expect(() => decodeMessage(command, message.subarray(0, n))).toThrow(InputError);
        const longer = new Uint8Array(message.length + 1);
        longer.set(message);
        expect(() => decodeMessage(command, longer)).toThrow(/trailing/);
      }),
      { numRuns: 500 },
    );
  });

  it('non-bytes input is refused', () => {
    for (const x of [null, undefined, 'abc', [1, 2], {}]) expect(() => decodeMessage(RELAY_TICKET, x)).toThrow(InputError);
  });
});

describe('encoder input checks', () => {
  const job: MiningJob = {
    type: 'job', cleanJobs: true, algorithm: 'sha256d', jobId: 'a1', prevhash: new Uint8Array(32), coinb1: new Uint8Array(10),
    coinb2: new Uint8Array(10), merkleBranches: [], version: 0x20000000, nbits: 0x1d00ffff, ntime: 1, extranonce1: new Uint8Array(4),
    extranonce2Size: 4, shareTarget: new Uint8Array(32).fill(0xff),
  };
  const bad: [string, unknown][] = [
    ['job.jobId', { ...job, jobId: 'has space' }],
    ['job.jobId', { ...job, jobId: '' }],
    ['job.prevhash', { ...job, prevhash: new Uint8Array(31) }],
    ['job.coinb1', { ...job, coinb1: new Uint8Array(2049) }],
    ['job.merkleBranches', { ...job, merkleBranches: Array(33).fill(new Uint8Array(32)) }],
    ['job.version', { ...job, version: -1 }],
    ['job.extranonce2Size', { ...job, extranonce2Size: 0 }],
    ['job.algorithm', { ...job, algorithm: 'md5' }],
    ['job.cleanJobs', { ...job, cleanJobs: 1 }],
    ['register.algorithms', { type: 'register', donationOnly: false, algorithms: ['x11', 'x11'], resume: new Uint8Array(0) }],
    ['register.algorithms', { type: 'register', donationOnly: false, algorithms: [], resume: new Uint8Array(0) }],
    ['result.status', { type: 'result', jobId: 'a', nonce: 0, status: 26, sessionId: new Uint8Array(0) }],
    ['result.sessionId', { type: 'result', jobId: 'a', nonce: 0, status: 0, sessionId: new Uint8Array(8) }],
    ['spend.ticket', { type: 'spend', ticket: new Uint8Array(0) }],
    ['spent.spendIds', { type: 'spent', issuer: new Uint8Array(32), spendIds: [], signature: new Uint8Array(0) }],
    ['commit.a', { type: 'commit', sessionId: new Uint8Array(16), day: 1, a: new Uint8Array(33), b: new Uint8Array(32) }],
    ['message.type', { type: 'bogus' }],
  ];
  for (const [arg, m] of bad) {
    it(`rejects a bad ${arg}`, () => {
      let err: unknown;
      try {
        encodeMessage(m as MiningMessage);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).argument).toBe(arg);
    });
  }

  it('bridges mining.notify hex fields both ways', () => {
    const stratum = {
      jobId: 'b7', prevhash: 'ab'.repeat(32), coinb1: '01020304', coinb2: 'ff', merkleBranches: ['cd'.repeat(32)],
      version: '20000000', nbits: '1d00ffff', ntime: '5e9a1234', cleanJobs: false,
    };
    const extras = { algorithm: 'x11' as const, extranonce1: hexToBytes('e1', 'f000000f'), extranonce2Size: 4, shareTarget: new Uint8Array(32).fill(1) };
    const m = jobFromStratum(stratum, extras);
    expect([m.version, m.nbits, m.ntime]).toEqual([0x20000000, 0x1d00ffff, 0x5e9a1234]);
    const back = decodeMessage(RELAY_MINING_JOB, encodeMessage(m).message) as MiningJob;
    expect(jobToStratum(back)).toEqual({ job: stratum, extras });
    expect(() => jobFromStratum({ ...stratum, version: '2000000' }, extras)).toThrow(InputError);
  });
});
