import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseHtbTree, scaleRates, MAX_CLASSES, MAX_DEPTH } from '../../src/core/htb/index.js';
import { InputError } from '../../src/core/util/errors.js';
import { fig1 } from './trees.js';

function rejects(spec: unknown, path: string, pattern: RegExp): void {
  let err: unknown;
  try {
    parseHtbTree(spec);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(InputError);
  expect((err as InputError).argument).toBe(path);
  expect((err as InputError).message).toMatch(pattern);
}

describe('parseHtbTree', () => {
  it('fills in the tc-htb defaults: ceil = rate, prio 0, quantum = rate / 10, backlogged', () => {
    const t = parseHtbTree({ name: 'r', rate: 10, children: [{ name: 'a', rate: 4 }] });
    const a = t.byName.get('a')!;
    expect([a.ceil, a.prio, a.quantum, a.demand, a.depth]).toEqual([4, 0, 0.4, Infinity, 1]);
    expect(t.leaves.map((l) => l.name)).toEqual(['a']);
    expect(t.root.parent).toBeUndefined();
  });

  it('accepts the Fig. 1 tree, whose rates 4 + 2 + 1.5 + 0.5 add up to 8', () => {
    expect(parseHtbTree(fig1({})).leaves).toHaveLength(5);
  });

  it('rejects children whose rates exceed the parent rate', () => {
    rejects({ name: 'r', rate: 10, children: [{ name: 'a', rate: 6 }, { name: 'b', rate: 5 }] }, '$.children', /sum to 11/);
  });
  it('rejects rate > ceil', () => {
    rejects({ name: 'r', rate: 10, children: [{ name: 'a', rate: 6, ceil: 5 }] }, '$.children[0].rate', /exceeds ceil/);
  });
  it('rejects negative, zero and non-finite numbers', () => {
    rejects({ name: 'r', rate: -1 }, '$.rate', /> 0/);
    rejects({ name: 'r', rate: 0 }, '$.rate', /> 0/);
    rejects({ name: 'r', rate: 10, children: [{ name: 'a', rate: 1, demand: -2 }] }, '$.children[0].demand', />= 0/);
    rejects({ name: 'r', rate: 10, children: [{ name: 'a', rate: 1, quantum: Infinity }] }, '$.children[0].quantum', /finite/);
    rejects({ name: 'r', rate: '10' }, '$.rate', /number/);
  });
  it('rejects duplicate names', () => {
    rejects({ name: 'r', rate: 10, children: [{ name: 'a', rate: 1 }, { name: 'a', rate: 1 }] }, '$.children[1].name', /duplicate/);
    rejects({ name: 'r', rate: 10, children: [{ name: 'r', rate: 1 }] }, '$.children[0].name', /duplicate/);
  });
  it('rejects unknown keys', () => {
    rejects({ name: 'r', rate: 10, children: [{ name: 'a', rate: 1, cel: 3 }] }, '$.children[0].cel', /unknown key/);
  });
  it('rejects leaf-only keys on inner classes and empty children', () => {
    rejects({ name: 'r', rate: 10, prio: 1, children: [{ name: 'a', rate: 1 }] }, '$.prio', /leaf/);
    rejects({ name: 'r', rate: 10, children: [] }, '$.children', /non-empty/);
  });
  it('rejects a root that borrows, bad prio, bad names and non-objects', () => {
    rejects({ name: 'r', rate: 10, ceil: 20 }, '$.ceil', /root cannot borrow/);
    rejects({ name: 'r', rate: 10, children: [{ name: 'a', rate: 1, prio: 8 }] }, '$.children[0].prio', /\[0, 7\]/);
    rejects({ name: 'r', rate: 10, children: [{ name: 'a', rate: 1, prio: 0.5 }] }, '$.children[0].prio', /integer/);
    rejects({ name: '', rate: 10 }, '$.name', /non-empty/);
    rejects([], '$', /object/);
    rejects(null, '$', /object/);
    rejects({ name: 'r', rate: 10, children: [7] }, '$.children[0]', /object/);
  });
  it('bounds depth and size', () => {
    let spec: Record<string, unknown> = { name: 'leaf', rate: 1 };
    for (let i = 0; i < MAX_DEPTH; i++) spec = { name: `n${i}`, rate: 1, children: [spec] };
    rejects(spec, '$' + '.children[0]'.repeat(MAX_DEPTH), /deeper/);
    const wide = { name: 'r', rate: 1e6, children: Array.from({ length: MAX_CLASSES }, (_, i) => ({ name: `c${i}`, rate: 1 })) };
    rejects(wide, `$.children[${MAX_CLASSES - 1}]`, /more than/);
  });
  it('never throws anything but InputError on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        try {
          parseHtbTree(v);
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: 500 },
    );
  });
  it('scaleRates multiplies rates, ceilings, quanta and demands', () => {
    const t = parseHtbTree(scaleRates(fig1({ Free: 1 }), 125_000));
    expect(t.root.rate).toBe(1_250_000);
    expect(t.byName.get('Free')!.demand).toBe(125_000);
    expect(t.byName.get('Group4')!.ceil).toBe(1_250_000);
  });
});
