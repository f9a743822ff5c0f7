/**
 * Reads the current consensus from an authority's DirPort (dir-spec: GET
 * /tor/status-vote/current/consensus) and lists its routers with their flags, so the network can wait
 * for a consensus in which every node it started is Running (and every exit has the Exit flag) before
 * clients fetch it.
 */
import { get } from 'node:http';

export interface ConsensusRouter {
  readonly nickname: string;
  /** The "s" line's flags, e.g. Exit, Guard, HSDir, Running, Valid. */
  readonly flags: ReadonlySet<string>;
}

export interface Consensus {
  readonly validAfter: string;
  readonly routers: readonly ConsensusRouter[];
}

/** Parses the "valid-after", "r" and "s" lines of a network-status consensus (dir-spec 3.4.1). */
export function parseConsensus(text: string): Consensus {
  let validAfter = '';
  const routers: ConsensusRouter[] = [];
  let current: { nickname: string; flags: Set<string> } | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('valid-after ')) validAfter = line.slice('valid-after '.length).trim();
    else if (line.startsWith('r ')) {
      const nickname = line.split(' ')[1] ?? '';
      current = { nickname, flags: new Set() };
      routers.push(current);
    } else if (line.startsWith('s ') && current !== undefined) {
      for (const flag of line.slice(2).trim().split(' ')) if (flag !== '') current.flags.add(flag);
    }
  }
  return { validAfter, routers };
}

/** GETs the consensus from 127.0.0.1:dirPort; undefined while the authority has none yet (404). */
export function fetchConsensus(dirPort: number, timeoutMs: number): Promise<Consensus | undefined> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port: dirPort, path: '/tor/status-vote/current/consensus', timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        if (res.statusCode === 404) resolve(undefined);
        else if (res.statusCode !== 200) reject(new Error(`consensus from DirPort ${dirPort}: HTTP ${res.statusCode}`));
        else resolve(parseConsensus(Buffer.concat(chunks).toString('utf8')));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`consensus from DirPort ${dirPort}: timed out`)));
    req.on('error', reject);
  });
}

/** Names from `want` that are missing from the consensus or lack one of `flags`. */
export function missingRouters(c: Consensus, want: readonly string[], flags: readonly string[]): string[] {
  const byName = new Map(c.routers.map((r) => [r.nickname, r]));
  return want.filter((name) => {
    const r = byName.get(name);
    return r === undefined || flags.some((f) => !r.flags.has(f));
  });
}
