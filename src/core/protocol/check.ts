import { InputError } from '../util/errors.js';

/** Small checkers for decoded JSON values; each names the field it checks and throws InputError. */

export function astring(name: string, value: unknown, maxLength: number): string {
  if (typeof value !== 'string') throw new InputError(name, 'expected a string');
  if (value.length > maxLength) throw new InputError(name, `longer than ${maxLength} characters`);
  return value;
}

const HEX_RE = /^[0-9a-f]*$/;

/** Lowercase hex of exactly `bytes` bytes (or, without `bytes`, any even length up to maxBytes). */
export function ahex(name: string, value: unknown, bytes: number | { max: number }): string {
  if (typeof value !== 'string') throw new InputError(name, 'expected a hex string');
  const ok = typeof bytes === 'number' ? value.length === 2 * bytes : value.length % 2 === 0 && value.length <= 2 * bytes.max;
  if (!ok) throw new InputError(name, typeof bytes === 'number' ? `expected ${bytes} bytes of hex` : 'bad hex length');
  if (!HEX_RE.test(value)) throw new InputError(name, 'expected lowercase hex digits');
  return value;
}

/** A finite number > 0. */
export function apositive(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new InputError(name, 'expected a positive number');
  return value;
}

export function anonNegativeInt(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new InputError(name, 'expected a non-negative integer');
  return value;
}

export function aboolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new InputError(name, 'expected a boolean');
  return value;
}

export function aobject(name: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError(name, 'expected an object');
  return value as Record<string, unknown>;
}

export function aarray(name: string, value: unknown, maxLength: number): readonly unknown[] {
  if (!Array.isArray(value)) throw new InputError(name, 'expected an array');
  if (value.length > maxLength) throw new InputError(name, `more than ${maxLength} items`);
  return value;
}

/** Exactly these keys (no unknown ones). */
export function akeys(name: string, obj: Record<string, unknown>, allowed: readonly string[]): void {
  for (const k of Object.keys(obj)) if (!allowed.includes(k)) throw new InputError(`${name}.${k}`, 'unknown field');
}

const B64URL_RE = /^[A-Za-z0-9_-]+$/;

/** Unpadded base64url text of exactly `bytes` bytes (checked by length and alphabet only). */
export function abase64url(name: string, value: unknown, bytes: number): string {
  if (typeof value !== 'string' || value.length !== Math.ceil((bytes * 8) / 6) || !B64URL_RE.test(value)) {
    throw new InputError(name, `expected base64url of ${bytes} bytes`);
  }
  return value;
}
