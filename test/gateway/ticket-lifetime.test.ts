import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, SigningKey, addDays, startOfDay } from '../../src/core/tickets/index.js';
import { mintTicket, seededRandom } from './fixtures.js';
import { startBackend, type Backend } from './http.js';
import { errorOf, startNode, type ServicesNode } from './services-fixture.js';

/**
 * The gateway takes our tickets for the configured lifetime (ticketHours), not the 48 h default,
 * and keeps each spend at least as long as its ticket verifies: a replay after pruning is refused.
 */
const DAY = '2026-11-20';
const H = 3_600_000;
const endOfDay = startOfDay(DAY) + DAY_MS;
const rand = seededRandom('ticket-lifetime');
const key = SigningKey.generate(seededRandom('ticket-lifetime/key'));
let clock = startOfDay(DAY) + 12 * H;
const now = () => clock;
let backend: Backend;
const nodes: ServicesNode[] = [];

beforeAll(async () => {
  backend = await startBackend();
});
afterEach(async () => {
  for (const n of nodes.splice(0)) await n.close();
});
afterAll(async () => {
  await backend.close();
});

const start = async (graceMs: number, dir?: string) => {
  const n = await startNode({ name: 'lifetime', key, firstDay: DAY, lastDay: addDays(DAY, 6), graceMs, backendPort: backend.port, now, secret: rand(32), ...(dir === undefined ? {} : { dir }) });
  nodes.push(n);
  return n;
};
const spentRows = (n: ServicesNode) => (n.store.db.prepare('SELECT COUNT(*) AS n FROM spent').get() as { n: number }).n;

describe('ticket lifetime at the gateway (ticketHours = 96)', () => {
  it('refuses a replay as spent past the old 48 h default and after pruning, then as expired at its configured expiry', async () => {
    clock = startOfDay(DAY) + 12 * H;
    const n = await start(96 * H);
    const t = mintTicket(key, DAY, rand);
    expect((await n.spend(t)).status).toBe(200);

    clock = endOfDay + 60 * H;
    n.store.prune(clock, 0);
    const replay = await n.spend(t);
    expect(replay.status).toBe(401);
    expect(errorOf(replay)).toBe('ticket_spent');
    // A fresh ticket of the same day is still good: our tickets verify for 96 h.
    expect((await n.spend(mintTicket(key, DAY, rand))).status).toBe(200);

    clock = endOfDay + 96 * H - 1;
    n.store.prune(clock, 0);
    expect(errorOf(await n.spend(t))).toBe('ticket_spent');

    clock = endOfDay + 96 * H;
    const late = await n.spend(t);
    expect(late.status).toBe(401);
    expect(errorOf(late)).toBe('ticket_expired');
    expect(spentRows(n)).toBe(2);
    n.store.prune(clock, 0);
    expect(spentRows(n)).toBe(0);
    expect(errorOf(await n.spend(t))).toBe('ticket_expired');
  });

  it('extends spends recorded under a smaller ticketHours when a restart raises it', async () => {
    clock = startOfDay(DAY) + 12 * H;
    const first = await start(48 * H);
    const t = mintTicket(key, DAY, rand);
    expect((await first.spend(t)).status).toBe(200);
    await first.stop();
    nodes.splice(nodes.indexOf(first), 1);

    const again = await start(96 * H, first.dir);
    clock = endOfDay + 60 * H;
    again.store.prune(clock, 0);
    expect(errorOf(await again.spend(t))).toBe('ticket_spent');
    // The log row moved too, so the dashboard still finds the ticket's day from it.
    const row = again.store.db.prepare('SELECT expires_at AS e FROM exchange_log').get() as { e: number };
    expect(row.e * 1000).toBe(endOfDay + 96 * H);
  });
});
