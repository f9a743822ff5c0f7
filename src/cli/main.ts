import { UsageError, type Command } from './usage.js';
import { InputError } from '../core/util/errors.js';

/** Subcommand name -> module under src/cli. Each module exports `command: Command`. */
const COMMANDS: Record<string, string> = {
  relay: './relay.js',
  hash: './hash.js',
  ticket: './ticket.js',
  htb: './htb.js',
  bench: './bench.js',
  econ: './econ.js',
};

function usage(): string {
  return [
    'usage: workpass <command> [options]',
    '',
    'commands:',
    ...Object.keys(COMMANDS).map((c) => `  ${c}`),
    '',
    "run 'workpass <command> --help' for a command's options",
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name === undefined ? 2 : 0;
  }
  const path = COMMANDS[name];
  if (path === undefined) {
    process.stderr.write(`workpass: unknown command '${name}'\n${usage()}\n`);
    return 2;
  }
  try {
    const mod = (await import(path)) as { command: Command };
    return await mod.command.run(rest);
  } catch (err) {
    if (err instanceof UsageError || err instanceof InputError) {
      process.stderr.write(`workpass ${name}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
