import { InputError } from '../util/errors.js';

/**
 * The UTC day d that a relay puts into every signature as the common information `info`.
 * Written "YYYY-MM-DD" (years 1970..9999); in binary, as the number of days since 1970-01-01.
 */
export type Day = string;
/** A clock returns the current time in milliseconds since the Unix epoch. */
export type Clock = () => number;

export const DAY_MS = 86_400_000;
/** Largest day number with a four-digit year (9999-12-31). */
export const MAX_DAY_NUMBER = 2_932_896;
/** Prefix of the info bytes: info = UTF-8("workpass-v1/day/" ‖ d). */
export const INFO_PREFIX = 'workpass-v1/day/';

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const utf8 = new TextEncoder();

function atime(name: string, ms: unknown): number {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms >= (MAX_DAY_NUMBER + 1) * DAY_MS) {
    throw new InputError(name, 'expected a time in ms since 1970 before year 10000');
  }
  return ms;
}

/** Parses and checks a day string: exact format, a real calendar date, year 1970..9999. */
export function parseDay(name: string, day: unknown): Day {
  if (typeof day !== 'string') throw new InputError(name, 'expected a "YYYY-MM-DD" string');
  const m = DAY_RE.exec(day);
  if (m === null) throw new InputError(name, 'expected a "YYYY-MM-DD" string');
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const year = Number(m[1]);
  if (year < 1970 || new Date(ms).toISOString().slice(0, 10) !== day) {
    throw new InputError(name, 'not a calendar date in 1970..9999');
  }
  return day;
}

/** The UTC day containing `ms`. */
export function utcDay(ms: number): Day {
  return new Date(atime('time', ms)).toISOString().slice(0, 10);
}

export function dayNumber(day: Day): number {
  return Date.parse(parseDay('day', day) + 'T00:00:00Z') / DAY_MS;
}

export function dayFromNumber(n: number): Day {
  if (!Number.isInteger(n) || n < 0 || n > MAX_DAY_NUMBER) throw new InputError('day number', `expected an integer in [0, ${MAX_DAY_NUMBER}]`);
  return utcDay(n * DAY_MS);
}

/** 00:00:00 UTC of `day`, in ms. */
export function startOfDay(day: Day): number {
  return dayNumber(day) * DAY_MS;
}

export function addDays(day: Day, n: number): Day {
  return dayFromNumber(dayNumber(day) + n);
}

/** The info bytes signed into every ticket of `day`: UTF-8 of "workpass-v1/day/YYYY-MM-DD". */
export function infoForDay(day: Day): Uint8Array {
  return utf8.encode(INFO_PREFIX + parseDay('day', day));
}
