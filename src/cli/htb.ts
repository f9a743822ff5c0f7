import { readFile, stat } from 'node:fs/promises';
import { allocate } from '../core/htb/allocate.js';
import { parseHtbTree } from '../core/htb/tree.js';
import { parseArgs, UsageError, type Command } from './usage.js';

const USAGE = `usage: workpass htb <tree.json>

Prints the steady-state HTB allocation of a class tree as one JSON object {leaf: rate}.
Tree: {"name", "rate", "ceil"?, "prio"?, "quantum"?, "demand"? (leaves), "children"?};
rates in Mbit/s, the root's rate is the link; a leaf without "demand" is always backlogged.
Example: docs/examples/htb-fig1.json (the paper's Fig. 1).`;

/** A class tree is small; refuse to read anything much larger. */
const MAX_TREE_FILE = 1 << 20;

/** Rounds away float noise such as 0.7000000000000002 without hiding real digits. */
function tidy(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

export const command: Command = {
  summary: 'HTB allocation of a class tree: workpass htb <tree.json>',
  async run(args) {
    const { positionals, flags } = parseArgs(args, { booleans: ['help'] });
    if (flags.has('help')) {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError(`expected one tree file\n${USAGE}`);
    const file = positionals[0]!;
    let text: string;
    try {
      if ((await stat(file)).size > MAX_TREE_FILE) throw new UsageError(`${file} is larger than ${MAX_TREE_FILE} bytes`);
      text = await readFile(file, 'utf8');
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new UsageError(`${file} is not valid JSON: ${(err as Error).message}`);
    }
    const rates = allocate(parseHtbTree(json));
    const out: Record<string, number> = {};
    for (const [leaf, rate] of rates) out[leaf] = tidy(rate);
    process.stdout.write(JSON.stringify(out) + '\n');
    return 0;
  },
};
