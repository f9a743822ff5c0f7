import { ristretto255 } from '@noble/curves/ed25519.js';

const Point = ristretto255.Point;
type Point = InstanceType<typeof ristretto255.Point>;
const ORDER = Point.Fn.ORDER;

/**
 * Fixed-base multiplication with a per-base comb of odd multiples (window width W bits):
 *   T[w][j] = (2j + 1) · 2^(W·w) · P   for windows w = 0..⌈254/W⌉−1 and j = 0..2^(W−1)−1.
 * A scalar k in [0, ℓ) is first made odd (k' = k, or k + ℓ when k is even: ℓ·P = O, so
 * k'·P = k·P; k' < 2^254), then recoded regularly (Joye–Tunstall): k' = Σ_w d_w · 2^(W·w)
 * with every d_w odd in [−(2^W − 1), 2^W − 1]. Each window then costs exactly one addition of
 * a non-identity table point, no doublings, and the same operation sequence for every scalar.
 * For secret scalars the entry is also chosen by scanning the whole row. JavaScript bigint
 * arithmetic is not constant-time, so this matches noble's own guarantee (a constant operation
 * sequence), not more.
 */
export const DEFAULT_WINDOW = 9;

export class FixedBase {
  private readonly table: Point[][] = [];
  private readonly windows: number;
  private readonly row: number;

  constructor(
    base: Point,
    readonly width = DEFAULT_WINDOW,
  ) {
    if (!Number.isInteger(width) || width < 2 || width > 14) throw new RangeError('window width must be in [2, 14]');
    this.windows = Math.ceil(254 / width);
    this.row = 1 << (width - 1);
    let p = base;
    for (let w = 0; w < this.windows; w++) {
      const twice = p.double();
      const row: Point[] = [p];
      for (let j = 1; j < this.row; j++) row.push(row[j - 1]!.add(twice));
      this.table.push(row);
      for (let i = 0; i < width; i++) p = p.double();
    }
  }

  /** Digits d_0.., all odd, with k = Σ d_w · 2^(W·w); k must be odd and < 2^254. */
  private digits(k: bigint): number[] {
    const mod = BigInt(2 << this.width);
    const half = 1 << this.width;
    const shift = BigInt(this.width);
    const out: number[] = [];
    let n = k;
    for (let w = 0; w < this.windows - 1; w++) {
      const d = Number(n % mod) - half;
      out.push(d);
      n = (n - BigInt(d)) >> shift;
    }
    out.push(Number(n));
    return out;
  }

  /** k·P for k in [0, ℓ). With `secret`, every row is scanned to pick the entry. */
  mul(k: bigint, secret: boolean): Point {
    if (typeof k !== 'bigint' || k < 0n || k >= ORDER) throw new RangeError('scalar out of range [0, ℓ)');
    const digits = this.digits((k & 1n) === 1n ? k : k + ORDER);
    let acc: Point | undefined;
    for (let w = 0; w < this.windows; w++) {
      const d = digits[w]!;
      const idx = ((d < 0 ? -d : d) - 1) >> 1;
      const row = this.table[w]!;
      let sel = row[idx]!;
      if (secret) {
        sel = row[0]!;
        for (let j = 1; j < this.row; j++) sel = j === idx ? row[j]! : sel;
      }
      const neg = sel.negate();
      const term = d < 0 ? neg : sel;
      acc = acc === undefined ? term : acc.add(term);
    }
    return acc!;
  }
}
