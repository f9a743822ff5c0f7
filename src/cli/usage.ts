/** Thrown by a command for bad usage; the dispatcher prints it and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A command module: `src/cli/<name>.ts` exports `run(args)` resolving to the exit code. */
export interface Command {
  readonly summary: string;
  run(args: string[]): Promise<number>;
}

/** Parses `--flag value` / `--flag=value` / `--bool` options; the rest are positionals. */
export function parseArgs(
  args: string[],
  spec: { strings?: readonly string[]; booleans?: readonly string[] },
): { positionals: string[]; flags: Map<string, string | true> } {
  const strings = new Set(spec.strings ?? []);
  const booleans = new Set(spec.booleans ?? []);
  const flags = new Map<string, string | true>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (booleans.has(name) && eq === -1) flags.set(name, true);
    else if (strings.has(name)) {
      const value = eq === -1 ? args[++i] : arg.slice(eq + 1);
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      flags.set(name, value);
    } else throw new UsageError(`unknown option --${name}`);
  }
  return { positionals, flags };
}
