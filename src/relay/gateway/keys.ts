import { PublicKey, type Day, type KeyLookup } from '../../core/tickets/index.js';
import { bytesToHex } from '../../core/util/bytes.js';
import type { PartnerConfig } from '../exchange/config.js';

/** One of this relay's ticket keys, as the issuer lists them (public key in base64url). */
export interface OwnTicketKey {
  readonly keyId: string;
  readonly publicKey: string;
  readonly firstDay: Day;
  readonly lastDay: Day;
}

/**
 * The keys the gateway takes tickets of: this relay's own (each for the days it signed) and the
 * partners' pinned keys (Protocol 2; any day — expiry is still checked by verifyTicket).
 * Decoded keys are cached so their fixed-base tables are built once.
 */
export class GatewayKeys implements KeyLookup {
  readonly #own: () => readonly OwnTicketKey[];
  readonly #partner = new Map<string, PublicKey>();
  readonly #cache = new Map<string, PublicKey>();

  constructor(own: () => readonly OwnTicketKey[], partners: readonly PartnerConfig[]) {
    this.#own = own;
    for (const p of partners) for (const k of p.ticketKeys) this.#partner.set(k.keyId, k.publicKey);
  }

  lookup(keyId: Uint8Array, day: Day): PublicKey | undefined {
    const id = bytesToHex(keyId);
    const partner = this.#partner.get(id);
    if (partner !== undefined) return partner;
    const own = this.#own().find((k) => k.keyId === id);
    if (own === undefined || day < own.firstDay || day > own.lastDay) return undefined;
    let key = this.#cache.get(id);
    if (key === undefined) {
      key = PublicKey.fromText(own.publicKey);
      this.#cache.set(id, key);
    }
    return key;
  }

  isOwn(keyId: string): boolean {
    return this.#own().some((k) => k.keyId === keyId);
  }

  /** Key ids to name in challenges: our keys, then the partners' pinned keys. */
  issuerIds(): string[] {
    return [...this.#own().map((k) => k.keyId), ...this.#partner.keys()];
  }
}
