/**
 * What a process tree has open on the network, read from Linux /proc: each process's socket file
 * descriptors (/proc/PID/fd -> "socket:[INODE]") matched against the kernel's socket tables
 * (/proc/net/tcp, tcp6, udp, udp6; proc(5): "sl local_address rem_address st ... inode", addresses
 * as hex, IPv4 in host byte order). Sampled while a browser runs, it shows every connection the
 * browser had, whether or not it went through a proxy.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface SocketEntry {
  readonly proto: 'tcp' | 'tcp6' | 'udp' | 'udp6';
  readonly local: string;
  readonly remote: string;
  readonly localPort: number;
  readonly remotePort: number;
  /** proc(5) TCP state: 01 ESTABLISHED, 02 SYN_SENT, 0A LISTEN, ... (UDP: 07 unconnected, 01 connected). */
  readonly state: string;
}

const TABLES = ['tcp', 'tcp6', 'udp', 'udp6'] as const;

/** "0100007F:1F90" -> "127.0.0.1", 8080; IPv6 as 4 host-order words -> its hex groups. */
function decodeAddress(hex: string): { address: string; port: number } {
  const [addr = '', port = '0'] = hex.split(':');
  const words = addr.match(/.{8}/g) ?? [];
  // Each 32-bit word is in host (little-endian) order.
  const bytes = words.flatMap((w) => [w.slice(6, 8), w.slice(4, 6), w.slice(2, 4), w.slice(0, 2)].map((b) => parseInt(b, 16)));
  const address = bytes.length === 4
    ? bytes.join('.')
    : Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16)).join(':');
  return { address, port: parseInt(port, 16) };
}

function readTables(): Map<string, SocketEntry> {
  const byInode = new Map<string, SocketEntry>();
  for (const proto of TABLES) {
    let text: string;
    try {
      text = readFileSync(`/proc/net/${proto}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      const local = decodeAddress(f[1]!);
      const remote = decodeAddress(f[2]!);
      byInode.set(f[9]!, {
        proto, state: f[3]!,
        local: local.address, localPort: local.port,
        remote: remote.address, remotePort: remote.port,
      });
    }
  }
  return byInode;
}

/** The inet sockets the processes `pids` hold (processes that exited meanwhile are skipped). */
export function socketsOf(pids: readonly number[]): SocketEntry[] {
  const tables = readTables();
  const found: SocketEntry[] = [];
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(target);
      const entry = m === null ? undefined : tables.get(m[1]!);
      if (entry !== undefined) found.push(entry);
    }
  }
  return found;
}

export interface SocketAudit {
  /** Samples taken so far. */
  readonly samples: number;
  /** Sockets seen connected (or connecting) to the SOCKS port. */
  readonly viaSocks: number;
  /** Their local ports: tor's STREAM events name them as SOURCE_ADDR 127.0.0.1:PORT. */
  readonly socksLocalPorts: ReadonlySet<number>;
  /** Every socket seen that was neither a listener, an accepted connection to one, nor to the SOCKS port. */
  readonly violations: readonly SocketEntry[];
  stop(): void;
}

const TCP_LISTEN = '0A';

/**
 * Samples the sockets of `pids()` every `everyMs` until stop(). Allowed: listening sockets, the
 * server side of connections to them (the test's WebDriver BiDi connection), and sockets whose peer
 * is 127.0.0.1:`socksPort`. Anything else, any UDP socket included, is a violation.
 */
export function startSocketAudit(pids: () => readonly number[], socksPort: number, everyMs = 200): SocketAudit {
  if (!Number.isInteger(socksPort) || socksPort < 1 || socksPort > 65535) throw new RangeError(`socksPort: not a TCP port: ${socksPort}`);
  let samples = 0;
  let viaSocks = 0;
  const violations: SocketEntry[] = [];
  const socksLocalPorts = new Set<number>();
  const seen = new Set<string>();
  const sample = (): void => {
    const sockets = socketsOf(pids());
    const listening = new Set(sockets.filter((s) => s.proto.startsWith('tcp') && s.state === TCP_LISTEN).map((s) => s.localPort));
    samples++;
    for (const s of sockets) {
      const key = `${s.proto} ${s.local}:${s.localPort} ${s.remote}:${s.remotePort}`;
      if (seen.has(key)) continue;
      const isTcp = s.proto.startsWith('tcp');
      if (isTcp && (s.state === TCP_LISTEN || listening.has(s.localPort))) continue;
      seen.add(key);
      if (isTcp && s.remote === '127.0.0.1' && s.remotePort === socksPort) {
        viaSocks++;
        socksLocalPorts.add(s.localPort);
      } else violations.push(s);
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    get samples() {
      return samples;
    },
    get viaSocks() {
      return viaSocks;
    },
    socksLocalPorts,
    violations,
    stop: () => clearInterval(timer),
  };
}
