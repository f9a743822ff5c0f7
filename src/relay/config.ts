import { readFileSync } from 'node:fs';
import { ALGORITHM_NAMES, isAlgorithmName, type AlgorithmName } from '../core/pow/registry.js';
import { InputError } from '../core/util/errors.js';
import { bytesToHex } from '../core/util/bytes.js';
import { MAX_KEYS } from '../core/protocol/descriptor.js';
import { addressToScript } from '../core/address/script.js';
import { CHAINS, isNetwork, NETWORK_NAMES, type Chain, type Network } from '../core/address/networks.js';
import { buildTicketServices, ticketServiceSettings, type ExchangeSettings, type GatewaySettings } from './gateway/settings.js';
import { buildDashboard, dashboardSettings, type DashboardSettings } from './dashboard/settings.js';

/**
 * The relay's configuration: embedded defaults <- config file (JSON) <- environment (WORKPASS_*)
 * <- command-line flags, each layer validated with an error naming where the bad value came from.
 */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export interface PoolConfig {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly pass: string;
}

/** The URLs the descriptor advertises instead of the listen addresses (e.g. an onion service's). */
export interface PublicEndpoints {
  readonly ws: string | null;
  readonly stratum: string | null;
  readonly http: string | null;
  readonly cells: string | null;
}

export interface RelayConfig {
  readonly name: string;
  /** The Tor relay's fingerprint (40 hex digits) this daemon sits beside, or '' when not set. */
  readonly fingerprint: string;
  readonly ws: HostPort;
  readonly stratum: HostPort;
  readonly http: HostPort;
  /** The cells transport (RELAY_MINING_* cells over TCP, docs/cells.md); null = off. */
  readonly cells: HostPort | null;
  readonly public: PublicEndpoints;
  readonly dataDir: string;
  /** The WebSocket listener's algorithm, and every listener's unless it names its own. */
  readonly algo: AlgorithmName;
  /** The Stratum TCP and cells listeners' algorithms and starting difficulties (default: algo, difficulty). */
  readonly stratumAlgo: AlgorithmName;
  readonly stratumDifficulty: number;
  readonly cellsAlgo: AlgorithmName;
  readonly cellsDifficulty: number;
  /** Starting share difficulty (Stratum units); vardiff moves within [minDifficulty, maxDifficulty]. */
  readonly difficulty: number;
  readonly minDifficulty: number;
  readonly maxDifficulty: number;
  readonly shareSeconds: number;
  /** Credit one ticket costs, in share-difficulty units: the default for every algorithm. */
  readonly price: number;
  /** Per-algorithm ticket prices overriding `price` for sessions of that algorithm (see ticketPrice). */
  readonly prices: Readonly<Partial<Record<AlgorithmName, number>>>;
  /** Seconds of priority one ticket buys (the paper's delta t). */
  readonly dt: number;
  /** How long a ticket stays spendable after its day ends. */
  readonly ticketHours: number;
  /** A ticket key signs for this many days, then the next key takes over. */
  readonly keyDays: number;
  readonly maxOpenSigning: number;
  readonly signingSeconds: number;
  readonly pool: PoolConfig | null;
  readonly solo: {
    /** The scriptPubKey the solo coinbase pays (hex): solo.payoutScript, or solo.payoutAddress's script. */
    readonly payoutScript: string;
    /** The address it was made from, or null when solo.payoutScript (or the default) is used. */
    readonly payoutAddress: string | null;
    /** The network solo.payoutAddress must be for. */
    readonly network: Network;
    readonly nbits: number;
    readonly rollSeconds: number;
  };
  readonly limits: {
    readonly maxConnections: number;
    readonly maxLineBytes: number;
    readonly maxBufferedBytes: number;
    readonly messagesPerSecond: number;
    readonly messageBurst: number;
    readonly globalMessagesPerSecond: number;
    readonly idleSeconds: number;
    /** Idle limit for a connection with an authorized worker that is being sent jobs (a slow miner). */
    readonly minerIdleSeconds: number;
    /** A mining connection that got no job for this long is sent the current job again (keep-alive). */
    readonly keepAliveSeconds: number;
    readonly sessionsPerConnection: number;
    /** New ticket/donation sessions the relay creates per second, all connections together. */
    readonly sessionOpensPerSecond: number;
  };
  readonly partners: readonly string[];
  /** The ticket gateway and the Protocol 2 exchange (src/relay/gateway/settings.ts); null = off. */
  readonly gateway: GatewaySettings | null;
  readonly exchange: ExchangeSettings | null;
  /** The operator dashboard on loopback (src/relay/dashboard/settings.ts); null = off. */
  readonly dashboard: DashboardSettings | null;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export const DEFAULTS: RelayConfig = {
  name: 'workpass-relay',
  fingerprint: '',
  ws: { host: '127.0.0.1', port: 9433 },
  stratum: { host: '127.0.0.1', port: 9333 },
  http: { host: '127.0.0.1', port: 9480 },
  cells: null,
  public: { ws: null, stratum: null, http: null, cells: null },
  dataDir: './.workpass/relay',
  algo: 'sha256d',
  // ~4.3M hashes a share: a few seconds for a browser's WebAssembly kernel at a 25% CPU budget.
  difficulty: 0.001,
  stratumAlgo: 'sha256d',
  stratumDifficulty: 0.001,
  cellsAlgo: 'sha256d',
  cellsDifficulty: 0.001,
  minDifficulty: 1e-6,
  maxDifficulty: 1e9,
  shareSeconds: 15,
  // ~215M hashes a ticket: a few minutes at ~1 MH/s.
  price: 0.05,
  prices: {},
  dt: 600,
  ticketHours: 48,
  keyDays: 7,
  // The tickets module's default bound per (key, day) against ROS/Wagner attacks (docs/tickets.md).
  maxOpenSigning: 4,
  signingSeconds: 30,
  pool: null,
  // OP_RETURN "workpass": the solo chain is the relay's own; an operator sets a real payout script.
  solo: { payoutScript: '6a08776f726b70617373', payoutAddress: null, network: 'main', nbits: 0x1d00ffff, rollSeconds: 30 },
  limits: {
    maxConnections: 20_000,
    maxLineBytes: 4096,
    maxBufferedBytes: 256 * 1024,
    messagesPerSecond: 50,
    messageBurst: 100,
    globalMessagesPerSecond: 50_000,
    idleSeconds: 600,
    minerIdleSeconds: 3600,
    // cpuminer gives up on a pool it heard nothing from for 120 s; half that leaves room.
    keepAliveSeconds: 60,
    sessionsPerConnection: 8,
    sessionOpensPerSecond: 50,
  },
  partners: [],
  gateway: null,
  exchange: null,
  dashboard: null,
  logLevel: 'info',
};

type Source = string;
type Parse = (raw: unknown, where: Source) => unknown;

function fail(where: Source, message: string): never {
  throw new InputError(where, message);
}

function str(max = 256): Parse {
  return (raw, where) => {
    if (typeof raw !== 'string' || raw.length === 0 || raw.length > max) fail(where, `expected a non-empty string of at most ${max} characters`);
    return raw;
  };
}

function num(min: number, max: number, integer = false): Parse {
  return (raw, where) => {
    const v = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
      fail(where, `expected ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${JSON.stringify(raw)}`);
    }
    return v;
  };
}

export function parseHostPort(raw: unknown, where: Source): HostPort {
  if (typeof raw !== 'string') fail(where, 'expected HOST:PORT');
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(raw);
  if (m === null) fail(where, `expected HOST:PORT, got '${raw}'`);
  const port = Number(m[3]);
  if (port > 65535) fail(where, `bad port ${m[3]} (expected 0..65535)`);
  return { host: m[1] ?? m[2]!, port };
}

export function parsePoolUrl(raw: unknown, where: Source): { url: string; host: string; port: number } {
  if (typeof raw !== 'string') fail(where, 'expected stratum+tcp://HOST:PORT');
  const m = /^stratum\+tcp:\/\/(.+)$/.exec(raw);
  if (m === null) fail(where, `expected stratum+tcp://HOST:PORT, got '${raw}'`);
  const hp = parseHostPort(m[1], where);
  if (hp.port === 0) fail(where, 'pool port must not be 0');
  return { url: raw, ...hp };
}

/** RFC 3986 host: a DNS name (onion addresses included), IPv4, or a bracketed IPv6 literal. */
const URL_HOST = String.raw`(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*)`;

/**
 * An advertised URL: one of `schemes`, a host, a port (required when `needPort`), and for ws/http an
 * optional path; no user info, query or fragment. A `.onion` host must be a v3 address (56 base32
 * characters), since v2 onion services are gone from tor.
 */
export function parsePublicUrl(schemes: readonly string[], needPort: boolean): Parse {
  const path = needPort ? '' : String.raw`(?:/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?`;
  const re = new RegExp(`^(${schemes.map((x) => x.replace('+', '\\+')).join('|')})://(${URL_HOST})(?::(\\d{1,5}))${needPort ? '' : '?'}${path}$`);
  return (raw, where) => {
    const expected = `expected ${schemes.map((x) => `${x}://HOST${needPort ? ':PORT' : '[:PORT][/PATH]'}`).join(' or ')}`;
    if (typeof raw !== 'string' || raw.length > 256) fail(where, `${expected} of at most 256 characters`);
    const m = re.exec(raw);
    if (m === null) fail(where, `${expected}, got '${raw}'`);
    const host = m[2]!.toLowerCase();
    if (host.endsWith('.onion') && !/(?:^|\.)[a-z2-7]{55}d\.onion$/.test(host)) fail(where, `'${m[2]}' is not a v3 onion address (56 base32 characters ending in 'd')`);
    if (m[3] !== undefined && (Number(m[3]) < 1 || Number(m[3]) > 65535)) fail(where, `bad port ${m[3]} (expected 1..65535)`);
    return raw;
  };
}

const parseAlgo: Parse = (raw, where) => {
  if (!isAlgorithmName(raw)) fail(where, `unknown algorithm ${JSON.stringify(raw)} (expected sha256d, scrypt, x11)`);
  return raw;
};

const parseHex: Parse = (raw, where) => {
  if (typeof raw !== 'string' || !/^(?:[0-9a-f]{2}){1,520}$/.test(raw)) fail(where, 'expected lowercase hex bytes (a scriptPubKey)');
  return raw;
};

const parseNetwork: Parse = (raw, where) => {
  if (!isNetwork(raw)) fail(where, `expected one of ${NETWORK_NAMES.join(', ')}`);
  return raw;
};

/** The chain whose addresses pay for each algorithm's blocks. */
const ALGORITHM_CHAIN: Readonly<Record<AlgorithmName, Chain>> = { sha256d: 'bitcoin', scrypt: 'litecoin', x11: 'dash' };

/**
 * solo.payoutScript, or the script of solo.payoutAddress on the chain of the listeners' algorithm
 * (sha256d Bitcoin, scrypt Litecoin, x11 Dash) and solo.network; never both.
 */
function soloPayoutScript(values: Map<string, unknown>, listeners: ReadonlyArray<readonly [string, AlgorithmName]>, network: Network): string {
  const address = values.get('solo.payoutAddress') as string | undefined;
  if (address === undefined) return (values.get('solo.payoutScript') as string | undefined) ?? DEFAULTS.solo.payoutScript;
  if (values.has('solo.payoutScript')) fail('solo.payoutAddress', 'solo.payoutScript is set too: give one of the two');
  const chains = [...new Set(listeners.map(([, algo]) => ALGORITHM_CHAIN[algo]))];
  const mines = listeners.map(([name, algo]) => `${name} ${algo} = ${CHAINS[ALGORITHM_CHAIN[algo]].title}`).join(', ');
  if (chains.length > 1) fail('solo.payoutAddress', `one address cannot pay listeners on different chains (${mines}); use solo.payoutScript, or one algorithm`);
  try {
    return bytesToHex(addressToScript(address, chains[0]!, network, 'solo.payoutAddress'));
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    fail('solo.payoutAddress', `${err.message.slice(err.argument.length + 2)} (listeners: ${mines}; solo.network is ${network})`);
  }
}

const parseNbits: Parse = (raw, where) => {
  if (typeof raw !== 'string' || !/^[0-9a-f]{8}$/.test(raw)) fail(where, "expected nBits as 8 hex digits, e.g. '1d00ffff'");
  return parseInt(raw, 16);
};

const parseFingerprint: Parse = (raw, where) => {
  if (typeof raw !== 'string' || !/^(?:[0-9A-F]{40})?$/.test(raw)) fail(where, 'expected 40 uppercase hex digits');
  return raw;
};

const parseLogLevel: Parse = (raw, where) => {
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (typeof raw !== 'string' || !levels.includes(raw)) fail(where, `expected one of ${levels.join(', ')}`);
  return raw;
};

const parsePartners: Parse = (raw, where) => {
  const list = typeof raw === 'string' ? raw.split(',').filter((s) => s !== '') : raw;
  if (!Array.isArray(list) || list.length > 32) fail(where, 'expected a list of at most 32 partner descriptor URLs');
  return list.map((u, i) => {
    if (typeof u !== 'string' || !/^https?:\/\/\S{1,240}$/.test(u)) fail(`${where}[${i}]`, 'expected an http(s) URL');
    return u;
  });
};

/** Every setting: its dotted path in RelayConfig, its flag (if any) and its parser. Env: WORKPASS_ + path in UPPER_SNAKE. */
const SETTINGS: ReadonlyArray<{ path: string; flag?: string; parse: Parse }> = [
  { path: 'name', flag: 'name', parse: str(64) },
  { path: 'fingerprint', parse: parseFingerprint },
  { path: 'ws', flag: 'ws', parse: parseHostPort },
  { path: 'stratum', flag: 'stratum', parse: parseHostPort },
  { path: 'http', flag: 'http', parse: parseHostPort },
  { path: 'cells', flag: 'cells', parse: parseHostPort },
  { path: 'public.ws', flag: 'public-ws', parse: parsePublicUrl(['ws', 'wss'], false) },
  { path: 'public.stratum', flag: 'public-stratum', parse: parsePublicUrl(['stratum+tcp'], true) },
  { path: 'public.http', flag: 'public-http', parse: parsePublicUrl(['http', 'https'], false) },
  { path: 'public.cells', flag: 'public-cells', parse: parsePublicUrl(['cells+tcp'], true) },
  { path: 'dataDir', flag: 'data-dir', parse: str(4096) },
  { path: 'algo', flag: 'algo', parse: parseAlgo },
  { path: 'difficulty', flag: 'difficulty', parse: num(1e-9, 1e12) },
  { path: 'stratumAlgo', flag: 'stratum-algo', parse: parseAlgo },
  { path: 'stratumDifficulty', flag: 'stratum-difficulty', parse: num(1e-9, 1e12) },
  { path: 'cellsAlgo', flag: 'cells-algo', parse: parseAlgo },
  { path: 'cellsDifficulty', flag: 'cells-difficulty', parse: num(1e-9, 1e12) },
  { path: 'minDifficulty', parse: num(1e-9, 1e12) },
  { path: 'maxDifficulty', parse: num(1e-9, 1e15) },
  { path: 'shareSeconds', parse: num(1, 3600) },
  { path: 'price', flag: 'price', parse: num(1e-9, 1e12) },
  // prices.sha256d, --price-scrypt, WORKPASS_PRICES_X11, ...: the same range as price.
  ...ALGORITHM_NAMES.map((a) => ({ path: `prices.${a}`, flag: `price-${a}`, parse: num(1e-9, 1e12) })),
  { path: 'dt', parse: num(1, 86400, true) },
  { path: 'ticketHours', parse: num(1, 24 * 30, true) },
  { path: 'keyDays', parse: num(1, 365, true) },
  // docs/tickets.md section 8: above 6 open sessions per (key, day) Wagner's attack gets cheap (about 2^66 at 7-14).
  { path: 'maxOpenSigning', parse: num(1, 6, true) },
  { path: 'signingSeconds', parse: num(5, 3600, true) },
  { path: 'pool.url', flag: 'pool', parse: parsePoolUrl },
  { path: 'pool.user', flag: 'pool-user', parse: str(128) },
  { path: 'pool.pass', flag: 'pool-pass', parse: (raw, where) => (typeof raw === 'string' && raw.length <= 128 ? raw : fail(where, 'expected a string')) },
  { path: 'solo.payoutScript', flag: 'payout-script', parse: parseHex },
  { path: 'solo.payoutAddress', flag: 'payout-address', parse: str(90) },
  { path: 'solo.network', parse: parseNetwork },
  { path: 'solo.nbits', parse: parseNbits },
  { path: 'solo.rollSeconds', parse: num(1, 3600, true) },
  { path: 'limits.maxConnections', flag: 'max-connections', parse: num(1, 1_000_000, true) },
  { path: 'limits.maxLineBytes', parse: num(512, 1 << 20, true) },
  { path: 'limits.maxBufferedBytes', parse: num(4096, 64 << 20, true) },
  { path: 'limits.messagesPerSecond', parse: num(0.1, 1e6) },
  { path: 'limits.messageBurst', parse: num(1, 1e6) },
  { path: 'limits.globalMessagesPerSecond', parse: num(1, 1e8) },
  { path: 'limits.idleSeconds', parse: num(1, 86400) },
  { path: 'limits.minerIdleSeconds', parse: num(1, 7 * 86400) },
  { path: 'limits.keepAliveSeconds', parse: num(1, 3600) },
  { path: 'limits.sessionsPerConnection', parse: num(1, 1000, true) },
  { path: 'limits.sessionOpensPerSecond', parse: num(0.1, 1e6) },
  { path: 'partners', parse: parsePartners },
  { path: 'logLevel', flag: 'log-level', parse: parseLogLevel },
  ...ticketServiceSettings(parseHostPort),
  ...dashboardSettings(parseHostPort),
];

/** The flags `workpass relay` accepts for settings (besides --config and --help). */
export const SETTING_FLAGS: readonly string[] = SETTINGS.flatMap((s) => (s.flag === undefined ? [] : [s.flag]));

function envName(path: string): string {
  return 'WORKPASS_' + path.replace(/\./g, '_').replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}

/** Flattens a parsed config file into dotted paths, refusing unknown keys. */
function flattenFile(obj: unknown, prefix: string, out: Map<string, unknown>): void {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) fail(`config file${prefix === '' ? '' : ` key '${prefix}'`}`, 'expected an object');
  for (const [k, v] of Object.entries(obj)) {
    const path = prefix === '' ? k : `${prefix}.${k}`;
    if (SETTINGS.some((s) => s.path === path)) out.set(path, v);
    else if (SETTINGS.some((s) => s.path.startsWith(path + '.'))) flattenFile(v, path, out);
    else fail(`config file key '${path}'`, prefix === 'prices' ? `unknown algorithm (expected ${ALGORITHM_NAMES.join(', ')})` : 'unknown key');
  }
}

export interface ConfigInputs {
  /** Contents of the --config file (JSON text), if given. */
  readonly file?: { readonly path: string; readonly text: string };
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly flags?: ReadonlyMap<string, string>;
}

export function loadConfigFile(path: string): { path: string; text: string } {
  try {
    return { path, text: readFileSync(path, 'utf8') };
  } catch (err) {
    fail('--config', `cannot read ${path}: ${(err as Error).message}`);
  }
}

/** Resolves the layers into one validated config; throws InputError naming the bad setting. */
export function resolveConfig(inputs: ConfigInputs): RelayConfig {
  const values = new Map<string, unknown>();
  if (inputs.file !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(inputs.file.text);
    } catch (err) {
      fail(`config file ${inputs.file.path}`, `not valid JSON: ${(err as Error).message}`);
    }
    const raw = new Map<string, unknown>();
    flattenFile(parsed, '', raw);
    for (const [path, v] of raw) values.set(path, SETTINGS.find((s) => s.path === path)!.parse(v, `config file key '${path}'`));
  }
  for (const s of SETTINGS) {
    const name = envName(s.path);
    const v = inputs.env?.[name];
    if (v !== undefined) values.set(s.path, s.parse(v, `environment ${name}`));
  }
  for (const [name, v] of Object.entries(inputs.env ?? {})) {
    if (v !== undefined && name.startsWith('WORKPASS_PRICES_') && !SETTINGS.some((s) => envName(s.path) === name)) {
      fail(`environment ${name}`, `unknown algorithm (expected ${ALGORITHM_NAMES.map((a) => envName(`prices.${a}`)).join(', ')})`);
    }
  }
  for (const [flag, v] of inputs.flags ?? []) {
    const s = SETTINGS.find((x) => x.flag === flag);
    if (s === undefined) fail(`--${flag}`, 'unknown option');
    values.set(s.path, s.parse(v, `--${flag}`));
  }
  return build(values);
}

/** The ticket price of a session mining `algo`: prices[algo], else the default price. */
export function ticketPrice(config: Pick<RelayConfig, 'price' | 'prices'>, algo: AlgorithmName): number {
  return config.prices[algo] ?? config.price;
}

function build(values: Map<string, unknown>): RelayConfig {
  const get = <T>(path: string, fallback: T): T => (values.has(path) ? (values.get(path) as T) : fallback);
  const d = DEFAULTS;
  const poolUrl = get<{ url: string; host: string; port: number } | null>('pool.url', null);
  if (poolUrl === null && (values.has('pool.user') || values.has('pool.pass'))) fail('pool.url', 'pool user/pass given but the pool URL is missing (--pool stratum+tcp://HOST:PORT)');
  const algo = get('algo', d.algo);
  const difficulty = get('difficulty', d.difficulty);
  const ticketHours = get('ticketHours', d.ticketHours);
  const keyDays = get('keyDays', d.keyDays);
  // The descriptor lists every key whose tickets still verify: the one signing today and those whose
  // days (keyDays each) ended less than ticketHours ago, at most ceil(ticketHours / keyDays days) + 1.
  const liveKeys = Math.ceil(ticketHours / (24 * keyDays)) + 1;
  if (liveKeys > MAX_KEYS) {
    fail('ticketHours', `${ticketHours} h with keyDays ${keyDays} keeps up to ${liveKeys} ticket keys valid, more than a descriptor lists (${MAX_KEYS}); raise keyDays or lower ticketHours`);
  }
  const soloNetwork = get('solo.network', d.solo.network);
  const soloListeners: Array<readonly [string, AlgorithmName]> = [['ws', algo], ['stratum', get('stratumAlgo', algo)]];
  if (get('cells', d.cells) !== null) soloListeners.push(['cells', get('cellsAlgo', algo)]);
  const cfg: RelayConfig = {
    name: get('name', d.name),
    fingerprint: get('fingerprint', d.fingerprint),
    ws: get('ws', d.ws),
    stratum: get('stratum', d.stratum),
    http: get('http', d.http),
    cells: get('cells', d.cells),
    public: {
      ws: get('public.ws', d.public.ws),
      stratum: get('public.stratum', d.public.stratum),
      http: get('public.http', d.public.http),
      cells: get('public.cells', d.public.cells),
    },
    dataDir: get('dataDir', d.dataDir),
    algo,
    difficulty,
    stratumAlgo: get('stratumAlgo', algo),
    stratumDifficulty: get('stratumDifficulty', difficulty),
    cellsAlgo: get('cellsAlgo', algo),
    cellsDifficulty: get('cellsDifficulty', difficulty),
    minDifficulty: get('minDifficulty', Math.min(d.minDifficulty, difficulty, get('stratumDifficulty', difficulty), get('cellsDifficulty', difficulty))),
    maxDifficulty: get('maxDifficulty', d.maxDifficulty),
    shareSeconds: get('shareSeconds', d.shareSeconds),
    price: get('price', d.price),
    prices: Object.fromEntries(ALGORITHM_NAMES.filter((a) => values.has(`prices.${a}`)).map((a) => [a, values.get(`prices.${a}`) as number])),
    dt: get('dt', d.dt),
    ticketHours,
    keyDays,
    maxOpenSigning: get('maxOpenSigning', d.maxOpenSigning),
    signingSeconds: get('signingSeconds', d.signingSeconds),
    pool: poolUrl === null ? null : { ...poolUrl, user: get('pool.user', ''), pass: get('pool.pass', '') },
    solo: {
      payoutScript: soloPayoutScript(values, soloListeners, soloNetwork),
      payoutAddress: get('solo.payoutAddress', d.solo.payoutAddress),
      network: soloNetwork,
      nbits: get('solo.nbits', d.solo.nbits),
      rollSeconds: get('solo.rollSeconds', d.solo.rollSeconds),
    },
    limits: {
      maxConnections: get('limits.maxConnections', d.limits.maxConnections),
      maxLineBytes: get('limits.maxLineBytes', d.limits.maxLineBytes),
      maxBufferedBytes: get('limits.maxBufferedBytes', d.limits.maxBufferedBytes),
      messagesPerSecond: get('limits.messagesPerSecond', d.limits.messagesPerSecond),
      messageBurst: get('limits.messageBurst', d.limits.messageBurst),
      globalMessagesPerSecond: get('limits.globalMessagesPerSecond', d.limits.globalMessagesPerSecond),
      idleSeconds: get('limits.idleSeconds', d.limits.idleSeconds),
      minerIdleSeconds: get('limits.minerIdleSeconds', Math.max(d.limits.minerIdleSeconds, get('limits.idleSeconds', d.limits.idleSeconds))),
      keepAliveSeconds: get('limits.keepAliveSeconds', d.limits.keepAliveSeconds),
      sessionsPerConnection: get('limits.sessionsPerConnection', d.limits.sessionsPerConnection),
      sessionOpensPerSecond: get('limits.sessionOpensPerSecond', d.limits.sessionOpensPerSecond),
    },
    partners: get('partners', d.partners),
    ...buildTicketServices(values),
    ...buildDashboard(values),
    logLevel: get('logLevel', d.logLevel),
  };
  if (cfg.minDifficulty > cfg.maxDifficulty) fail('minDifficulty', 'must not exceed maxDifficulty');
  for (const key of ['difficulty', 'stratumDifficulty', 'cellsDifficulty'] as const) {
    if (cfg[key] < cfg.minDifficulty || cfg[key] > cfg.maxDifficulty) fail(key, `must be within [minDifficulty, maxDifficulty] = [${cfg.minDifficulty}, ${cfg.maxDifficulty}]`);
  }
  if (cfg.limits.minerIdleSeconds < cfg.limits.idleSeconds) fail('limits.minerIdleSeconds', 'must not be below limits.idleSeconds');
  if (cfg.pool !== null) {
    for (const key of ['stratumAlgo', 'cellsAlgo'] as const) {
      if (cfg[key] !== cfg.algo) fail(key, `${cfg[key]} differs from algo ${cfg.algo}: the upstream pool serves one algorithm, so other listener algorithms need solo mining`);
    }
  }
  if (cfg.public.cells !== null && cfg.cells === null) fail('public.cells', 'the cells listener is off (--cells HOST:PORT)');
  return cfg;
}
