import { DAY_MS, DEFAULT_GRACE_MS, parseDay, utcDay, type Day } from '../../core/tickets/index.js';
import { InputError } from '../../core/util/errors.js';
import type { Store } from '../store/store.js';

/**
 * Carrying a change of ticketHours (the grace of our tickets) across a restart, so that a spend
 * stays in the spent set for as long as its ticket verifies under the new grace.
 *
 * Raised from `before` to `graceMs` at `now`:
 *   - spends still held (their tickets had not expired yet) are extended by the difference, and so
 *     are our ticket keys' expiry (the store drops a key, and the descriptor stops listing it, then);
 *   - tickets that had already expired under `before` may have had their spends pruned: they must
 *     not come back to life. Their days are those up to utcDay(now - before - 1 day); the latest
 *     such day is kept (meta `gateway.expiredThrough`, only ever raised) and our tickets of days up
 *     to it are refused as expired whatever the grace.
 * Lowered: spends keep their longer expiry (harmless); key expiry follows the new grace.
 * Either way our tickets' log rows move by the difference, so each still reads as the end of its
 * day + the current grace (the dashboard derives the ticket's day from that).
 * Returns the day through which our tickets stay expired, or null.
 */
export function carryGraceChange(store: Store, graceMs: number, now: number, ownKeyIds: readonly string[]): Day | null {
  if (!Number.isSafeInteger(graceMs) || graceMs < 0 || graceMs % 1000 !== 0) throw new InputError('graceMs', 'expected a non-negative whole number of seconds, in ms');
  if (!Number.isSafeInteger(now) || now < 0) throw new InputError('now', 'expected ms since 1970');
  const kept = store.meta('gateway.expiredThrough');
  let expiredThrough = kept === undefined ? null : parseDay('gateway.expiredThrough', kept);
  const stored = store.meta('gateway.graceMs');
  // A store without the value was last used by a gateway that counted the 48 h default.
  const before = stored === undefined ? DEFAULT_GRACE_MS : Number(stored);
  if (!Number.isSafeInteger(before) || before < 0) throw new InputError('gateway.graceMs', 'stored value is not a grace in ms');
  if (before === graceMs) {
    if (stored === undefined) store.setMeta('gateway.graceMs', String(graceMs));
    return expiredThrough;
  }
  const deltaMs = graceMs - before;
  const own = JSON.stringify(ownKeyIds);
  store.db.transaction(() => {
    if (deltaMs > 0) {
      store.db.prepare('UPDATE spent SET expires_at = expires_at + ?').run(deltaMs);
      const cut = utcDay(now - before - DAY_MS);
      if (expiredThrough === null || cut > expiredThrough) expiredThrough = cut;
      store.setMeta('gateway.expiredThrough', expiredThrough);
    }
    store.db.prepare("UPDATE keys SET expires_at = issue_until + ? WHERE kind = 'ticket'").run(graceMs);
    for (const table of ['exchange_log', 'exchange_remote']) {
      store.db.prepare(`UPDATE ${table} SET expires_at = expires_at + ? WHERE issuer IN (SELECT value FROM json_each(?))`).run(deltaMs / 1000, own);
    }
    store.setMeta('gateway.graceMs', String(graceMs));
  }).immediate();
  return expiredThrough;
}
