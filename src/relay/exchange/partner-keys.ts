import { decodeDescriptor, verifyDescriptor, type Descriptor } from '../../core/protocol/descriptor.js';
import { DEFAULT_SKEW_MS, ticketExpiresAt, utcDay, type Day, type KeyLookup, type PublicKey } from '../../core/tickets/index.js';
import { base64urlToBytes, bytesToBase64url, bytesToHex, equalBytes, hexToBytes } from '../../core/util/bytes.js';
import { InputError } from '../../core/util/errors.js';
import type { PartnerConfig } from './config.js';

/**
 * The partners' pinned ticket keys, bounded by the partners' own signed descriptors.
 *
 * The config pins bare public keys (no days). A pinned key takes tickets only of the days the
 * partner's latest signed descriptor lists for that same key (its `firstDay..lastDay`, as our own
 * keys in the Keyring), and they stay spendable for the descriptor's `graceHours` (capped at
 * MAX_PARTNER_GRACE_HOURS). The descriptor arrives over Protocol 2 (`descriptor_query`, each sync)
 * and counts only when signed by the partner's pinned exchange key (= its descriptor key) and not
 * older than the one held. Until a partner's first descriptor arrives, or once its descriptor
 * stops listing a pinned key, that key takes no tickets (fail closed). The latest descriptor is
 * kept in the store (meta `exchange.descriptor.<partner>`) and verified again when loaded.
 */
export const MAX_PARTNER_GRACE_HOURS = 24 * 30;
export const MAX_PARTNER_GRACE_MS = MAX_PARTNER_GRACE_HOURS * 3_600_000;

export interface MetaStore {
  meta(name: string): string | undefined;
  setMeta(name: string, value: string): void;
}

/** A pinned key's window, from the partner's descriptor. */
export interface PartnerKeyWindow {
  readonly partner: string;
  readonly keyId: string;
  readonly publicKey: PublicKey;
  readonly firstDay: Day;
  readonly lastDay: Day;
  /** The partner's advertised graceHours in ms (capped). */
  readonly graceMs: number;
}

export type DescriptorUpdate = 'taken' | 'stale' | 'refused';

const metaName = (partner: string) => `exchange.descriptor.${partner}`;

export class PartnerKeys implements KeyLookup {
  readonly #partners: ReadonlyMap<string, PartnerConfig>;
  readonly #store: MetaStore | undefined;
  readonly #windows = new Map<string, PartnerKeyWindow>();
  readonly #published = new Map<string, number>();

  constructor(partners: readonly PartnerConfig[], store?: MetaStore) {
    this.#partners = new Map(partners.map((p) => [p.publicKey, p]));
    this.#store = store;
    for (const p of partners) {
      const kept = store?.meta(metaName(p.publicKey));
      if (kept === undefined) continue;
      let doc: unknown;
      try {
        doc = JSON.parse(kept);
      } catch {
        continue;
      }
      this.#take(p, doc, false);
    }
  }

  /**
   * Takes `partner`'s descriptor (a parsed JSON value from the network): 'taken' when it is signed
   * by the partner's pinned key and not older than the one held, 'stale' when older (ignored),
   * 'refused' otherwise. Never throws on the document.
   */
  update(partner: string, doc: unknown): DescriptorUpdate {
    const cfg = this.#partners.get(partner);
    if (cfg === undefined) throw new InputError('partner', 'not a configured partner');
    return this.#take(cfg, doc, true);
  }

  #take(cfg: PartnerConfig, doc: unknown, persist: boolean): DescriptorUpdate {
    if (!verifyDescriptor(doc, bytesToBase64url(hexToBytes('partner.publicKey', cfg.publicKey, 32)))) return 'refused';
    const d: Descriptor = decodeDescriptor(doc);
    if (d.published < (this.#published.get(cfg.publicKey) ?? -1)) return 'stale';
    const graceMs = Math.round(Math.min(d.tickets.graceHours, MAX_PARTNER_GRACE_HOURS) * 3_600_000);
    for (const k of cfg.ticketKeys) this.#windows.delete(k.keyId);
    for (const k of cfg.ticketKeys) {
      const listed = d.tickets.keys.find((e) => equalBytes(base64urlToBytes('key', e.publicKey), k.publicKey.bytes));
      if (listed === undefined) continue;
      this.#windows.set(k.keyId, { partner: cfg.publicKey, keyId: k.keyId, publicKey: k.publicKey, firstDay: listed.firstDay, lastDay: listed.lastDay, graceMs });
    }
    this.#published.set(cfg.publicKey, d.published);
    if (persist) this.#store?.setMeta(metaName(cfg.publicKey), JSON.stringify(doc));
    return 'taken';
  }

  /** The pinned key `keyId` (hex) and its window, if its partner's descriptor lists it. */
  window(keyId: string): PartnerKeyWindow | undefined {
    return this.#windows.get(keyId);
  }

  windows(): PartnerKeyWindow[] {
    return [...this.#windows.values()];
  }

  /** Whether `keyId` (hex) is pinned for some partner (whatever its window). */
  isPinned(keyId: string): boolean {
    for (const p of this.#partners.values()) if (p.ticketKeys.some((k) => k.keyId === keyId)) return true;
    return false;
  }

  lookup(keyId: Uint8Array, day: Day): PublicKey | undefined {
    const w = this.#windows.get(bytesToHex(keyId));
    return w !== undefined && day >= w.firstDay && day <= w.lastDay ? w.publicKey : undefined;
  }
}

/**
 * How long a spend record of a ticket spent (or reported spent) by `nowMs` must be kept so the
 * ticket cannot be replayed: its day has begun by now (verifyTicket allows DEFAULT_SKEW_MS), so it
 * verifies no later than the end of that day plus the grace. For partners' keys the grace is
 * MAX_PARTNER_GRACE_MS, not the partner's current graceHours: a later descriptor may raise it.
 */
export function retainSpendUntil(nowMs: number, graceMs: number): number {
  return ticketExpiresAt(utcDay(nowMs + DEFAULT_SKEW_MS), graceMs);
}
