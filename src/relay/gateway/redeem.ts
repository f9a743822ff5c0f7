import { bytesToHex } from '../../core/util/bytes.js';
import { InputError } from '../../core/util/errors.js';
import { DEFAULT_GRACE_MS, Keyring, ticketFromText, verifyTicket, type Day, type KeyLookup, type Ticket } from '../../core/tickets/index.js';
import type { ChallengeError } from './auth-scheme.js';

/**
 * Redeeming a ticket at the gateway: verify it (issuer key known, day in window, not expired with
 * its issuer's grace, signature), then spend it atomically. The spend goes through the exchange
 * ledger, which also refuses a partner's tickets past its trust limit and logs the spend for
 * partner sync. The spend record expires when the ticket does (same grace), so it outlives every
 * moment the ticket could verify.
 */
export interface Spender {
  /** Atomic: 'spent' exactly once per spend id. `expiresAt` and `now` in unix seconds. */
  spendLocal(spendId: Uint8Array, issuer: string, expiresAt: number, now: number): 'spent' | 'already_spent' | 'issuer_untrusted';
}

export type Redemption =
  | { readonly ok: true; readonly issuer: string; readonly spendId: string }
  | { readonly ok: false; readonly error: ChallengeError; readonly description: string };

const REJECTION: Record<string, ChallengeError> = {
  malformed: 'invalid_ticket',
  'bad-signature': 'invalid_ticket',
  'wrong-day': 'invalid_ticket',
  'unknown-key': 'unknown_issuer',
  expired: 'ticket_expired',
};

/** The grace (ms) of the tickets of a key id (hex) and day, e.g. GatewayKeys.graceMsFor. */
export type GraceFor = (keyId: string, day: Day) => number;

export class Redeemer {
  readonly #keys: KeyLookup;
  readonly #spender: Spender;
  readonly #graceFor: GraceFor;

  /** `grace`: one value for every key or per key id; default: a Keyring's own graceMs. */
  constructor(keys: KeyLookup, spender: Spender, grace: number | GraceFor = keys instanceof Keyring ? keys.graceMs : DEFAULT_GRACE_MS) {
    if (typeof grace === 'number' && !(Number.isSafeInteger(grace) && grace >= 0)) throw new InputError('grace', 'expected a non-negative integer');
    this.#keys = keys;
    this.#spender = spender;
    this.#graceFor = typeof grace === 'number' ? () => grace : grace;
  }

  /** Never throws on attacker text; `nowMs` is milliseconds since 1970. */
  redeem(text: string, nowMs: number): Redemption {
    let ticket: Ticket;
    try {
      ticket = ticketFromText(text);
    } catch (err) {
      return { ok: false, error: 'invalid_ticket', description: err instanceof InputError ? err.message : 'not a ticket' };
    }
    const check = verifyTicket(ticket, this.#keys, nowMs, { graceMs: this.#graceFor(bytesToHex(ticket.keyId), ticket.day) });
    if (!check.ok) return { ok: false, error: REJECTION[check.reason] ?? 'invalid_ticket', description: check.detail };
    const issuer = bytesToHex(check.ticket.keyId);
    const spendId = check.spendId;
    const result = this.#spender.spendLocal(spendId, issuer, Math.ceil(check.expiresAt / 1000), Math.floor(nowMs / 1000));
    if (result === 'already_spent') return { ok: false, error: 'ticket_spent', description: 'this ticket was already spent' };
    if (result === 'issuer_untrusted') {
      return { ok: false, error: 'issuer_untrusted', description: 'tickets of this issuer are not taken here until it settles' };
    }
    return { ok: true, issuer, spendId: bytesToHex(spendId) };
  }
}
