/**
 * A private Tor network on 127.0.0.1, built from scratch in a temporary directory: three directory
 * authorities, a few relays (some of them exits that accept 127.0.0.1), a client with a SOCKS port and a
 * control port, and a second client that hosts onion services. Ready means: the client reports bootstrap
 * 100 % and a probe page on 127.0.0.1 was fetched through a 3-hop circuit. stop() ends every process.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuthorityKeys, dirAuthorityLine, type AuthorityIdentity } from './authority.js';
import { CircuitLog } from './circuits.js';
import { fetchConsensus, missingRouters } from './consensus.js';
import { TorControl, type ControlAuth } from './control.js';
import { addOnionService, type OnionPort, type OnionService } from './onion.js';
import { startOnionHost, type OnionHost } from './onion-host.js';
import { freePorts } from './ports.js';
import { httpGetViaSocks, startProbeServer } from './probe.js';
import { connectNode, waitBootstrapped, type NodeControl } from './node-control.js';
import { processesUsing, startTor, type TorProcess } from './process.js';
import {
  FAST_VOTING,
  authorityTorrc,
  clientTorrc,
  relayTorrc,
  renderTorrc,
  type TorrcOption,
  type VotingSchedule,
} from './torrc.js';

export interface TorNetworkOptions {
  /** Relays besides the authorities (default 4). */
  readonly relays?: number;
  /** How many of those are exits accepting 127.0.0.1 (default 2, at least 1). */
  readonly exits?: number;
  readonly voting?: VotingSchedule;
  /** Bound on the whole start, including the probe fetch (default 90 s). */
  readonly timeoutMs?: number;
  /** Progress lines ("authorities up", ...). */
  readonly log?: (line: string) => void;
  /** Keep the temporary directory after stop() (for reading the tor logs). */
  readonly keepDir?: boolean;
  /** Also write each node's info-level log to <node>/info.log (with keepDir, for debugging). */
  readonly infoLogs?: boolean;
}

export interface TorNetwork {
  readonly dataDir: string;
  readonly socksPort: number;
  readonly controlPort: number;
  readonly controlAuth: ControlAuth;
  /** Milliseconds from the start call to a fetched probe page. */
  readonly bootstrapMs: number;
  /** Hops of the probe's circuit (3 or more on a working network). */
  readonly probeHops: number;
  /** The relays of the network (authorities first), with their identity fingerprints. */
  readonly relays: readonly RelayInfo[];
  /** A new authenticated control connection to the client; the caller closes it. */
  control(): Promise<TorControl>;
  /**
   * Publishes an onion service for 127.0.0.1:port (virtual port = port) or for a list of ports, and
   * resolves once the first port is reachable through the client's SOCKS port (something must listen).
   */
  addOnion(ports: number | readonly OnionPort[], options?: { privateKey?: string }): Promise<OnionService>;
  /**
   * Starts a tor of its own that hosts one onion service from torrc HiddenServiceDir/HiddenServicePort
   * lines (as docs/tor.md tells operators); restart() keeps the address. Resolves once reachable.
   */
  addOnionHost(ports: readonly OnionPort[]): Promise<OnionHost>;
  /** PIDs of the running tor processes of the network. */
  pids(): number[];
  /** Stops every process, checks that none is left, removes the directory unless keepDir. */
  stop(): Promise<void>;
}

export interface RelayInfo {
  readonly nickname: string;
  /** 40 hex digits, as in CIRC event paths. */
  readonly fingerprint: string;
  readonly role: 'authority' | 'exit' | 'middle';
}

export class TorNetworkError extends Error {
  override readonly name = 'TorNetworkError';
}

const AUTHORITIES = 3;

export async function startTorNetwork(options: TorNetworkOptions = {}): Promise<TorNetwork> {
  const relays = options.relays ?? 4;
  const exits = options.exits ?? 2;
  if (!Number.isInteger(relays) || relays < 1 || relays > 20) throw new RangeError(`relays: 1..20, got ${relays}`);
  if (!Number.isInteger(exits) || exits < 1 || exits > relays) throw new RangeError(`exits: 1..relays, got ${exits}`);
  const voting = options.voting ?? FAST_VOTING;
  if (!(voting.voteDelay + voting.distDelay < voting.interval)) {
    throw new RangeError('voting: voteDelay + distDelay must be below interval');
  }
  const timeoutMs = options.timeoutMs ?? 90_000;
  const log = options.log ?? ((): void => {});
  const started = Date.now();
  const deadline = started + timeoutMs;
  const left = (): number => Math.max(1, deadline - Date.now());

  const dataDir = await mkdtemp(join(tmpdir(), 'workpass-tor-'));
  const defaults = join(dataDir, 'torrc-defaults');
  await writeFile(defaults, '');
  const processes: TorProcess[] = [];
  const controls: TorControl[] = [];
  let stopped = false;
  let onionHosts = 0;

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    for (const c of controls) c.close();
    await Promise.all(processes.map((p) => p.stop()));
    const left = await processesUsing(dataDir);
    if (left.length > 0) throw new TorNetworkError(`tor processes still running after stop: ${left.join(', ')}`);
    if (options.keepDir !== true) await rm(dataDir, { recursive: true, force: true });
  };

  const nodeDir = async (name: string): Promise<string> => {
    const dir = join(dataDir, name);
    await mkdir(dir, { mode: 0o700 });
    return dir;
  };
  // Every node exits by itself (polled every 15 s) if this Node process dies without calling stop().
  const launch = async (name: string, dir: string, torrc: TorrcOption[]): Promise<TorProcess> => {
    const path = join(dir, 'torrc');
    const extra: TorrcOption[] = options.infoLogs === true ? [['Log', `info file ${join(dir, 'info.log')}`]] : [];
    await writeFile(path, renderTorrc([...torrc, ...extra, ['__OwningControllerProcess', process.pid]]));
    const p = startTor(name, path, defaults);
    processes.push(p);
    return p;
  };

  try {
    const ports = await freePorts(AUTHORITIES * 2 + relays);
    const authDirs = await Promise.all(Array.from({ length: AUTHORITIES }, (_, i) => nodeDir(`auth${i}`)));
    const identities: AuthorityIdentity[] = await Promise.all(
      authDirs.map((dir, i) => createAuthorityKeys(dir, `auth${i}`, ports[2 * i]!, ports[2 * i + 1]!, defaults)),
    );
    const dirAuthorities = identities.map(dirAuthorityLine);
    log(`keys made for ${AUTHORITIES} authorities (${Date.now() - started} ms)`);

    const authorities: TorProcess[] = [];
    const booting: Promise<string>[] = [];
    for (const [i, a] of identities.entries()) {
      const p = await launch(a.nickname, authDirs[i]!, authorityTorrc({
        nickname: a.nickname, dataDir: authDirs[i]!, dirAuthorities, orPort: a.orPort, dirPort: a.dirPort, voting,
        hsDirs: identities.map((x) => `$${x.fingerprint}`),
      }));
      authorities.push(p);
      booting.push(p.waitForLog(/Opened OR listener/, left()));
    }
    for (let i = 0; i < relays; i++) {
      const name = `relay${i}`;
      const dir = await nodeDir(name);
      const orPort = ports[AUTHORITIES * 2 + i]!;
      const p = await launch(name, dir, relayTorrc({ nickname: name, dataDir: dir, dirAuthorities, orPort, exit: i < exits }));
      booting.push(p.waitForLog(/Opened OR listener/, left()));
    }
    await Promise.all(booting);
    log(`${AUTHORITIES} authorities and ${relays} relays running (${Date.now() - started} ms)`);
    // Clients started before the first consensus exists back off between failed fetches and find it
    // seconds late; and a consensus that lacks an exit leaves their first streams waiting on a doomed
    // path. So the clients start once a consensus lists every node Running, and the exits with Exit.
    const names = [...identities.map((a) => a.nickname), ...Array.from({ length: relays }, (_, i) => `relay${i}`)];
    const exitNames = names.slice(AUTHORITIES, AUTHORITIES + exits);
    const authNames = identities.map((a) => a.nickname);
    await waitForConsensus(identities[0]!.dirPort, { names, exitNames, authNames }, authorities[0]!, left);
    log(`consensus lists all ${names.length} relays (${Date.now() - started} ms)`);
    const relayInfo: RelayInfo[] = await Promise.all(
      names.map(async (nickname, i): Promise<RelayInfo> => {
        // <DataDirectory>/fingerprint: "nickname FINGERPRINT" (tor(1), FILES).
        const line = (await readFile(join(dataDir, nickname, 'fingerprint'), 'utf8')).trim();
        const fingerprint = line.split(' ')[1] ?? '';
        if (!/^[0-9A-F]{40}$/.test(fingerprint)) throw new TorNetworkError(`${nickname}: bad fingerprint file: ${line}`);
        const role = i < AUTHORITIES ? 'authority' : i < AUTHORITIES + exits ? 'exit' : 'middle';
        return { nickname, fingerprint, role };
      }),
    );

    const clientDir = await nodeDir('client');
    const clientPortFile = join(clientDir, 'control-port');
    const client = await launch('client', clientDir, clientTorrc({ nickname: 'client', dataDir: clientDir, dirAuthorities }, clientPortFile));
    const hostDir = await nodeDir('onionhost');
    const hostPortFile = join(hostDir, 'control-port');
    const host = await launch('onionhost', hostDir, clientTorrc({ nickname: 'onionhost', dataDir: hostDir, dirAuthorities }, hostPortFile));

    const connectControl = async (p: TorProcess, dir: string, portFile: string): Promise<NodeControl> => {
      const node = await connectNode(p, dir, portFile, left);
      controls.push(node.control);
      return node;
    };
    const [c, h] = await Promise.all([
      connectControl(client, clientDir, clientPortFile),
      connectControl(host, hostDir, hostPortFile),
    ]);
    await Promise.all([waitBootstrapped(c.control, client, left), waitBootstrapped(h.control, host, left)]);
    log(`client and onion host bootstrapped (${Date.now() - started} ms)`);
    const socksPort = parseSocksListener(await c.control.getInfo('net/listeners/socks'));

    const probeHops = await probeExit(socksPort, c.port, c.auth, left, controls);
    const bootstrapMs = Date.now() - started;
    log(`probe page fetched through a ${probeHops}-hop circuit (${bootstrapMs} ms)`);

    return {
      dataDir,
      socksPort,
      controlPort: c.port,
      controlAuth: c.auth,
      bootstrapMs,
      probeHops,
      relays: relayInfo,
      control: () => TorControl.connect(c.port, c.auth),
      addOnion: (portsIn, opts) => {
        const list: readonly OnionPort[] =
          typeof portsIn === 'number' ? [{ virtualPort: portsIn, target: portsIn }] : portsIn;
        return addOnionService({
          host: h.control,
          openHostControl: () => TorControl.connect(h.port, h.auth),
          socksPort,
          ports: list,
          privateKey: opts?.privateKey,
          timeoutMs,
          log,
        });
      },
      addOnionHost: async (list) => {
        const name = `onion${++onionHosts}`;
        const dir = await nodeDir(name);
        const purgeClient = async (): Promise<void> => {
          await c.control.command('SIGNAL NEWNYM');
        };
        return startOnionHost({ name, dataDir: dir, dirAuthorities, ports: list, socksPort, timeoutMs, launch, purgeClient, log });
      },
      pids: () => processes.filter((p) => p.running).map((p) => p.pid),
      stop,
    };
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
}

async function waitForConsensus(
  dirPort: number,
  want: { names: readonly string[]; exitNames: readonly string[]; authNames: readonly string[] },
  authority: TorProcess,
  left: () => number,
): Promise<void> {
  let missing: string[] = [...want.names];
  for (;;) {
    const consensus = await fetchConsensus(dirPort, Math.min(5000, left()));
    if (consensus !== undefined) {
      missing = [
        ...missingRouters(consensus, want.names, ['Running', 'Valid']),
        ...missingRouters(consensus, want.exitNames, ['Exit']),
        ...missingRouters(consensus, want.authNames, ['HSDir', 'V2Dir']),
      ];
      if (missing.length === 0) return;
    }
    if (left() <= 1) {
      throw new TorNetworkError(`no consensus with every relay in time (missing: ${missing.join(', ')})\n${authority.logTail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(500, left())));
  }
}

/**
 * Fetches a page with a random token from 127.0.0.1 through SOCKS; the exit must return it intact.
 * Returns the number of hops of the circuit that carried the stream.
 */
async function probeExit(
  socksPort: number,
  controlPort: number,
  auth: ControlAuth,
  left: () => number,
  controls: TorControl[],
): Promise<number> {
  const token = randomBytes(16).toString('hex');
  const server = await startProbeServer(token);
  const watcher = await TorControl.connect(controlPort, auth);
  controls.push(watcher);
  try {
    const circuits = await CircuitLog.attach(watcher);
    const { body, localPort } = await httpGetViaSocks({
      socksPort,
      url: `http://127.0.0.1:${server.port}/probe`,
      auth: { username: 'workpass-probe', password: token },
      timeoutMs: left(),
    });
    if (body !== token) throw new TorNetworkError('probe page came back altered');
    const circuit = await circuits.circuitOfLocalPort(localPort, Math.min(10_000, left()));
    return circuit.path.length;
  } finally {
    watcher.close();
    await server.close();
  }
}

function parseSocksListener(text: string): number {
  // GETINFO net/listeners/socks: a space-separated list of quoted "127.0.0.1:NNNN".
  const m = /"127\.0\.0\.1:([0-9]{1,5})"/.exec(text);
  if (m === null) throw new TorNetworkError(`no SOCKS listener on 127.0.0.1: ${text}`);
  return Number(m[1]);
}
