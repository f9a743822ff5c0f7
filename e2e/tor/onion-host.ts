/**
 * An onion service the way an operator runs it: its own tor process configured with torrc
 * `HiddenServiceDir` + `HiddenServicePort` lines (docs/tor.md). The keys live in HiddenServiceDir, so
 * restart() brings the same .onion address back, as when an operator restarts tor.
 */
import { join } from 'node:path';
import type { TorControl } from './control.js';
import { connectNode, readWhenWritten } from './node-control.js';
import { UploadWatch, waitReachable, type OnionPort } from './onion.js';
import type { TorProcess } from './process.js';
import { onionHostTorrc, type TorrcOption } from './torrc.js';

export interface OnionHost {
  /** "<56 base32 chars>.onion", from HiddenServiceDir/hostname. */
  readonly onion: string;
  readonly ports: readonly OnionPort[];
  readonly hiddenServiceDir: string;
  /** The HiddenService* torrc lines this service runs with. */
  readonly torrcLines: readonly string[];
  /** Milliseconds from starting tor to the first successful connection, for the latest start. */
  readonly readyMs: number;
  /**
   * Stops this tor and starts it again from the same HiddenServiceDir; resolves once reachable.
   * The network's client still holds the old descriptor, whose introduction points are gone; tor
   * was seen to get an INTRODUCE_ACK from one of them and then wait for a rendezvous that never
   * comes, until its SOCKS timeout. So by default the client's onion state is purged first (SIGNAL
   * NEWNYM); `{ keepClientState: true }` leaves it, to test how a client copes on its own.
   */
  restart(options?: { keepClientState?: boolean }): Promise<void>;
  /** Stops this tor: the address stops answering. */
  stop(): Promise<void>;
}

export interface OnionHostOptions {
  readonly name: string;
  /** The node's DataDirectory (exists, mode 0700). */
  readonly dataDir: string;
  readonly dirAuthorities: readonly string[];
  readonly ports: readonly OnionPort[];
  /** SOCKS port of the client that checks reachability. */
  readonly socksPort: number;
  readonly timeoutMs: number;
  /** Starts a tor process with this torrc (the network tracks and stops it). */
  readonly launch: (name: string, dir: string, torrc: TorrcOption[]) => Promise<TorProcess>;
  /** Makes the checking client forget onion descriptors and circuits (SIGNAL NEWNYM on its control port). */
  readonly purgeClient: () => Promise<void>;
  readonly log?: (line: string) => void;
}

export async function startOnionHost(o: OnionHostOptions): Promise<OnionHost> {
  if (o.ports.length < 1 || o.ports.length > 32) throw new RangeError('ports: 1..32 entries');
  for (const p of o.ports) {
    for (const [name, v] of [['virtualPort', p.virtualPort], ['target', p.target]] as const) {
      if (!Number.isInteger(v) || v < 1 || v > 65535) throw new RangeError(`ports.${name}: not a TCP port: ${v}`);
    }
  }
  const log = o.log ?? ((): void => {});
  const hiddenServiceDir = join(o.dataDir, 'hidden_service');
  const portFile = join(o.dataDir, 'control-port');
  const torrc = onionHostTorrc(
    { nickname: o.name, dataDir: o.dataDir, dirAuthorities: o.dirAuthorities, hiddenServiceDir, ports: o.ports },
    portFile,
  );
  const torrcLines = torrc.filter(([name]) => name.startsWith('HiddenService')).map(([n, v]) => `${n} ${v}`);

  let process: TorProcess | undefined;
  let onion = '';
  let readyMs = 0;

  const boot = async (purge: boolean): Promise<void> => {
    const started = Date.now();
    const deadline = started + o.timeoutMs;
    const left = (): number => Math.max(1, deadline - Date.now());
    const p = await o.launch(o.name, o.dataDir, torrc);
    process = p;
    let control: TorControl | undefined;
    try {
      const node = await connectNode(p, o.dataDir, portFile, left);
      control = node.control;
      const uploads = new UploadWatch();
      control.on('HS_DESC', (e) => uploads.event(e));
      await control.setEvents(['HS_DESC']);
      // tor writes "<address>.onion\n" to HiddenServiceDir/hostname when it loads the keys.
      const hostname = (await readWhenWritten(join(hiddenServiceDir, 'hostname'), (b) => b.at(-1) === 0x0a, p, left))
        .toString()
        .trim();
      if (!/^[a-z2-7]{56}\.onion$/.test(hostname)) throw new Error(`${o.name}: unexpected hostname file: ${hostname}`);
      if (onion !== '' && hostname !== onion) throw new Error(`${o.name}: address changed across a restart`);
      onion = hostname;
      await uploads.settled(onion.slice(0, -'.onion'.length), deadline);
      log(`${onion} (torrc HiddenServiceDir): descriptor uploaded (${Date.now() - started} ms)`);
      if (purge) await o.purgeClient();
      const attempts = await waitReachable(o.socksPort, onion, o.ports[0]!.virtualPort, deadline);
      readyMs = Date.now() - started;
      log(`${onion} (torrc HiddenServiceDir): reachable after ${attempts} attempt(s) (${readyMs} ms)`);
    } catch (err) {
      await p.stop();
      throw err;
    } finally {
      control?.close();
    }
  };

  await boot(false);
  return {
    get onion() {
      return onion;
    },
    ports: [...o.ports],
    hiddenServiceDir,
    torrcLines,
    get readyMs() {
      return readyMs;
    },
    restart: async (options) => {
      await process?.stop();
      await boot(options?.keepClientState !== true);
    },
    stop: async () => {
      await process?.stop();
    },
  };
}
