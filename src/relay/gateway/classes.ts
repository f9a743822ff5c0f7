import { parseHtbTree, scaleRates, type HtbClassSpec, type HtbTree } from '../../core/htb/index.js';
import { InputError } from '../../core/util/errors.js';

/**
 * The gateway's traffic classes: one free leaf and paid leaves ordered from the tier one ticket
 * buys up to the highest (each further ticket presented with a live session moves it one tier up).
 * Trees are written in Mbit/s like `workpass htb`; the pacer runs in bytes per second.
 */
export interface GatewayClasses {
  /** Class tree in bytes per second, for the pacer. */
  readonly tree: HtbTree;
  readonly free: string;
  /** Paid leaves, lowest tier first; a session token carries an index into this list. */
  readonly paid: readonly string[];
}

/**
 * The paper's Fig. 1 scaled to `linkMbit`: Free guaranteed 20 % of the link with ceil 40 %; Paid
 * 80 % (ceil 100 %) split into Group1..Group4 at 40/20/15/5 % of the link, prio 0..3, each with
 * ceil 100 % (paid clients may take the whole link when free users are idle).
 */
export function fig1Tree(linkMbit: number): HtbClassSpec {
  if (!(Number.isFinite(linkMbit) && linkMbit > 0)) throw new InputError('linkMbit', 'expected a positive number of Mbit/s');
  const f = linkMbit / 10;
  const group = (name: string, rate: number, prio: number): HtbClassSpec => ({ name, rate: rate * f, ceil: 10 * f, prio });
  return {
    name: 'link',
    rate: 10 * f,
    children: [
      { name: 'free', rate: 2 * f, ceil: 4 * f, prio: 4 },
      { name: 'paid', rate: 8 * f, ceil: 10 * f, children: [group('group1', 4, 0), group('group2', 2, 1), group('group3', 1.5, 2), group('group4', 0.5, 3)] },
    ],
  };
}

export const FIG1_PAID = ['group4', 'group3', 'group2', 'group1'] as const;

/** Mbit/s -> bytes per second. */
export const BYTES_PER_MBIT = 1e6 / 8;

/** Validates a tree (Mbit/s) and the named classes, and converts the tree to bytes per second. */
export function gatewayClasses(treeMbit: HtbClassSpec | unknown, free: string, paid: readonly string[]): GatewayClasses {
  parseHtbTree(treeMbit, '$.tree');
  const tree = parseHtbTree(scaleRates(treeMbit as HtbClassSpec, BYTES_PER_MBIT), '$.tree');
  const isLeaf = (n: string) => tree.byName.get(n)?.children.length === 0;
  if (!isLeaf(free)) throw new InputError('freeClass', `no leaf class named '${free}'`);
  if (paid.length === 0 || paid.length > 256) throw new InputError('paidClasses', 'expected 1..256 leaf names');
  const seen = new Set<string>([free]);
  for (const [i, p] of paid.entries()) {
    if (!isLeaf(p)) throw new InputError(`paidClasses[${i}]`, `no leaf class named '${p}'`);
    if (seen.has(p)) throw new InputError(`paidClasses[${i}]`, `'${p}' named twice`);
    seen.add(p);
  }
  return { tree, free, paid: [...paid] };
}
