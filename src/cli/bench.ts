import { UsageError, type Command } from './usage.js';

/** Benchmark areas; each is bench/<area>.ts exporting `run(args): Promise<number>`. */
const AREAS = ['pow', 'tickets', 'relay', 'gateway'] as const;

export const command: Command = {
  summary: 'run a benchmark: pow | tickets | relay | gateway (add --json for one JSON line)',
  async run(args) {
    const [area, ...rest] = args;
    if (area === undefined || area === '--help') {
      process.stdout.write(`usage: workpass bench <${AREAS.join('|')}> [--json]\n`);
      return area === undefined ? 2 : 0;
    }
    if (!(AREAS as readonly string[]).includes(area)) throw new UsageError(`unknown benchmark '${area}' (expected ${AREAS.join(', ')})`);
    const mod = (await import(`../../bench/${area}.js`)) as { run(args: string[]): Promise<number> };
    return mod.run(rest);
  },
};
