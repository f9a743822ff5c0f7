import fc from 'fast-check';
import type { HtbClassSpec } from '../../src/core/htb/index.js';

/** Demands per leaf name; a leaf left out is backlogged, `null` makes it idle. */
export type Demands = Record<string, number | null>;

function leaf(name: string, rate: number, ceil: number, d: Demands, extra: Partial<HtbClassSpec> = {}): HtbClassSpec {
  const spec: HtbClassSpec = { name, rate, ceil, ...extra };
  const v = d[name];
  if (v === null) spec.demand = 0;
  else if (v !== undefined) spec.demand = v;
  return spec;
}

/**
 * The paper's Fig. 1: a 10 Mbit/s link; Free guaranteed 2, ceil 4; Paid 8 (ceil 10: "paid clients can
 * get the whole capacity of 10 Mbps if there are no free users") split into Group1..Group4 with rates
 * 4/2/1.5/0.5 and prio 0..3.
 */
export function fig1(d: Demands): HtbClassSpec {
  return {
    name: 'link', rate: 10,
    children: [
      leaf('Free', 2, 4, d),
      {
        name: 'Paid', rate: 8, ceil: 10,
        children: [
          leaf('Group1', 4, 10, d, { prio: 0 }),
          leaf('Group2', 2, 10, d, { prio: 1 }),
          leaf('Group3', 1.5, 10, d, { prio: 2 }),
          leaf('Group4', 0.5, 10, d, { prio: 3 }),
        ],
      },
    ],
  };
}

/**
 * HTB user guide, "Link sharing": 100 kbps shared by 1:10 (A's WWW, 30), 1:11 (A's other, 10) and
 * 1:12 (B, 60), every ceil 100, each class offering 90 kbps.
 */
export function linkSharing(d: Demands, prio: Record<string, number> = {}): HtbClassSpec {
  const p = (n: string): Partial<HtbClassSpec> => (prio[n] === undefined ? {} : { prio: prio[n] });
  return {
    name: '1:1', rate: 100,
    children: [leaf('1:10', 30, 100, d, p('1:10')), leaf('1:11', 10, 100, d, p('1:11')), leaf('1:12', 60, 100, d, p('1:12'))],
  };
}

/**
 * HTB user guide, "Sharing hierarchy": customer A (1:2, rate 40) holds WWW (1:10, 30) and other
 * traffic (1:11, 10); B (1:12) has 60. With `ceilings`, the "Rate ceiling" chapter's change:
 * A's ceil 60 and A's other traffic ceil 20.
 */
export function sharingHierarchy(d: Demands, ceilings = false): HtbClassSpec {
  return {
    name: '1:1', rate: 100,
    children: [
      {
        name: '1:2', rate: 40, ceil: ceilings ? 60 : 100,
        children: [leaf('1:10', 30, 100, d), leaf('1:11', 10, ceilings ? 20 : 100, d)],
      },
      leaf('1:12', 60, 100, d),
    ],
  };
}

/**
 * Nearest ancestor first, even against prio: a1 (prio 7) sits under A, which has 4 to spare; b
 * (prio 0) hangs off the root. A lends to a1 before the root lends anything, and then the root
 * has nothing left for b.
 */
export function nearestFirst(): HtbClassSpec {
  return {
    name: 'root', rate: 10,
    children: [
      { name: 'A', rate: 6, ceil: 10, children: [{ name: 'a1', rate: 2, ceil: 10, prio: 7 }] },
      { name: 'b', rate: 4, ceil: 10, prio: 0 },
    ],
  };
}

/** Random two-level trees: up to 3 groups of up to 3 leaves, rates, ceilings, prios and demands varied; the root keeps 5 spare. */
const leafArb = (name: string): fc.Arbitrary<HtbClassSpec> =>
  fc.record({
    rate: fc.integer({ min: 1, max: 50 }),
    extra: fc.integer({ min: 0, max: 50 }),
    prio: fc.integer({ min: 0, max: 3 }),
    demand: fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }),
  }).map(({ rate, extra, prio, demand }) => ({ name, rate, ceil: rate + extra, prio, ...(demand === undefined ? {} : { demand }) }));
export const randomTree = fc.array(fc.array(fc.constant(0), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }).chain((shape) =>
  fc.tuple(...shape.map((g, i) => fc.tuple(...g.map((_, j) => leafArb(`g${i}l${j}`))))).map((groups) => {
    const children = groups.map((leaves, i) => {
      const rate = leaves.reduce((s, l) => s + l.rate, 0);
      return { name: `g${i}`, rate, ceil: rate + 30, children: leaves };
    });
    const rate = children.reduce((s, c) => s + c.rate, 0) + 5;
    return { name: 'root', rate, children } as HtbClassSpec;
  }),
);
