import type { DescriptorBody } from './descriptor.js';

/**
 * The ticket price a session mining `algorithm` pays at a relay (docs/protocol.md, "The
 * descriptor"): its `algorithms` entry's price, else tickets.price; undefined when the relay lists
 * no such algorithm. The decoder has checked that entries of one algorithm agree on it.
 */
export function algorithmPrice(d: Pick<DescriptorBody, 'algorithms' | 'tickets'>, algorithm: string): number | undefined {
  const entry = d.algorithms.find((a) => a.name === algorithm);
  return entry === undefined ? undefined : (entry.price ?? d.tickets.price);
}
