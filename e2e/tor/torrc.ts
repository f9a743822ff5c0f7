/**
 * torrc text for the nodes of a private Tor network on 127.0.0.1. Option names and the TestingTorNetwork
 * defaults are those of the tor(1) manual, section TESTING NETWORK OPTIONS.
 */

export type TorrcOption = readonly [name: string, value: string | number];

/** Voting schedule of the authorities, in seconds. Vote delay + distribution delay < interval. */
export interface VotingSchedule {
  readonly interval: number;
  readonly voteDelay: number;
  readonly distDelay: number;
}

export const FAST_VOTING: VotingSchedule = { interval: 10, voteDelay: 2, distDelay: 2 };

export function renderTorrc(options: readonly TorrcOption[]): string {
  return options
    .map(([name, value]) => {
      const text = String(value);
      if (/[\r\n]/.test(text)) throw new Error(`torrc ${name}: a value may not contain a line break`);
      return `${name} ${text}\n`;
    })
    .join('');
}

/** What every node shares: the testing network, its authorities, logging that a readiness check can read. */
function common(nickname: string, dataDir: string, dirAuthorities: readonly string[]): TorrcOption[] {
  return [
    ['TestingTorNetwork', 1],
    ['DataDirectory', dataDir],
    ['Nickname', nickname],
    ['RunAsDaemon', 0],
    ['Log', 'notice stdout'],
    ['Log', `notice file ${dataDir}/notice.log`],
    ['SafeLogging', 0],
    // "Tor won't build circuits until it has enough descriptors to construct that fraction of paths":
    // with a handful of relays, 2/3 is reachable while the last descriptors are still being fetched.
    ['PathsNeededToBuildCircuits', '0.67'],
    // The network has one /16; relays are told apart by port only.
    ['EnforceDistinctSubnets', 0],
    ...dirAuthorities.map((line): TorrcOption => ['DirAuthority', line]),
  ];
}

/** A node with an ORPort on 127.0.0.1 that publishes its descriptor at once (no reachability self-test). */
function relayBase(nickname: string, dataDir: string, dirAuthorities: readonly string[], orPort: number): TorrcOption[] {
  return [
    ...common(nickname, dataDir, dirAuthorities),
    ['Address', '127.0.0.1'],
    ['ORPort', `127.0.0.1:${orPort}`],
    ['AssumeReachable', 1],
    // Relays carry no local application traffic; the default SocksPort 9050 would collide between nodes.
    ['SocksPort', 0],
    ['ContactInfo', `${nickname} <workpass-test@localhost>`],
  ];
}

export interface AuthorityTorrc {
  nickname: string;
  dataDir: string;
  dirAuthorities: readonly string[];
  orPort: number;
  dirPort: number;
  voting: VotingSchedule;
  /** Fingerprints ("$HEX") of the nodes voted HSDir. */
  hsDirs: readonly string[];
}

export function authorityTorrc(a: AuthorityTorrc): TorrcOption[] {
  const { interval, voteDelay, distDelay } = a.voting;
  return [
    ...relayBase(a.nickname, a.dataDir, a.dirAuthorities, a.orPort),
    ['DirPort', `127.0.0.1:${a.dirPort}`],
    ['AuthoritativeDirectory', 1],
    ['V3AuthoritativeDirectory', 1],
    ['ExitPolicy', 'reject *:*'],
    ['V3AuthVotingInterval', interval],
    ['V3AuthVoteDelay', voteDelay],
    ['V3AuthDistDelay', distDelay],
    ['TestingV3AuthInitialVotingInterval', interval],
    ['TestingV3AuthInitialVoteDelay', voteDelay],
    ['TestingV3AuthInitialDistDelay', distDelay],
    // A consensus stays valid for two intervals, so a client that missed one vote keeps a live consensus.
    ['V3AuthNIntervalsValid', 2],
    // Every relay of this network gets the flags a path needs, without weeks of uptime.
    ['TestingDirAuthVoteGuard', '*'],
    ['TestingDirAuthVoteExit', '*'],
    // HSDir needs a directory cache; only the authorities are caches here (relays run DirCache 0).
    ['TestingDirAuthVoteHSDir', a.hsDirs.join(',')],
    ['TestingDirAuthVoteHSDirIsStrict', 1],
    ['TestingMinExitFlagThreshold', 0],
    ['AuthDirMaxServersPerAddr', 0],
  ];
}

export interface RelayTorrc {
  nickname: string;
  dataDir: string;
  dirAuthorities: readonly string[];
  orPort: number;
  exit: boolean;
}

export function relayTorrc(r: RelayTorrc): TorrcOption[] {
  const policy: TorrcOption[] = r.exit
    ? [
        ['ExitRelay', 1],
        // Loopback is "private": an exit refuses it unless told otherwise.
        ['ExitPolicyRejectPrivate', 0],
        ['ExitPolicyRejectLocalInterfaces', 0],
        ['ExitPolicy', 'accept 127.0.0.1:*'],
        ['ExitPolicy', 'reject *:*'],
        // An exit that has not fetched the consensus yet would refuse streams whose previous hop it
        // does not know ("open a stream from unknown relay") in the first seconds of the network.
        ['RefuseUnknownExits', 0],
      ]
    : [
        ['ExitRelay', 0],
        ['ExitPolicy', 'reject *:*'],
      ];
  return [
    ...relayBase(r.nickname, r.dataDir, r.dirAuthorities, r.orPort),
    ...policy,
    // Clients then fetch directory documents from the authorities only, which have them all from the
    // first consensus on; a relay cache that is still fetching answers 404 and the client backs off.
    ['DirCache', 0],
  ];
}

export interface ClientTorrc {
  nickname: string;
  dataDir: string;
  dirAuthorities: readonly string[];
}

/**
 * A client with a SOCKS port and a cookie-authenticated control port; tor picks both ports ("auto")
 * and the controller reads them from ControlPortWriteToFile and GETINFO net/listeners/socks.
 */
export function clientTorrc(c: ClientTorrc, controlPortFile: string): TorrcOption[] {
  return [
    ...common(c.nickname, c.dataDir, c.dirAuthorities),
    // ExtendedErrors: onion failures come back as SOCKS replies 0xF0..0xF7 instead of a bare 0x01.
    ['SocksPort', '127.0.0.1:auto ExtendedErrors'],
    ['ControlPort', '127.0.0.1:auto'],
    ['ControlPortWriteToFile', controlPortFile],
    ['CookieAuthentication', 1],
    // Microdescriptors summarise exit policies by port for public addresses only, so an exit that
    // accepts just 127.0.0.1 looks like "reject all"; full descriptors carry the real policy.
    ['UseMicrodescriptors', 0],
  ];
}

export interface OnionHostTorrc extends ClientTorrc {
  /** Holds the service's keys and its "hostname" file; kept across restarts, so the address is too. */
  hiddenServiceDir: string;
  ports: ReadonlyArray<{ readonly virtualPort: number; readonly target: number }>;
}

/**
 * A tor that only hosts one onion service, configured the way an operator's torrc does it
 * (docs/tor.md): HiddenServiceDir, then one HiddenServicePort line per port. No SOCKS port.
 */
export function onionHostTorrc(o: OnionHostTorrc, controlPortFile: string): TorrcOption[] {
  return [
    ...common(o.nickname, o.dataDir, o.dirAuthorities),
    ['SocksPort', 0],
    ['ControlPort', '127.0.0.1:auto'],
    ['ControlPortWriteToFile', controlPortFile],
    ['CookieAuthentication', 1],
    ['HiddenServiceDir', o.hiddenServiceDir],
    ...o.ports.map((p): TorrcOption => ['HiddenServicePort', `${p.virtualPort} 127.0.0.1:${p.target}`]),
  ];
}
