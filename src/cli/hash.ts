import { UsageError, parseArgs, type Command } from './usage.js';
import { ALGORITHM_NAMES, getAlgorithm } from '../core/pow/registry.js';
import { bytesToHex, hexToBytes, reverseBytes } from '../core/util/bytes.js';

const USAGE = `usage: workpass hash <${ALGORITHM_NAMES.join('|')}> <80-byte header hex> [--impl kernel|reference]`;
const IMPLS = ['kernel', 'reference'] as const;

/** `workpass hash`: the PoW hash of one header in display order (byte-reversed, as explorers show it). */
export const command: Command = {
  summary: 'print the PoW hash of an 80-byte block header (display order)',
  async run(args) {
    const { positionals, flags } = parseArgs(args, { strings: ['impl'], booleans: ['help'] });
    if (flags.has('help')) {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    if (positionals.length !== 2) throw new UsageError(`expected an algorithm and a header\n${USAGE}`);
    const [name, headerHex] = positionals as [string, string];
    const impl = flags.get('impl') ?? 'kernel';
    if (!(IMPLS as readonly unknown[]).includes(impl)) throw new UsageError(`--impl must be one of ${IMPLS.join(', ')}`);
    const algo = getAlgorithm(name);
    const header = hexToBytes('header', headerHex.trim(), 80);
    const digest = impl === 'reference' ? algo.referenceHash(header) : (await algo.loadKernel()).hash(header);
    process.stdout.write(bytesToHex(reverseBytes(digest)) + '\n');
    return 0;
  },
};
