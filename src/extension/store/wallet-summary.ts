import type { WalletSummary } from '../messages.js';
import type { Wallet } from './wallet.js';

/** Per-relay spendable ticket counts and the earliest expiry, for the pages. */
export function summarize(w: Wallet, now: number): WalletSummary {
  const by = new Map<string, { tickets: number; nextExpiry: number }>();
  for (const t of w.tickets) {
    if (t.expiresAt <= now) continue;
    const cur = by.get(t.relay) ?? { tickets: 0, nextExpiry: Infinity };
    by.set(t.relay, { tickets: cur.tickets + 1, nextExpiry: Math.min(cur.nextExpiry, t.expiresAt) });
  }
  return { relays: [...by].map(([relay, v]) => ({ relay, ...v })), pending: w.pending.length };
}
