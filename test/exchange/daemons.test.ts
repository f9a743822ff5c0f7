import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SigningKey, utcDay } from '../../src/core/tickets/index.js';
import { parseChallenges } from '../../src/relay/gateway/auth-scheme.js';
import { mintTicket, seededRandom } from '../gateway/fixtures.js';
import { get, startBackend, type Backend } from '../gateway/http.js';
import { exited } from '../relay/helpers.js';

/**
 * Protocol 2 with two real daemon processes (`workpass relay`, spawned from source) on loopback:
 * R2 is R1's backup. Each runs a gateway in front of the same local backend and an exchange
 * endpoint; partners' exchange keys and R1's ticket public key are pinned in config files.
 */
const runRelay = fileURLToPath(new URL('./fixtures/run-relay.ts', import.meta.url));
const today = utcDay(Date.now());
const rand = seededRandom('daemons');

interface Daemon {
  child: ChildProcess;
  lines: Map<string, string>;
}

interface Node {
  readonly name: string;
  readonly dir: string;
  readonly exchangePort: number;
  readonly gatewayPort: number;
  config?: string;
  daemon?: Daemon;
}

const children = new Set<ChildProcess>();
let backend: Backend;
let r1: Node;
let r2: Node;
let r1Ticket: SigningKey;

/**
 * A port for a daemon that is stopped and started again on it (partners pin each other's URLs).
 * Below the kernel's ephemeral range where there is one: no other test's listen(0) and no outgoing
 * connection's source port can take it while the daemon is down.
 */
async function freePort(): Promise<number> {
  const low = ephemeralLow();
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = low === undefined ? 0 : 10_000 + Math.floor(Math.random() * (low - 10_000));
    const s = createNetServer();
    const bound = await new Promise<boolean>((r) => {
      s.once('error', () => r(false));
      s.listen(port, '127.0.0.1', () => r(true));
    });
    if (!bound) continue;
    const got = (s.address() as AddressInfo).port;
    await new Promise((r) => s.close(r));
    return got;
  }
  throw new Error('no free port');
}

function ephemeralLow(): number | undefined {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isSafeInteger(low) && low > 11_000 ? low : undefined;
  } catch {
    return undefined;
  }
}

function start(node: Node): Promise<Daemon> {
  const args = ['--import', 'tsx', runRelay, '--ws', '127.0.0.1:0', '--stratum', '127.0.0.1:0', '--http', '127.0.0.1:0',
    '--data-dir', node.dir, '--gateway', `127.0.0.1:${node.gatewayPort}`, '--backend', `http://127.0.0.1:${backend.port}`,
    '--exchange', `127.0.0.1:${node.exchangePort}`, '--log-level', 'silent', ...(node.config === undefined ? [] : ['--config', node.config])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('ready\n')) {
        const lines = new Map(out.trim().split('\n').map((l) => l.split(' ', 2) as [string, string]));
        node.daemon = { child, lines };
        resolve(node.daemon);
      }
    });
    child.once('exit', (code) => {
      children.delete(child);
      if (!out.includes('ready\n')) reject(new Error(`${node.name} exited early (${code}): ${out}`));
    });
  });
}

async function stop(node: Node): Promise<void> {
  const child = node.daemon!.child;
  node.daemon = undefined;
  const done = exited(child);
  child.kill('SIGTERM');
  await done;
}

/** Reads a daemon's store with a second, read-only connection (WAL lets it run beside the daemon). */
function query<T>(node: Node, sql: string, ...params: unknown[]): T {
  const db = new Database(join(node.dir, 'relay.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).get(...params) as T;
  } finally {
    db.close();
  }
}

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const spend = (node: Node, ticket: string) => get(node.gatewayPort, '/page', { authorization: `WorkpassTicket token="${ticket}"` });
const errorOf = (r: { headers: Record<string, unknown> }) => {
  const errors = new Set(parseChallenges(String(r.headers['www-authenticate'])).map((c) => c.params.get('error')));
  expect(errors.size).toBe(1);
  return [...errors][0];
};
const pulled = (node: Node) => query<{ n: number }>(node, 'SELECT COUNT(*) AS n FROM exchange_remote').n;

beforeAll(async () => {
  backend = await startBackend();
  const mk = async (name: string): Promise<Node> => ({ name, dir: mkdtempSync(join(tmpdir(), `workpass-${name}-`)), exchangePort: await freePort(), gatewayPort: await freePort() });
  r1 = await mk('r1');
  r2 = await mk('r2');
  // First start: each daemon makes its keys; read the exchange key it prints and R1's ticket key.
  const [d1, d2] = await Promise.all([start(r1), start(r2)]);
  const desc1 = (await (await fetch(d1.lines.get('descriptor')!)).json()) as { tickets: { keys: Array<{ publicKey: string }> } };
  const ticketKey = desc1.tickets.keys[0]!.publicKey;
  const secret = query<{ secret: Buffer }>(r1, "SELECT secret FROM keys WHERE kind = 'ticket' ORDER BY created_at DESC LIMIT 1").secret;
  r1Ticket = SigningKey.fromBytes(new Uint8Array(secret));
  expect(r1Ticket.publicKey.toText()).toBe(ticketKey);
  const k1 = d1.lines.get('exchange-key')!;
  const k2 = d2.lines.get('exchange-key')!;
  await Promise.all([stop(r1), stop(r2)]);

  const write = (node: Node, partner: object) => {
    node.config = join(node.dir, 'config.json');
    writeFileSync(node.config, JSON.stringify({ exchange: { syncSeconds: 1, partners: [partner] } }));
  };
  write(r1, { publicKey: k2, url: `http://127.0.0.1:${r2.exchangePort}`, ticketKeys: [], trustLimit: 100, paymentEvery: 10 });
  write(r2, { publicKey: k1, url: `http://127.0.0.1:${r1.exchangePort}`, ticketKeys: [ticketKey], trustLimit: 4, paymentEvery: 2 });
  await Promise.all([start(r1), start(r2)]);
  // R2 takes R1's tickets only for the days R1's signed descriptor lists (fetched at sync, kept in the store).
  await until("R2 to hold R1's descriptor", () => query<{ n: number }>(r2, 'SELECT COUNT(*) AS n FROM meta WHERE name = ?', `exchange.descriptor.${k1}`).n === 1);
}, 120_000);

afterAll(async () => {
  await Promise.all([...children].map((c) => {
    const done = exited(c);
    c.kill('SIGKILL');
    return done;
  }));
  await backend?.close();
  for (const n of [r1, r2]) if (n !== undefined) rmSync(n.dir, { recursive: true, force: true });
});

describe('Protocol 2 between two daemon processes', () => {
  it('R2 takes R1 tickets; after sync R1 refuses a ticket spent at R2; PAYMENT_REQUEST every 2', async () => {
    const a = mintTicket(r1Ticket, today, rand);
    const b = mintTicket(r1Ticket, today, rand);
    expect((await spend(r2, a)).status).toBe(200);
    expect((await spend(r2, b)).status).toBe(200);
    await until('R1 to pull both spends from R2', () => pulled(r1) >= 2);
    const refused = await spend(r1, a);
    expect(refused.status).toBe(401);
    expect(errorOf(refused)).toBe('ticket_spent');
    await until('the payment request to reach R1', () => query<{ n: number }>(r1, "SELECT COUNT(*) AS n FROM exchange_payments WHERE direction = 'in'").n === 1);
    expect(query(r1, "SELECT id, tickets, first_seq AS firstSeq, last_seq AS lastSeq FROM exchange_payments WHERE direction = 'in'")).toEqual({ id: 1, tickets: 2, firstSeq: 1, lastSeq: 2 });
    // The claimed spends (R2's log seqs 1..2) are the ones R1 pulled.
    expect(query(r1, 'SELECT COUNT(*) AS n FROM exchange_remote WHERE seq BETWEEN 1 AND 2')).toEqual({ n: 2 });
    // R2 marks it delivered when R1's answer comes back, which can be after R1 stored it.
    await until('R1 to acknowledge the payment request', () => query<{ delivered: number } | undefined>(r2, "SELECT delivered FROM exchange_payments WHERE direction = 'out'")?.delivered === 1);
    expect(query(r2, "SELECT id, tickets, delivered FROM exchange_payments WHERE direction = 'out'")).toEqual({ id: 1, tickets: 2, delivered: 1 });
  });

  // Two stops and two starts from source: 1-3 s each on a loaded machine, plus sync rounds.
  it('a ticket spent at both during a partition is found at sync, charged against R1, and R2 stops at the trust limit', { timeout: 90_000 }, async () => {
    const c = mintTicket(r1Ticket, today, rand);
    await stop(r2);
    expect((await spend(r1, c)).status).toBe(200);
    await stop(r1);
    await start(r2);
    expect((await spend(r2, c)).status).toBe(200);
    await start(r1);
    await until('R2 to find the double spend', () => query<{ conflicts: number }>(r2, 'SELECT conflicts FROM exchange_partners').conflicts === 1);
    await until('R1 to find the double spend', () => query<{ n: number }>(r1, 'SELECT COUNT(*) AS n FROM exchange_conflicts').n === 1);
    // R2 served 3 of R1's tickets, none paid, plus one double spend: 4 = the trust limit.
    expect(query(r2, 'SELECT served, paid, conflicts FROM exchange_partners')).toEqual({ served: 3, paid: 0, conflicts: 1 });
    const d = await spend(r2, mintTicket(r1Ticket, today, rand));
    expect(d.status).toBe(401);
    expect(errorOf(d)).toBe('issuer_untrusted');
    // R1's own gateway still takes it.
    expect((await spend(r1, mintTicket(r1Ticket, today, rand))).status).toBe(200);
  });
});
