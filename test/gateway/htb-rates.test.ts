import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { allocate, type HtbClassSpec } from '../../src/core/htb/index.js';
import { utcDay } from '../../src/core/tickets/index.js';
import { BYTES_PER_MBIT, FIG1_PAID, fig1Tree, gatewayClasses } from '../../src/relay/gateway/classes.js';
import { Redeemer } from '../../src/relay/gateway/redeem.js';
import { startGateway, type GatewayHandle } from '../../src/relay/gateway/server.js';
import { SessionKey } from '../../src/relay/gateway/session-token.js';
import { mintTicket, relayFixture, seededRandom, type RelayFixture } from './fixtures.js';
import { get, startBackend, type Backend } from './http.js';
import { steppedClock } from './stepped-clock.js';

/**
 * Rates of our HTB pacer measured on real sockets over loopback: a gateway with an 8 Mbit/s link
 * shaped like the paper's Fig. 1, downloads competing in the free and paid classes. Each measured
 * rate is compared with the allocator's steady-state answer for the same demands, as a ratio.
 * Rates are bytes per second of a stepped pacer clock (see steppedClock: under two CPU hogs the
 * system clock gave group4 1.3-1.9x its allocation, HTB lending group1's share away during stalls).
 */
const LINK_MBIT = 8;
const WARMUP_MS = 800;
const WINDOW_MS = 3000;
const { clock, stop: stopClock } = steppedClock();
const today = utcDay(Date.now());
const rand = seededRandom('htb-rates');
let relay: RelayFixture;
let backend: Backend;
let gw: GatewayHandle;

beforeAll(async () => {
  relay = relayFixture('htb', today);
  backend = await startBackend();
  gw = await startGateway({
    host: '127.0.0.1',
    port: 0,
    backend: `http://127.0.0.1:${backend.port}`,
    classes: gatewayClasses(fig1Tree(LINK_MBIT), 'free', FIG1_PAID),
    redeemer: new Redeemer(relay.keyring, relay.ledger([])),
    sessionKey: new SessionKey(rand(32)),
    sessionSeconds: 600,
    issuers: () => [{ issuer: relay.key.publicKey.keyIdHex() }],
    random: rand,
    clock,
  });
});

afterAll(async () => {
  stopClock();
  await gw.close();
  await backend.close();
  relay.close();
});

/** A session token in paid tier `tier` (0 = group4 ... 3 = group1), bought with tier + 1 tickets. */
async function sessionFor(tier: number): Promise<string> {
  let session: string | undefined;
  for (let i = 0; i <= tier; i++) {
    const t = mintTicket(relay.key, today, rand);
    const params = session === undefined ? `token="${t}"` : `token="${t}", session="${session}"`;
    const r = await get(gw.address.port, '/', { authorization: `WorkpassTicket ${params}` });
    expect(r.status).toBe(200);
    session = /^([A-Za-z0-9_-]+);/.exec(String(r.headers['workpass-session']))![1]!;
  }
  return session!;
}

/** Starts downloads at once; returns bytes/s each received during [WARMUP, WARMUP + WINDOW] (pacer clock). */
function measure(downloads: Array<{ auth?: string }>): Promise<number[]> {
  const start = clock.now();
  const from = start + WARMUP_MS;
  const to = from + WINDOW_MS;
  const size = Math.ceil(((LINK_MBIT * BYTES_PER_MBIT) * (WARMUP_MS + WINDOW_MS + 2000)) / 1000);
  return Promise.all(
    downloads.map(
      (d) =>
        new Promise<number>((resolve, reject) => {
          let counted = 0;
          const headers = d.auth === undefined ? {} : { authorization: `WorkpassTicket session="${d.auth}"` };
          const req = request({ host: '127.0.0.1', port: gw.address.port, path: `/bytes/${size}`, headers, agent: false }, (res) => {
            res.on('data', (c: Buffer) => {
              const now = clock.now();
              if (now >= from && now < to) counted += c.length;
              if (now >= to) {
                req.destroy();
                resolve(counted / (WINDOW_MS / 1000));
              }
            });
            res.on('end', () => reject(new Error('download ended before the window closed')));
          });
          req.on('error', (err) => {
            if (clock.now() < to) reject(err);
          });
          req.end();
        }),
    ),
  );
}

function expected(demands: Record<string, number | undefined>): Map<string, number> {
  const spec = fig1Tree(LINK_MBIT);
  const withDemand = (c: HtbClassSpec): HtbClassSpec =>
    c.children !== undefined ? { ...c, children: c.children.map(withDemand) } : c.name in demands ? c : { ...c, demand: 0 };
  return new Map([...allocate(withDemand(spec))].map(([k, v]) => [k, v * BYTES_PER_MBIT]));
}

describe('HTB pacing over real sockets (8 Mbit/s link, Fig. 1 shape)', () => {
  it('free and paid competing: each class gets its allocation within 10%, free at least its guarantee', async () => {
    const g1 = await sessionFor(3);
    const g4 = await sessionFor(0);
    const [free, group1, group4] = await measure([{}, { auth: g1 }, { auth: g4 }]);
    const want = expected({ free: undefined, group1: undefined, group4: undefined });
    const freeGuarantee = 0.2 * LINK_MBIT * BYTES_PER_MBIT;
    expect(free! / want.get('free')!).toBeGreaterThan(0.9);
    expect(free! / want.get('free')!).toBeLessThan(1.1);
    expect(free!).toBeGreaterThan(freeGuarantee * 0.95);
    expect(group1! / want.get('group1')!).toBeGreaterThan(0.9);
    expect(group1! / want.get('group1')!).toBeLessThan(1.1);
    expect(group4! / want.get('group4')!).toBeGreaterThan(0.9);
    expect(group4! / want.get('group4')!).toBeLessThan(1.1);
  });

  it('every class backlogged: each paid group gets its guaranteed rate within 10%', async () => {
    const sessions = await Promise.all([3, 2, 1, 0].map(sessionFor));
    const rates = await measure([{}, ...sessions.map((s) => ({ auth: s }))]);
    const guaranteed = [0.2, 0.4, 0.2, 0.15, 0.05].map((f) => f * LINK_MBIT * BYTES_PER_MBIT);
    for (let i = 0; i < rates.length; i++) {
      expect(rates[i]! / guaranteed[i]!).toBeGreaterThan(0.9);
      expect(rates[i]! / guaranteed[i]!).toBeLessThan(1.1);
    }
  });

  it('paid idle: free borrows up to its ceil and no further', async () => {
    const [free] = await measure([{}]);
    const ceil = 0.4 * LINK_MBIT * BYTES_PER_MBIT;
    expect(free! / ceil).toBeGreaterThan(0.9);
    expect(free! / ceil).toBeLessThan(1.1);
  });
});
