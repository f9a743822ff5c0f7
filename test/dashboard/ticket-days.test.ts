import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_GRACE_MS, ticketExpiresAt } from '../../src/core/tickets/index.js';
import { TicketDays } from '../../src/relay/dashboard/ticket-days.js';
import { Store } from '../../src/relay/store/store.js';

const OWN = 'aa'.repeat(32);
const PARTNER = 'bb'.repeat(32);
const stores: Array<{ store: Store; dir: string }> = [];
function store(dir = mkdtempSync(join(tmpdir(), 'workpass-dash-days-'))): Store {
  const s = new Store(dir);
  stores.push({ store: s, dir });
  return s;
}
afterEach(() => {
  for (const { store: s, dir } of stores.splice(0)) {
    s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

const at = (iso: string) => Date.parse(iso);
/** A spend as the gateway records it: expires_at = ceil(expiry of the ticket's day / 1000). */
function spend(s: Store, n: number, ticketDay: string, issuer: string, spentAtIso: string, table: 'exchange_log' | 'exchange_remote' = 'exchange_log', graceMs = DEFAULT_GRACE_MS): void {
  const e = Math.ceil(ticketExpiresAt(ticketDay, graceMs) / 1000);
  for (let i = 0; i < n; i++) {
    const id = createHash('sha256').update(`${table} ${ticketDay} ${issuer} ${spentAtIso} ${i}`).digest();
    if (table === 'exchange_log') s.db.prepare('INSERT INTO exchange_log (spend_id, issuer, expires_at, spent_at) VALUES (?, ?, ?, ?)').run(id, issuer, e, at(spentAtIso) / 1000);
    else s.db.prepare("INSERT INTO exchange_remote (partner, seq, spend_id, issuer, expires_at, spent_at) VALUES ('p', ?, ?, ?, ?, ?)").run(i, id, issuer, e, at(spentAtIso) / 1000);
  }
}
function issue(s: Store, day: string, n: number): void {
  s.db.prepare('INSERT INTO issued (day, key_id, count) VALUES (?, ?, ?)').run(day, OWN, n);
}
const isOwn = (issuer: string) => issuer !== PARTNER;

describe('tickets per day', () => {
  it('counts issued, spent here per calendar day and expired-unspent once a day has expired', () => {
    const s = store();
    issue(s, '2026-11-20', 10);
    issue(s, '2026-11-23', 4);
    spend(s, 3, '2026-11-20', OWN, '2026-11-21T10:00:00Z');
    spend(s, 2, '2026-11-20', OWN, '2026-11-22T10:00:00Z', 'exchange_remote'); // spent at a partner
    spend(s, 5, '2026-11-21', PARTNER, '2026-11-22T11:00:00Z'); // a partner's tickets served here
    spend(s, 1, '2026-11-23', OWN, '2026-11-23T12:00:00Z');
    const days = new TicketDays(s, isOwn, DEFAULT_GRACE_MS).update(at('2026-11-23T18:00:00Z'), 5);
    expect(days).toEqual([
      { day: '2026-11-23', issued: 4, spent: 1, expired: null },
      { day: '2026-11-22', issued: 0, spent: 5, expired: null },
      { day: '2026-11-21', issued: 0, spent: 3, expired: null },
      // 2026-11-20's tickets expired at 2026-11-23T00:00Z (end of day + 48 h): 10 - 3 here - 2 at a partner.
      { day: '2026-11-20', issued: 10, spent: 0, expired: 5 },
      { day: '2026-11-19', issued: 0, spent: 0, expired: 0 },
    ]);
  });

  it('keeps its tallies when the spend rows are pruned and across restarts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'workpass-dash-days-'));
    const s = store(dir);
    issue(s, '2026-11-20', 10);
    spend(s, 4, '2026-11-20', OWN, '2026-11-21T10:00:00Z');
    const before = new TicketDays(s, isOwn, DEFAULT_GRACE_MS).update(at('2026-11-22T12:00:00Z'), 3);
    expect(before.find((d) => d.day === '2026-11-21')!.spent).toBe(4);
    expect(before.find((d) => d.day === '2026-11-20')!.expired).toBeNull();
    // The relay prunes spends once their tickets expire.
    s.db.prepare('DELETE FROM exchange_log').run();
    const later = new TicketDays(s, isOwn, DEFAULT_GRACE_MS).update(at('2026-11-23T12:00:00Z'), 4);
    expect(later.find((d) => d.day === '2026-11-21')!.spent).toBe(4);
    expect(later.find((d) => d.day === '2026-11-20')!.expired).toBe(6);
  });

  it('counts with the configured ticket lifetime, not the 48 h default', () => {
    const grace = 96 * 3_600_000;
    const s = store();
    issue(s, '2026-11-20', 10);
    spend(s, 3, '2026-11-20', OWN, '2026-11-21T10:00:00Z', 'exchange_log', grace);
    spend(s, 2, '2026-11-20', OWN, '2026-11-23T10:00:00Z', 'exchange_remote', grace);
    // Past the default expiry (2026-11-23T00:00Z) but before the configured one (2026-11-25T00:00Z).
    const mid = new TicketDays(s, isOwn, grace).update(at('2026-11-24T12:00:00Z'), 5);
    expect(mid.find((d) => d.day === '2026-11-20')).toEqual({ day: '2026-11-20', issued: 10, spent: 0, expired: null });
    // Every spend is attributed to its ticket's day (2026-11-20), none to 2026-11-18.
    expect(new TicketDays(s, isOwn, grace).update(at('2026-11-25T00:00:00Z'), 8).filter((d) => d.expired !== null && d.expired > 0)).toEqual([
      { day: '2026-11-20', issued: 10, spent: 0, expired: 5 },
    ]);
    expect(() => new TicketDays(s, isOwn, -1)).toThrow(/graceMs/);
  });

  it('ignores a damaged kept value instead of failing', () => {
    for (const bad of ['{', '[]', '{"2026-11-20":{"spent":"x","spentOwn":1}}', '{"nope":{"spent":1,"spentOwn":1}}', 'null']) {
      const s = store();
      s.setMeta('dashboard.ticketDays', bad);
      issue(s, '2026-11-20', 2);
      expect(new TicketDays(s, isOwn, DEFAULT_GRACE_MS).update(at('2026-11-25T00:00:00Z'), 6).find((d) => d.day === '2026-11-20')!.expired).toBe(2);
    }
  });
});
