import { loadConfigFile, resolveConfig, SETTING_FLAGS } from '../relay/config.js';
import { startRelay } from '../relay/daemon.js';
import { parseArgs, UsageError, type Command } from './usage.js';

const HELP = `usage: workpass relay [options]

Runs the relay daemon: Stratum v1 over WebSocket (the add-on) and TCP (native miners), ticket
issuance, and an HTTP endpoint with /stats, /metrics and the signed descriptor.
Settings: defaults <- --config FILE (JSON) <- environment WORKPASS_* <- flags.

  --config FILE            JSON config file (see docs/operators.md)
  --ws HOST:PORT           WebSocket listener (default 127.0.0.1:9433; port 0 = any free port)
  --stratum HOST:PORT      Stratum TCP listener (default 127.0.0.1:9333)
  --http HOST:PORT         stats/metrics/descriptor (default 127.0.0.1:9480)
  --cells HOST:PORT        RELAY_MINING_* cells over TCP (docs/cells.md; default off)
  --stratum-algo NAME, --cells-algo NAME
                           the TCP / cells listener's algorithm (default: --algo; solo mining only)
  --stratum-difficulty D, --cells-difficulty D
                           their starting share difficulty (default: --difficulty)
  --public-ws URL, --public-stratum URL, --public-http URL, --public-cells URL
                           what the descriptor advertises instead of the listen address, e.g.
                           ws://<56 chars>.onion:9433 behind an onion service (docs/operators.md)
  --data-dir DIR           SQLite store (default ./.workpass/relay)
  --algo NAME              sha256d | scrypt | x11 (default sha256d)
  --difficulty D           starting share difficulty, Stratum units (default 0.001)
  --price P                credit per ticket, in difficulty units (default 0.05)
  --price-sha256d P, --price-scrypt P, --price-x11 P
                           the ticket price of that algorithm's sessions (default: --price)
  --pool URL               stratum+tcp://HOST:PORT upstream pool (default: solo mining)
  --pool-user U, --pool-pass P
  --payout-script HEX      scriptPubKey the solo coinbase pays
  --payout-address ADDR    or an address: Bitcoin (sha256d), Litecoin (scrypt), Dash (x11)
  --name NAME              relay name in the descriptor
  --max-connections N
  --log-level LEVEL        fatal|error|warn|info|debug|trace|silent (logs go to stderr)
  --gateway HOST:PORT      ticket gateway listener (with --backend URL: the web server it fronts)
  --link-mbit N            gateway link rate for the default Fig. 1 HTB tree (default 10)
  --exchange HOST:PORT     Protocol 2 endpoint for partner relays (partners: config file)
  --dashboard HOST:PORT    operator dashboard on loopback only ('on' = 127.0.0.1:9481; docs/dashboard.md)
`;

export const command: Command = {
  summary: 'run the relay daemon (mining pool for anonymous clients that pays in tickets)',
  async run(args) {
    const { positionals, flags } = parseArgs(args, { strings: ['config', ...SETTING_FLAGS], booleans: ['help'] });
    if (flags.has('help')) {
      process.stdout.write(HELP);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const settingFlags = new Map<string, string>();
    for (const [k, v] of flags) if (k !== 'config' && typeof v === 'string') settingFlags.set(k, v);
    const configPath = flags.get('config');
    const config = resolveConfig({
      file: typeof configPath === 'string' ? loadConfigFile(configPath) : undefined,
      env: process.env,
      flags: settingFlags,
    });
    // Signal handlers go in before anything is printed: a SIGTERM that arrives between "ready" and
    // their installation would otherwise kill the process with the default action, uncleanly.
    let stopRequested!: () => void;
    const stopSignal = new Promise<void>((resolve) => (stopRequested = resolve));
    const onSignal = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      stopRequested();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const relay = await startRelay(config);
    // Stable lines for scripts and tests: "<name> <url>".
    process.stdout.write(`ws ${relay.ws.url}\nstratum ${relay.stratum.url}\nhttp ${relay.http.url}\n`);
    if (relay.cells !== null) process.stdout.write(`cells ${relay.cells.url}\n`);
    process.stdout.write(`descriptor ${relay.http.url}/.well-known/workpass/descriptor.json\n`);
    const { gatewayUrl, exchange } = relay.services;
    if (gatewayUrl !== null) process.stdout.write(`gateway ${gatewayUrl}\n`);
    if (exchange !== null) process.stdout.write(`exchange ${exchange.url}\nexchange-key ${exchange.publicKey}\n`);
    if (relay.dashboard !== null) process.stdout.write(`dashboard ${relay.dashboard.tokenUrl}\n`);
    process.stdout.write(`ready\n`);
    await stopSignal;
    await relay.close();
    process.stdout.write('stopped\n');
    return 0;
  },
};
