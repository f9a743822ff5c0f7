import { ed25519, ristretto255 } from '@noble/curves/ed25519.js';

const Point = ristretto255.Point;
type Point = InstanceType<typeof ristretto255.Point>;
const ORDER = Point.Fn.ORDER;
const Fp = Point.Fp;

/**
 * Fixed-base multiplication with a per-base comb of odd multiples (window width W bits):
 *   T[w][j] = (2j + 1) · 2^(W·w) · P   for windows w = 0..⌈254/W⌉−1 and j = 0..2^(W−1)−1.
 * A scalar k in [0, ℓ) is first made odd (k' = k, or k + ℓ when k is even: ℓ·P = O, so
 * k'·P = k·P; k' < 2^254), then recoded regularly (Joye–Tunstall): k' = Σ_w d_w · 2^(W·w)
 * with every d_w odd in [−(2^W − 1), 2^W − 1]. Each window then costs exactly one mixed
 * addition of a table point, no doublings, and the same operation sequence for every scalar.
 * For secret scalars the entry is also chosen by scanning the whole row. JavaScript bigint
 * arithmetic is not constant-time, so this matches noble's own guarantee (a constant operation
 * sequence), not more.
 *
 * Arithmetic is on the Edwards representative of the ristretto255 element (any representative
 * works: the group law maps representatives to representatives), curve −x² + y² = 1 + d·x²y²
 * over p = 2^255 − 19, in extended coordinates (X : Y : Z : T), T = XY/Z (Hisil–Wong–Carter–
 * Dawson 2008). Table entries are affine, stored as (y + x, y − x, 2d·x·y), so one mixed
 * addition costs 7 field multiplications. The result goes back into a noble point.
 */
export const DEFAULT_WINDOW = 9;

const P = 2n ** 255n - 19n;
const MASK = 2n ** 255n - 1n;
/** d = −121665/121666 mod p, and 2d. */
export const D = Fp.mul(P - 121665n, Fp.inv(121666n));
const D2 = (2n * D) % P;

/** a·b mod p for 0 <= a, b < p: fold the bits above 2^255 back in (2^255 ≡ 19). */
function mul(a: bigint, b: bigint): bigint {
  const x = a * b;
  let r = (x & MASK) + 19n * (x >> 255n);
  r = (r & MASK) + 19n * (r >> 255n);
  return r >= P ? r - P : r;
}
function add(a: bigint, b: bigint): bigint {
  const r = a + b;
  return r >= P ? r - P : r;
}
function sub(a: bigint, b: bigint): bigint {
  const r = a - b;
  return r < 0n ? r + P : r;
}

interface Extended {
  X: bigint;
  Y: bigint;
  Z: bigint;
  T: bigint;
}
/** An affine table point as (y + x, y − x, 2d·x·y). */
interface Niels {
  readonly ypx: bigint;
  readonly ymx: bigint;
  readonly xy2d: bigint;
}

/** add-2008-hwcd-3 (a = −1): P1 + P2, both extended; 9 multiplications. */
function addExt(p: Extended, q: Extended): Extended {
  const A = mul(sub(p.Y, p.X), sub(q.Y, q.X));
  const B = mul(add(p.Y, p.X), add(q.Y, q.X));
  const C = mul(mul(p.T, D2), q.T);
  const Dd = mul(add(p.Z, p.Z), q.Z);
  const E = sub(B, A);
  const F = sub(Dd, C);
  const G = add(Dd, C);
  const H = add(B, A);
  return { X: mul(E, F), Y: mul(G, H), Z: mul(F, G), T: mul(E, H) };
}

/** dbl-2008-hwcd (a = −1): 2·P; 4 multiplications and 4 squarings. */
function dblExt(p: Extended): Extended {
  const A = mul(p.X, p.X);
  const B = mul(p.Y, p.Y);
  const C = add(mul(p.Z, p.Z), mul(p.Z, p.Z));
  const xy = add(p.X, p.Y);
  const E = sub(sub(mul(xy, xy), A), B);
  const G = sub(B, A);
  const F = sub(G, C);
  const H = sub(sub(0n, A), B);
  return { X: mul(E, F), Y: mul(G, H), Z: mul(F, G), T: mul(E, H) };
}

/** madd-2008-hwcd-3 (a = −1): P1 ± Q with Q affine in Niels form; 7 multiplications. */
function maddNiels(p: Extended, q: Niels, negative: boolean): Extended {
  // −Q = (−x, y): its Niels form swaps y + x and y − x and negates 2dxy.
  const qp = negative ? q.ymx : q.ypx;
  const qm = negative ? q.ypx : q.ymx;
  const A = mul(sub(p.Y, p.X), qm);
  const B = mul(add(p.Y, p.X), qp);
  const Ct = mul(p.T, q.xy2d);
  const Cn = sub(0n, Ct);
  const C = negative ? Cn : Ct;
  const Dd = add(p.Z, p.Z);
  const E = sub(B, A);
  const F = sub(Dd, C);
  const G = add(Dd, C);
  const H = add(B, A);
  return { X: mul(E, F), Y: mul(G, H), Z: mul(F, G), T: mul(E, H) };
}

export class FixedBase {
  private readonly table: Niels[][] = [];
  private readonly windows: number;
  private readonly row: number;

  constructor(
    base: Point,
    readonly width = DEFAULT_WINDOW,
  ) {
    if (!Number.isInteger(width) || width < 2 || width > 14) throw new RangeError('window width must be in [2, 14]');
    this.windows = Math.ceil(254 / width);
    this.row = 1 << (width - 1);
    // The comb computes (k + ℓ)·P for even k, which equals k·P only up to E[4]: it needs the base's
    // Edwards representative in 2E, as every decoded, hashed or computed ristretto255 point has. A
    // representative with an order-8 component (not a ristretto255 element) would give wrong
    // results for even k, so the table is built from the base's decoded encoding, and a base whose
    // encoding does not decode back to it is refused.
    let canonical: Point;
    try {
      canonical = Point.fromBytes(base.toBytes());
    } catch {
      throw new RangeError('base is not a valid ristretto255 element');
    }
    if (!canonical.equals(base)) throw new RangeError('base is not a valid ristretto255 element');
    const { x, y } = canonical.toAffine();
    let p: Extended = { X: x, Y: y, Z: 1n, T: mul(x, y) };
    const all: Extended[] = [];
    for (let w = 0; w < this.windows; w++) {
      const twice = dblExt(p);
      let q = p;
      all.push(q);
      for (let j = 1; j < this.row; j++) all.push((q = addExt(q, twice)));
      for (let i = 0; i < width; i++) p = dblExt(p);
    }
    const zInv = Fp.invertBatch(all.map((e) => e.Z));
    for (let w = 0; w < this.windows; w++) {
      const row: Niels[] = [];
      for (let j = 0; j < this.row; j++) {
        const k = w * this.row + j;
        const e = all[k]!;
        const ax = mul(e.X, zInv[k]!);
        const ay = mul(e.Y, zInv[k]!);
        row.push({ ypx: add(ay, ax), ymx: sub(ay, ax), xy2d: mul(mul(ax, ay), D2) });
      }
      this.table.push(row);
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
    // k' = k if k is odd, else k + ℓ, computed the same way for both.
    const digits = this.digits(k + ORDER * (1n - (k & 1n)));
    let acc: Extended = { X: 0n, Y: 1n, Z: 1n, T: 0n };
    for (let w = 0; w < this.windows; w++) {
      const d = digits[w]!;
      const idx = ((d < 0 ? -d : d) - 1) >> 1;
      const row = this.table[w]!;
      let sel = row[idx]!;
      if (secret) {
        sel = row[0]!;
        for (let j = 1; j < this.row; j++) sel = j === idx ? row[j]! : sel;
      }
      acc = maddNiels(acc, sel, d < 0);
    }
    return new Point(new ed25519.Point(acc.X, acc.Y, acc.Z, acc.T));
  }
}
