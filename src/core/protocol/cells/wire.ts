import { InputError } from '../../util/errors.js';

/**
 * Bounds-checked big-endian reading and writing for the relay-cell codecs. Every read names the
 * field it reads, so a short or malformed body fails with InputError(field, ...).
 */
export class Reader {
  private off = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly what: string,
  ) {}

  private take(field: string, n: number): number {
    if (this.off + n > this.bytes.length) throw new InputError(`${this.what}.${field}`, `truncated: needs ${n} more bytes`);
    const at = this.off;
    this.off += n;
    return at;
  }

  u8(field: string): number {
    return this.bytes[this.take(field, 1)]!;
  }

  u16(field: string): number {
    const at = this.take(field, 2);
    return (this.bytes[at]! << 8) | this.bytes[at + 1]!;
  }

  u32(field: string): number {
    const at = this.take(field, 4);
    return ((this.bytes[at]! << 24) >>> 0) + ((this.bytes[at + 1]! << 16) | (this.bytes[at + 2]! << 8) | this.bytes[at + 3]!);
  }

  bytesOf(field: string, n: number): Uint8Array {
    const at = this.take(field, n);
    return this.bytes.slice(at, at + n);
  }

  /** A length-prefixed field (u8 or u16 length) whose length must lie in [min, max]. */
  vec(field: string, lenBytes: 1 | 2, min: number, max: number): Uint8Array {
    const n = lenBytes === 1 ? this.u8(`${field}.length`) : this.u16(`${field}.length`);
    if (n < min || n > max) throw new InputError(`${this.what}.${field}`, `length ${n} outside [${min}, ${max}]`);
    return this.bytesOf(field, n);
  }

  /** The body must end here: trailing bytes are an error, not padding. */
  end(): void {
    if (this.off !== this.bytes.length) throw new InputError(this.what, `${this.bytes.length - this.off} unexpected trailing bytes`);
  }
}

export class Writer {
  private readonly parts: number[] = [];

  u8(v: number): this {
    this.parts.push(v & 0xff);
    return this;
  }

  u16(v: number): this {
    this.parts.push((v >>> 8) & 0xff, v & 0xff);
    return this;
  }

  u32(v: number): this {
    this.parts.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
    return this;
  }

  raw(b: Uint8Array): this {
    for (const x of b) this.parts.push(x);
    return this;
  }

  vec(b: Uint8Array, lenBytes: 1 | 2): this {
    return (lenBytes === 1 ? this.u8(b.length) : this.u16(b.length)).raw(b);
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** Checks an integer field before encoding. */
export function aint(name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new InputError(name, `expected an integer in [${min}, ${max}]`);
  return v;
}

/** Checks a byte-string field's type and length before encoding. */
export function abytesIn(name: string, v: unknown, min: number, max: number): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new InputError(name, 'expected Uint8Array');
  if (v.length < min || v.length > max) throw new InputError(name, `length ${v.length} outside [${min}, ${max}]`);
  return v;
}
