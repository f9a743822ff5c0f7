import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, SigningKey, addDays, startOfDay } from '../../src/core/tickets/index.js';
import { mintTicket, seededRandom } from './fixtures.js';
import { startBackend, type Backend } from './http.js';
import { errorOf, startNode, type ServicesNode } from './services-fixture.js';
import { get } from './http.js';
import { startTestRelay } from '../relay/helpers.js';

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

  it('does not revive tickets that had expired (and whose spends were pruned) before a restart raised ticketHours', async () => {
    clock = startOfDay(DAY) + 12 * H;
    const first = await start(48 * H);
    const t = mintTicket(key, DAY, rand);
    expect((await first.spend(t)).status).toBe(200);
    const later = addDays(DAY, 2);
    const u = mintTicket(key, later, rand);
    // A key row as the issuer writes it: expires at the end of its last day + the grace.
    const issueUntil = startOfDay(addDays(DAY, 6)) + DAY_MS;
    first.store.insertKey({ keyId: 'k', kind: 'ticket', secret: new Uint8Array(32), public: new Uint8Array(32), createdAt: startOfDay(DAY), issueUntil, expiresAt: issueUntil + 48 * H });
    clock = endOfDay + 50 * H;
    first.store.prune(clock, 0);
    expect((first.store.db.prepare('SELECT COUNT(*) AS n FROM spent').get() as { n: number }).n).toBe(0);
    await first.stop();
    nodes.splice(nodes.indexOf(first), 1);

    const again = await start(96 * H, first.dir);
    const replay = await again.spend(t);
    expect(replay.status).toBe(401);
    expect(errorOf(replay)).toBe('ticket_expired');
    expect(errorOf(await again.spend(mintTicket(key, DAY, rand)))).toBe('ticket_expired');
    // A day whose tickets had not expired takes the new grace.
    clock = startOfDay(later) + DAY_MS + 60 * H;
    expect((await again.spend(u)).status).toBe(200);
    expect((again.store.db.prepare("SELECT expires_at AS e FROM keys WHERE key_id = 'k'").get() as { e: number }).e).toBe(issueUntil + 96 * H);
    // Kept across a further restart.
    await again.stop();
    nodes.splice(nodes.indexOf(again), 1);
    const third = await start(96 * H, first.dir);
    expect(errorOf(await third.spend(t))).toBe('ticket_expired');
  });
});

describe('ticketHours through the daemon', () => {
  it('the relay daemon passes ticketHours to its gateway: a replay past 48 h is refused as spent, a fresh ticket is taken', async () => {
    clock = startOfDay(DAY) + 12 * H;
    const t = await startTestRelay({ gateway: '127.0.0.1:0', backend: `http://127.0.0.1:${backend.port}` }, { now }, { ticketHours: 96 });
    try {
      const { relay } = t;
      expect(relay.descriptor().tickets.graceHours).toBe(96);
      const row = relay.store.db.prepare("SELECT secret FROM keys WHERE kind = 'ticket'").get() as { secret: Buffer };
      const own = SigningKey.fromBytes(new Uint8Array(row.secret));
      const port = relay.services.gateway!.address.port;
      const spend = (ticket: string) => get(port, '/page', { authorization: `WorkpassTicket token="${ticket}"` });
      const ticket = mintTicket(own, DAY, rand);
      expect((await spend(ticket)).status).toBe(200);
      clock = endOfDay + 60 * H;
      relay.store.prune(clock, 0);
      expect(errorOf(await spend(ticket))).toBe('ticket_spent');
      expect((await spend(mintTicket(own, DAY, rand))).status).toBe(200);
      clock = endOfDay + 96 * H;
      expect(errorOf(await spend(ticket))).toBe('ticket_expired');
    } finally {
      await t.stop();
    }
  });
});
