import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InputError, MAX_DAY_NUMBER, addDays, dayFromNumber, dayNumber, infoForDay, parseDay, startOfDay, utcDay } from './imports.js';

describe('UTC days', () => {
  it('formats the UTC day of a clock reading', () => {
    expect(utcDay(Date.UTC(2026, 11, 1, 23, 59, 59, 999))).toBe('2026-12-01');
    expect(utcDay(Date.UTC(2026, 11, 2))).toBe('2026-12-02');
    expect(utcDay(0)).toBe('1970-01-01');
    expect(dayFromNumber(MAX_DAY_NUMBER)).toBe('9999-12-31');
  });

  it('day number and string round-trip', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: MAX_DAY_NUMBER }), (n) => {
      expect(dayNumber(dayFromNumber(n))).toBe(n);
      expect(startOfDay(dayFromNumber(n))).toBe(n * 86_400_000);
    }));
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
  });

  it('info bytes are the tagged day string', () => {
    expect(new TextDecoder().decode(infoForDay('2026-12-01'))).toBe('workpass-v1/day/2026-12-01');
  });

  it('parseDay accepts exactly the strings utcDay produces', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 12 }), fc.anything()), (junk) => {
      try {
        const d = parseDay('day', junk);
        expect(dayFromNumber(dayNumber(d))).toBe(junk);
      } catch (err) {
        expect(err).toBeInstanceOf(InputError);
      }
    }), { numRuns: 500 });
  });

  it('rejects anything that is not a real day', () => {
    for (const bad of ['2026-02-30', '2026-13-01', '1969-12-31', '2026-1-01', ' 2026-12-01', '2026-12-01T00', '+02026-12-01', 20261201, null]) {
      expect(() => parseDay('day', bad)).toThrow(InputError);
    }
    expect(() => utcDay(-1)).toThrow(InputError);
    expect(() => utcDay(Number.NaN)).toThrow(InputError);
    expect(() => dayFromNumber(MAX_DAY_NUMBER + 1)).toThrow(InputError);
    expect(() => dayFromNumber(1.5)).toThrow(InputError);
  });
});
