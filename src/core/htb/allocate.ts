import { parseHtbTree, pathToRoot, type HtbClass, type HtbTree } from './tree.js';

/**
 * Steady-state HTB allocation: the rate each leaf gets when every leaf offers its `demand`
 * for long enough that bursts no longer matter. It follows the rules of the HTB user guide
 * and theory page, in the order the Linux scheduler applies them:
 *
 * 1. "The amount of service provided to each class is at least the minimum of the amount it
 *    requests and the amount assigned to it": each leaf first gets min(demand, rate).
 * 2. Spare rate is lent by the nearest ancestor first: inner classes lend in order of depth,
 *    deepest first (Linux serves its lower "levels" first), the root last. A class's spare is
 *    its rate minus the traffic charged to it, i.e. the traffic of its subtree that it or a
 *    class below it paid for (Linux charges rate tokens at the lender and above).
 * 3. Among the leaves below a lender, "classes with higher priority are offered excess
 *    bandwidth first": lower prio number first, strictly.
 * 4. Leaves of equal prio share the excess "in proportion of their quantums".
 * 5. "Rules about guaranteed rate and ceil are still met": no class exceeds its ceil, so a
 *    leaf stops borrowing when it or any class on its way to the lender reaches ceil.
 */
export function allocate(treeOrSpec: HtbTree | unknown): Map<string, number> {
  const tree = isTree(treeOrSpec) ? treeOrSpec : parseHtbTree(treeOrSpec);
  const eps = tree.root.rate * 1e-12;
  const alloc = new Map<HtbClass, number>();
  /** Total traffic through each class (checked against ceil). */
  const used = new Map<HtbClass, number>();
  /** Traffic charged to each class's rate: paid by the class itself or a class below it. */
  const charged = new Map<HtbClass, number>();
  for (const c of tree.classes) {
    used.set(c, 0);
    charged.set(c, 0);
  }
  const give = (leaf: HtbClass, amount: number, lender: HtbClass): void => {
    alloc.set(leaf, (alloc.get(leaf) ?? 0) + amount);
    let funded = false;
    for (const c of pathToRoot(leaf)) {
      used.set(c, used.get(c)! + amount);
      if (c === lender) funded = true;
      if (funded) charged.set(c, charged.get(c)! + amount);
    }
  };

  for (const leaf of tree.leaves) give(leaf, Math.min(leaf.demand, leaf.rate), leaf);

  const lenders = tree.classes.filter((c) => c.children.length > 0).sort((a, b) => b.depth - a.depth);
  for (const lender of lenders) {
    let spare = lender.rate - charged.get(lender)!;
    const below = tree.leaves.filter((l) => isBelow(l, lender));
    const prios = [...new Set(below.map((l) => l.prio))].sort((a, b) => a - b);
    for (const prio of prios) {
      if (spare <= eps) break;
      const group = below.filter((l) => l.prio === prio);
      spare -= fill(group, lender, spare, alloc, used, eps, give);
    }
  }

  const out = new Map<string, number>();
  for (const leaf of tree.leaves) out.set(leaf.name, alloc.get(leaf) ?? 0);
  return out;
}

/**
 * Progressive filling: every active leaf grows at a speed proportional to its quantum until
 * the spare runs out, it meets its demand, or a class on its path to the lender reaches ceil.
 * Each round saturates at least one constraint, so it ends after at most #classes rounds.
 * Returns the amount handed out.
 */
function fill(
  group: HtbClass[],
  lender: HtbClass,
  spare: number,
  alloc: Map<HtbClass, number>,
  used: Map<HtbClass, number>,
  eps: number,
  give: (leaf: HtbClass, amount: number, lender: HtbClass) => void,
): number {
  const pathOf = new Map(group.map((l) => [l, pathUpTo(l, lender)] as const));
  const headroom = (l: HtbClass): number =>
    Math.min(l.demand - alloc.get(l)!, ...pathOf.get(l)!.map((c) => c.ceil - used.get(c)!));
  let active = group.filter((l) => headroom(l) > eps);
  let given = 0;
  while (active.length > 0 && spare - given > eps) {
    const weight = new Map<HtbClass, number>();
    for (const l of active) for (const c of pathOf.get(l)!) weight.set(c, (weight.get(c) ?? 0) + l.quantum);
    let t = (spare - given) / active.reduce((s, l) => s + l.quantum, 0);
    for (const l of active) t = Math.min(t, (l.demand - alloc.get(l)!) / l.quantum);
    for (const [c, w] of weight) t = Math.min(t, (c.ceil - used.get(c)!) / w);
    for (const l of active) give(l, t * l.quantum, lender);
    given += t * active.reduce((s, l) => s + l.quantum, 0);
    active = active.filter((l) => headroom(l) > eps);
  }
  return given;
}

function isBelow(c: HtbClass, ancestor: HtbClass): boolean {
  for (let p = c.parent; p !== undefined; p = p.parent) if (p === ancestor) return true;
  return false;
}

/** Classes from `leaf` up to and including `lender`. */
function pathUpTo(leaf: HtbClass, lender: HtbClass): HtbClass[] {
  const out: HtbClass[] = [];
  for (let c: HtbClass | undefined = leaf; c !== undefined; c = c.parent) {
    out.push(c);
    if (c === lender) break;
  }
  return out;
}

function isTree(x: unknown): x is HtbTree {
  // parsed JSON never holds a Map, so a spec cannot pass for a validated tree
  return typeof x === 'object' && x !== null && (x as { byName?: unknown }).byName instanceof Map;
}
