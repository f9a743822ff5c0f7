import { PublicKey, parseDay, type Day, type KeyLookup } from '../../core/tickets/index.js';
import { bytesToHex } from '../../core/util/bytes.js';
import { InputError } from '../../core/util/errors.js';
import type { IssuerPolicy } from '../exchange/ledger.js';
import { MAX_PARTNER_GRACE_MS, retainSpendUntil, type PartnerKeys } from '../exchange/partner-keys.js';

/** One of this relay's ticket keys, as the issuer lists them (public key in base64url). */
export interface OwnTicketKey {
  readonly keyId: string;
  readonly publicKey: string;
  readonly firstDay: Day;
  readonly lastDay: Day;
}

/**
 * The keys the gateway takes tickets of, and for how long: this relay's own (each for the days it
 * signed, spendable for `graceMs` = the config's ticketHours) and the partners' pinned keys (each
 * for the days its partner's signed descriptor lists, spendable for the partner's graceHours; see
 * ../exchange/partner-keys.ts). Decoded keys are cached so their fixed-base tables are built once.
 */
export class GatewayKeys implements KeyLookup, IssuerPolicy {
  readonly #own: () => readonly OwnTicketKey[];
  readonly #partners: PartnerKeys;
  readonly #graceMs: number;
  readonly #expiredThrough: Day | null;
  readonly #cache = new Map<string, PublicKey>();

  /** `expiredThrough`: our tickets of days up to this one stay expired (see ./grace-change.ts). */
  constructor(own: () => readonly OwnTicketKey[], partners: PartnerKeys, graceMs: number, expiredThrough: Day | null = null) {
    if (!Number.isSafeInteger(graceMs) || graceMs < 0) throw new InputError('graceMs', 'expected a non-negative integer');
    this.#own = own;
    this.#partners = partners;
    this.#graceMs = graceMs;
    this.#expiredThrough = expiredThrough === null ? null : parseDay('expiredThrough', expiredThrough);
  }

  lookup(keyId: Uint8Array, day: Day): PublicKey | undefined {
    if (this.#partners.isPinned(bytesToHex(keyId))) return this.#partners.lookup(keyId, day);
    const id = bytesToHex(keyId);
    const own = this.#own().find((k) => k.keyId === id);
    if (own === undefined || day < own.firstDay || day > own.lastDay) return undefined;
    let key = this.#cache.get(id);
    if (key === undefined) {
      key = PublicKey.fromText(own.publicKey);
      this.#cache.set(id, key);
    }
    return key;
  }

  /**
   * How long tickets of `keyId` (hex) and `day` stay spendable after their day: the issuer's
   * grace; 0 for our tickets of days through expiredThrough (they expired under a smaller grace).
   */
  graceMsFor(keyId: string, day: Day): number {
    const partner = this.#partners.window(keyId);
    if (partner !== undefined) return partner.graceMs;
    return this.#expiredThrough !== null && day <= this.#expiredThrough ? 0 : this.#graceMs;
  }

  isOwn(keyId: string): boolean {
    return !this.#partners.isPinned(keyId) && this.#own().some((k) => k.keyId === keyId);
  }

  /** IssuerPolicy (unix seconds): our keys with our grace, pinned keys with the largest grace we honour. */
  retainUntil(issuer: string, now: number): number | undefined {
    const grace = this.#partners.isPinned(issuer) ? MAX_PARTNER_GRACE_MS : this.isOwn(issuer) ? this.#graceMs : undefined;
    return grace === undefined ? undefined : Math.ceil(retainSpendUntil(now * 1000, grace) / 1000);
  }

  /** Key ids to name in challenges: our keys, then the partners' pinned keys whose descriptor lists them. */
  issuerIds(): string[] {
    return [...this.#own().map((k) => k.keyId), ...this.#partners.windows().map((w) => w.keyId)];
  }
}
