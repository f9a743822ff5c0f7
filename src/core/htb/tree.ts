import { InputError } from '../util/errors.js';

/**
 * An HTB class tree as written by a user (JSON): the root's rate is the link.
 * Rates are in any one unit (the CLI uses Mbit/s, the scheduler bytes per second).
 *   name      unique class name
 *   rate      guaranteed rate ("rate" in tc-htb)
 *   ceil      most the class may use by borrowing; default = rate, as in tc-htb. A child's ceil
 *             above its parent's is allowed (the user guide's own "Rate ceiling" example has one);
 *             the parent's ceil still caps the subtree.
 *   prio      leaves only; 0..7, lower number is offered spare bandwidth first; default 0
 *   quantum   leaves only; share of spare among equal prio; default rate / 10 (tc's r2q = 10)
 *   demand    leaves only; offered load; omitted = always backlogged
 *   burst     bytes the rate bucket holds (scheduler only); cburst likewise for ceil
 *   children  inner classes only; non-empty
 */
export interface HtbClassSpec {
  name: string;
  rate: number;
  ceil?: number;
  prio?: number;
  quantum?: number;
  demand?: number;
  burst?: number;
  cburst?: number;
  children?: HtbClassSpec[];
}

/** A validated class with its defaults filled in and its place in the tree. */
export interface HtbClass {
  readonly name: string;
  readonly rate: number;
  readonly ceil: number;
  readonly prio: number;
  readonly quantum: number;
  /** Infinity for a backlogged leaf; 0 for inner classes. */
  readonly demand: number;
  readonly burst: number | undefined;
  readonly cburst: number | undefined;
  readonly parent: HtbClass | undefined;
  readonly children: readonly HtbClass[];
  /** Root = 0. */
  readonly depth: number;
  /** JSON path of the class in the input, used in error messages. */
  readonly path: string;
}

export interface HtbTree {
  readonly root: HtbClass;
  /** All classes, parents before children. */
  readonly classes: readonly HtbClass[];
  readonly leaves: readonly HtbClass[];
  readonly byName: ReadonlyMap<string, HtbClass>;
}

/** Linux HTB's TC_HTB_MAXDEPTH: at most 8 levels of classes. */
export const MAX_DEPTH = 8;
/** Bound on the work a hostile tree can cause. */
export const MAX_CLASSES = 1024;
/** Linux HTB priorities are 0..7 (TC_HTB_NUMPRIO = 8). */
export const MAX_PRIO = 7;
/** tc-htb's default rate-to-quantum divisor. */
export const R2Q = 10;

const KEYS = new Set(['name', 'rate', 'ceil', 'prio', 'quantum', 'demand', 'burst', 'cburst', 'children']);
const LEAF_ONLY = ['prio', 'quantum', 'demand'] as const;
/** Slack for sums of decimal rates such as 4 + 2 + 1.5 + 0.5. */
const REL_EPS = 1e-9;

function positive(path: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new InputError(path, 'expected a finite number > 0');
  return v;
}

function nonNegative(path: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new InputError(path, 'expected a finite number >= 0');
  return v;
}

type Mutable = { -readonly [K in keyof HtbClass]: HtbClass[K] };

/**
 * Validates a class tree (parsed JSON) and fills in tc-htb's defaults.
 * Throws InputError naming the JSON path of the first problem.
 */
export function parseHtbTree(input: unknown, path = '$'): HtbTree {
  const classes: HtbClass[] = [];
  const byName = new Map<string, HtbClass>();

  function visit(node: unknown, p: string, parent: Mutable | undefined, depth: number): Mutable {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) throw new InputError(p, 'expected an object');
    const o = node as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!KEYS.has(k)) throw new InputError(`${p}.${k}`, 'unknown key');
    if (depth >= MAX_DEPTH) throw new InputError(p, `tree deeper than ${MAX_DEPTH} levels`);
    if (classes.length >= MAX_CLASSES) throw new InputError(p, `more than ${MAX_CLASSES} classes`);
    if (typeof o.name !== 'string' || o.name.length === 0 || o.name.length > 64) {
      throw new InputError(`${p}.name`, 'expected a non-empty string of at most 64 characters');
    }
    if (byName.has(o.name)) throw new InputError(`${p}.name`, `duplicate class name '${o.name}'`);
    const rate = positive(`${p}.rate`, o.rate);
    const ceil = o.ceil === undefined ? rate : positive(`${p}.ceil`, o.ceil);
    if (rate > ceil) throw new InputError(`${p}.rate`, `rate ${rate} exceeds ceil ${ceil}`);
    if (parent === undefined && ceil !== rate) throw new InputError(`${p}.ceil`, 'the root cannot borrow: its ceil must equal its rate');
    const burst = o.burst === undefined ? undefined : positive(`${p}.burst`, o.burst);
    const cburst = o.cburst === undefined ? undefined : positive(`${p}.cburst`, o.cburst);
    const isLeaf = o.children === undefined;
    if (!isLeaf) {
      for (const k of LEAF_ONLY) if (o[k] !== undefined) throw new InputError(`${p}.${k}`, 'only leaf classes have this key');
      if (!Array.isArray(o.children) || o.children.length === 0) throw new InputError(`${p}.children`, 'expected a non-empty array');
    }
    let prio = 0;
    if (o.prio !== undefined) {
      if (typeof o.prio !== 'number' || !Number.isInteger(o.prio) || o.prio < 0 || o.prio > MAX_PRIO) {
        throw new InputError(`${p}.prio`, `expected an integer in [0, ${MAX_PRIO}]`);
      }
      prio = o.prio;
    }
    const quantum = o.quantum === undefined ? rate / R2Q : positive(`${p}.quantum`, o.quantum);
    const demand = !isLeaf ? 0 : o.demand === undefined ? Infinity : nonNegative(`${p}.demand`, o.demand);
    const cls: Mutable = { name: o.name, rate, ceil, prio, quantum, demand, burst, cburst, parent, children: [], depth, path: p };
    classes.push(cls);
    byName.set(cls.name, cls);
    if (!isLeaf) {
      const kids = (o.children as unknown[]).map((c, i) => visit(c, `${p}.children[${i}]`, cls, depth + 1));
      const sum = kids.reduce((s, k) => s + k.rate, 0);
      if (sum > rate * (1 + REL_EPS)) {
        throw new InputError(`${p}.children`, `children's rates sum to ${sum}, more than the class's rate ${rate}`);
      }
      cls.children = kids;
    }
    return cls;
  }

  const root = visit(input, path, undefined, 0);
  return { root, classes, leaves: classes.filter((c) => c.children.length === 0), byName };
}

/** The same tree with every rate-like number (rate, ceil, quantum, demand) multiplied by `factor`. */
export function scaleRates(spec: HtbClassSpec, factor: number): HtbClassSpec {
  positive('factor', factor);
  const out: HtbClassSpec = { ...spec, rate: spec.rate * factor };
  if (spec.ceil !== undefined) out.ceil = spec.ceil * factor;
  if (spec.quantum !== undefined) out.quantum = spec.quantum * factor;
  if (spec.demand !== undefined) out.demand = spec.demand * factor;
  if (spec.children !== undefined) out.children = spec.children.map((c) => scaleRates(c, factor));
  return out;
}

/** The classes from `leaf` up to the root, leaf first. */
export function pathToRoot(leaf: HtbClass): HtbClass[] {
  const out: HtbClass[] = [];
  for (let c: HtbClass | undefined = leaf; c !== undefined; c = c.parent) out.push(c);
  return out;
}
