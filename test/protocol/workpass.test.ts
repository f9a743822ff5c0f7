import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/util/errors.js';
import {
  decodeCommitResult,
  decodeSessionOpenParams,
  decodeSessionOpenResult,
  decodeSessionStatusResult,
  decodeSignParams,
  decodeSignResult,
  decodeTokenParams,
} from '../../src/core/protocol/workpass.js';

const token = 'A'.repeat(22);
const el = 'B'.repeat(43);

describe('workpass params and results', () => {
  it('decodes the documented shapes', () => {
    expect(decodeSessionOpenParams([{ mode: 'donation' }])).toEqual({ mode: 'donation' });
    expect(decodeSessionOpenParams([])).toEqual({ mode: 'tickets' });
    expect(decodeTokenParams([token])).toEqual({ token });
    expect(decodeSignParams([token, 'ab'.repeat(16), el])).toEqual({ token, sid: 'ab'.repeat(16), e: el });
    const open = { token, price: 0.05, algo: 'sha256d', keyId: 'cd'.repeat(32), day: '2026-12-01' };
    expect(decodeSessionOpenResult(JSON.parse(JSON.stringify(open)))).toEqual(open);
    const status = { credit: 0.1, price: 0.05, issued: 2, mode: 'tickets' as const };
    expect(decodeSessionStatusResult(status)).toEqual(status);
    const commit = { sid: 'ab'.repeat(16), keyId: 'cd'.repeat(32), day: '2026-12-01', a: el, b: el };
    expect(decodeCommitResult(commit)).toEqual(commit);
    expect(decodeSignResult({ r: el, c: el, s: el, d: el })).toEqual({ r: el, c: el, s: el, d: el });
  });

  it('refuses hostile params', () => {
    expect(() => decodeSessionOpenParams([{ mode: 'free' }])).toThrow(InputError);
    expect(() => decodeSessionOpenParams([{ mode: 'tickets', extra: 1 }])).toThrow(InputError);
    expect(() => decodeSessionOpenParams(['tickets'])).toThrow(InputError);
    expect(() => decodeTokenParams([])).toThrow(InputError);
    expect(() => decodeTokenParams(['A'.repeat(23)])).toThrow(InputError);
    expect(() => decodeTokenParams(['A'.repeat(21) + '='])).toThrow(InputError);
    expect(() => decodeSignParams([token, 'AB'.repeat(16), el])).toThrow(InputError);
    expect(() => decodeSignParams([token, 'ab'.repeat(16), el + 'B'])).toThrow(InputError);
    expect(() => decodeSessionStatusResult({ credit: -1, price: 1, issued: 0, mode: 'tickets' })).toThrow(InputError);
    expect(() => decodeSessionOpenResult({ token, price: 1, algo: 'sha256d', keyId: 'k', day: '2026-1-1' })).toThrow(InputError);
  });
});
