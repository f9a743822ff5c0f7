/**
 * Runs the private Tor network until interrupted:
 *
 *   npx tsx e2e/tor/cli.ts [--relays N] [--exits N] [--onion VIRT:PORT[,VIRT:PORT...]] [--keep-dir]
 *
 * Progress goes to stderr; one JSON line with the ports (and the onion address) goes to stdout once the
 * network is ready. Ctrl-C (SIGINT) or SIGTERM stops every tor process. Bad usage exits 2.
 */
import { UsageError, parseArgs } from '../../src/cli/usage.js';
import type { OnionPort } from './onion.js';
import { startTorNetwork } from './network.js';

const USAGE = 'usage: tsx e2e/tor/cli.ts [--relays N] [--exits N] [--onion VIRT:PORT[,VIRT:PORT...]] [--keep-dir]';

function count(flag: string, raw: string | true | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  if (raw === true || !/^[0-9]{1,2}$/.test(raw)) throw new UsageError(`--${flag}: expected a small integer`);
  return Number(raw);
}

function onionPorts(raw: string | true | undefined): OnionPort[] | undefined {
  if (raw === undefined) return undefined;
  if (raw === true) throw new UsageError('--onion needs VIRT:PORT pairs');
  return raw.split(',').map((pair) => {
    const m = /^([0-9]{1,5}):([0-9]{1,5})$/.exec(pair);
    const virtualPort = Number(m?.[1]);
    const target = Number(m?.[2]);
    if (m === null || virtualPort < 1 || virtualPort > 65535 || target < 1 || target > 65535) {
      throw new UsageError(`--onion: "${pair}" is not VIRT:PORT (1..65535 each)`);
    }
    return { virtualPort, target };
  });
}

async function main(argv: string[]): Promise<number> {
  let relays: number, exits: number, ports: OnionPort[] | undefined, keepDir: boolean;
  try {
    const { positionals, flags } = parseArgs(argv, { strings: ['relays', 'exits', 'onion'], booleans: ['keep-dir', 'help'] });
    if (flags.has('help')) {
      console.log(USAGE);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    relays = count('relays', flags.get('relays'), 4);
    exits = count('exits', flags.get('exits'), 2);
    if (relays < 1 || exits < 1 || exits > relays) throw new UsageError('need 1 <= exits <= relays');
    ports = onionPorts(flags.get('onion'));
    keepDir = flags.has('keep-dir');
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${err.message}\n${USAGE}`);
    return 2;
  }

  const net = await startTorNetwork({ relays, exits, keepDir, log: (line) => console.error(`[tor] ${line}`) });
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.error('[tor] stopping');
    await net.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  try {
    const onion = ports === undefined ? undefined : await net.addOnion(ports);
    console.log(JSON.stringify({
      socksPort: net.socksPort,
      controlPort: net.controlPort,
      controlAuth: net.controlAuth,
      dataDir: net.dataDir,
      bootstrapMs: net.bootstrapMs,
      onion: onion?.onion,
    }));
  } catch (err) {
    await net.stop();
    throw err;
  }
  // Runs until a signal; the tor processes and control connections keep the event loop alive.
  return new Promise<number>(() => {});
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
