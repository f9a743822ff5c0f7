import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allocate, parseHtbTree } from '../../src/core/htb/index.js';
import { fig1, linkSharing, nearestFirst, randomTree, sharingHierarchy } from './trees.js';

function expectRates(got: Map<string, number>, want: Record<string, number>): void {
  for (const [name, rate] of Object.entries(want)) expect(got.get(name), name).toBeCloseTo(rate, 9);
}

describe('allocate: the paper, Fig. 1', () => {
  it('with no paid demand Free borrows up to its ceil of 4', () => {
    const got = allocate(fig1({ Group1: null, Group2: null, Group3: null, Group4: null }));
    expectRates(got, { Free: 4, Group1: 0, Group2: 0, Group3: 0, Group4: 0 });
  });

  it('Free using 1: Group1 takes its 0.8 extra first, Group4 the remaining 0.2', () => {
    // the paid groups use their rates, so the only spare is the 1 Mbit/s Free leaves unused
    const got = allocate(fig1({ Free: 1, Group1: 4.8, Group2: 2, Group3: 1.5, Group4: 1.5 }));
    expectRates(got, { Free: 1, Group1: 4.8, Group2: 2, Group3: 1.5, Group4: 0.7 });
  });

  it('when Group2 and Group3 are idle, Paid lends their rate and both groups are served', () => {
    const got = allocate(fig1({ Free: 1, Group1: 4.8, Group2: null, Group3: null, Group4: 1.5 }));
    expectRates(got, { Free: 1, Group1: 4.8, Group4: 1.5 });
  });

  it('with no free users the paid groups get the whole 10, the top group first', () => {
    const got = allocate(fig1({ Free: null }));
    expectRates(got, { Free: 0, Group1: 6, Group2: 2, Group3: 1.5, Group4: 0.5 });
  });

  it('everyone backlogged: each class gets its guaranteed rate', () => {
    expectRates(allocate(fig1({})), { Free: 2, Group1: 4, Group2: 2, Group3: 1.5, Group4: 0.5 });
  });
});

describe('allocate: the HTB user guide, "Link sharing"', () => {
  const all = { '1:10': 90, '1:11': 90, '1:12': 90 };
  it('all three offer 90 kbps: each is limited to its rate', () => {
    expectRates(allocate(linkSharing(all)), { '1:10': 30, '1:11': 10, '1:12': 60 });
  });
  it('class 0 stops: its 30 goes to the others 1 part to 6', () => {
    expectRates(allocate(linkSharing({ ...all, '1:10': null })), { '1:11': 10 + 30 / 7, '1:12': 60 + 180 / 7 });
  });
  it('class 1 stops: its 10 goes to the others 3 parts to 6', () => {
    expectRates(allocate(linkSharing({ ...all, '1:11': null })), { '1:10': 30 + 10 / 3, '1:12': 60 + 20 / 3 });
  });
  it('class 2 stops: its 60 is divided 3 parts for class 0 to 1 part for class 1', () => {
    expectRates(allocate(linkSharing({ ...all, '1:12': null })), { '1:10': 75, '1:11': 25 });
  });
  it('classes 1 and 2 stop: class 0 gets all 90 kbps it requests', () => {
    expectRates(allocate(linkSharing({ '1:10': 90, '1:11': null, '1:12': null })), { '1:10': 90 });
  });
  it('quantum overrides the rate/10 default: equal quanta share the excess equally', () => {
    const spec = linkSharing({ ...all, '1:12': null });
    for (const c of spec.children!) c.quantum = 1500;
    expectRates(allocate(spec), { '1:10': 30 + 30, '1:11': 10 + 30 });
  });
  it('"Priorizing bandwidth share": a prio 0 class is offered the excess first', () => {
    const got = allocate(linkSharing({ ...all, '1:10': null }, { '1:10': 1, '1:11': 0, '1:12': 1 }));
    expectRates(got, { '1:11': 40, '1:12': 60 });
  });
});

describe('allocate: the HTB user guide, "Sharing hierarchy" and "Rate ceiling"', () => {
  const all = { '1:10': 90, '1:11': 90, '1:12': 90 };
  it("A's WWW stops: A's other traffic gets A's whole 40, B keeps 60", () => {
    expectRates(allocate(sharingHierarchy({ ...all, '1:10': null })), { '1:11': 40, '1:12': 60 });
  });
  it('A requests less than 40 in total: the excess goes to B', () => {
    expectRates(allocate(sharingHierarchy({ '1:10': 10, '1:11': 5, '1:12': 90 })), { '1:10': 10, '1:11': 5, '1:12': 85 });
  });
  it('B idle: its 60 goes to A, shared by WWW and other traffic 3 to 1', () => {
    expectRates(allocate(sharingHierarchy({ ...all, '1:12': null })), { '1:10': 75, '1:11': 25 });
  });
  it('with ceilings and B idle: A stops at its ceil of 60', () => {
    expectRates(allocate(sharingHierarchy({ ...all, '1:12': null }, true)), { '1:10': 45, '1:11': 15 });
  });
  it("with ceilings, WWW and B idle: A's other traffic stops at its own ceil of 20", () => {
    expectRates(allocate(sharingHierarchy({ '1:10': null, '1:11': 90, '1:12': null }, true)), { '1:11': 20 });
  });
});

describe('allocate: borrowing order', () => {
  it('the nearest ancestor lends first, before a higher-priority leaf elsewhere borrows', () => {
    expectRates(allocate(nearestFirst()), { a1: 6, b: 4 });
  });
  it('a spec or a parsed tree give the same answer', () => {
    expect(allocate(parseHtbTree(nearestFirst()))).toEqual(allocate(nearestFirst()));
  });
});

describe('allocate: invariants on random trees', () => {
  it('guarantees, demands, ceilings and the link are respected; spare is not wasted', () => {
    fc.assert(
      fc.property(randomTree, (spec) => {
        const tree = parseHtbTree(spec);
        const got = allocate(tree);
        const eps = 1e-7;
        let total = 0;
        for (const leaf of tree.leaves) {
          const a = got.get(leaf.name)!;
          total += a;
          expect(a).toBeLessThanOrEqual(leaf.demand + eps);
          expect(a).toBeLessThanOrEqual(leaf.ceil + eps);
          expect(a).toBeGreaterThanOrEqual(Math.min(leaf.demand, leaf.rate) - eps);
        }
        for (const c of tree.classes) {
          const sub = tree.leaves.filter((l) => l.path.startsWith(c.path)).reduce((s, l) => s + got.get(l.name)!, 0);
          expect(sub).toBeLessThanOrEqual(c.ceil + eps);
        }
        expect(total).toBeLessThanOrEqual(tree.root.rate + eps);
        // work conserving: if the link is not full, every leaf is held back by its demand or a ceil
        if (total < tree.root.rate - 1e-6) {
          for (const leaf of tree.leaves) {
            const a = got.get(leaf.name)!;
            const capped = a >= leaf.demand - 1e-6 || a >= leaf.ceil - 1e-6 ||
              tree.leaves.filter((l) => l.parent === leaf.parent).reduce((s, l) => s + got.get(l.name)!, 0) >= leaf.parent!.ceil - 1e-6;
            expect(capped, leaf.name).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
