import type { Descriptor } from '../../core/protocol/descriptor.js';
import { relayEntry, type Settings } from '../store/settings.js';
import type { TypedStore } from '../store/typed-store.js';
import { fetchDescriptor, type FetchLike } from './descriptor-fetch.js';

/**
 * Fetches a known relay's descriptor again from where it was added (its descriptor key pinned) and
 * stores it, e.g. when the relay signs with a ticket key published after the relay was added.
 */
export async function refreshRelay(settings: TypedStore<Settings>, fetchFn: FetchLike, endpoint: string): Promise<Descriptor> {
  const entry = (await settings.get()).relays.find((r) => r.endpoint === endpoint);
  if (entry === undefined) throw new Error('relay no longer configured');
  const d = await fetchDescriptor(fetchFn, entry.descriptorUrl, entry.descriptor.descriptorKey);
  if (d.endpoints.ws !== endpoint) throw new Error('the relay moved its mining endpoint; add it again');
  await settings.update((s) => ({
    ...s,
    relays: s.relays.map((r) => (r.endpoint === endpoint ? relayEntry(entry.descriptorUrl, d) : r)),
  }));
  return d;
}
