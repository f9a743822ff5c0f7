import type { Store } from '../store/store.js';
import type { SpentStore } from './ledger.js';

/**
 * The relay store's spent set as the ledger's SpentStore. The ledger works in unix seconds; the
 * relay store keeps times in milliseconds (Date.now(), which its prune(now) is called with).
 */
export function relaySpentStore(store: Pick<Store, 'spendOnce'>): SpentStore {
  return { spendOnce: (spendId, expiresAtSeconds) => store.spendOnce(spendId, expiresAtSeconds * 1000) };
}
