import { acceptIssuanceDay, DEFAULT_SKEW_MS } from '../../core/tickets/ticket.js';
import { userUnblind, userBlind, type UserState } from '../../core/tickets/abe-okamoto.js';
import { infoForDay } from '../../core/tickets/day.js';
import { decodeScalar, encodeScalar } from '../../core/tickets/group.js';
import { Keyring, PublicKey } from '../../core/tickets/keys.js';
import { decodeCommitment, decodeResponse, encodeChallenge } from '../../core/tickets/messages.js';
import { createTicket, newTicketSecret, ticketMessage, ticketToText, verifyTicket } from '../../core/tickets/ticket.js';
import { algorithmPrice, type Descriptor } from '../../core/protocol/descriptor.js';
import { decodeCommitResult, decodeSessionStatusResult, decodeSignResult, Method } from '../../core/protocol/workpass.js';
import { base64urlToBytes, bytesToBase64url, concatBytes, hexToBytes } from '../../core/util/bytes.js';
import type { TypedStore } from '../store/typed-store.js';
import { pruned, withoutPending, withPending, withTicket, type PendingIssue, type Wallet } from '../store/wallet.js';
import { RelayError } from '../transport/rpc-client.js';

/** What the ticket client needs of the connection. */
export interface Rpc {
  request(method: string, params: readonly unknown[]): Promise<unknown>;
}

export interface TicketClientDeps {
  readonly rpc: Rpc;
  readonly wallet: TypedStore<Wallet>;
  /** The relay's key in the relay list (its mining endpoint). */
  readonly relay: string;
  /** The algorithm the session mines (its open result's algo): its ticket price is the one that counts. */
  readonly algorithm: string;
  /** The relay's verified descriptor (ticket keys, grace). */
  descriptor(): Descriptor;
  /** Fetches the descriptor again (pinned key) when a key is missing; resolves to the new one. */
  refreshDescriptor(): Promise<Descriptor>;
  readonly random: (n: number) => Uint8Array;
  readonly now: () => number;
  readonly onTicket: (t: { relay: string; day: string }) => void;
  readonly onError: (message: string) => void;
}

/** What finishing an issuance needs (no price check: its commit was made already). */
export type IssueDeps = Omit<TicketClientDeps, 'algorithm'>;

/** Stratum/workpass codes after which an unfinished issuance can never finish. */
const HOPELESS = new Set([24, 32, 33, 34]);

function keyringOf(d: Descriptor): Keyring {
  const ring = new Keyring(Math.round(d.tickets.graceHours * 3_600_000));
  for (const k of d.tickets.keys) ring.addPublic(PublicKey.fromText(k.publicKey), k.firstDay, k.lastDay);
  return ring;
}

/**
 * An honest relay signs with one key a day, two on a rotation day. A relay that publishes more keys
 * for one day could give each client its own key and tell the clients apart by the key their
 * tickets carry, so such a descriptor is refused outright.
 */
const MAX_KEYS_PER_DAY = 2;

function publicKeyFor(d: Descriptor, keyIdHex: string, day: string): PublicKey | undefined {
  const valid = d.tickets.keys.filter((k) => k.firstDay <= day && day <= k.lastDay).length;
  if (valid > MAX_KEYS_PER_DAY) {
    throw new Error(`relay publishes ${valid} ticket keys for ${day} (at most ${MAX_KEYS_PER_DAY}): refused, it could tell clients apart by key`);
  }
  return keyringOf(d).lookup(hexToBytes('keyId', keyIdHex, 32), day);
}

/**
 * Protocol 1 steps 4-8 on the client: when the session's credit buys a ticket, commit, blind a fresh
 * H(x), record the pending issuance, sign, unblind (which verifies), verify the ticket against the
 * relay's published keys, and store it. Blinding and unblinding run here, in the background, never
 * in a page. One issuance at a time; errors become status messages, never exceptions.
 */
export class TicketClient {
  #busy = false;

  constructor(private readonly token: string, private readonly deps: TicketClientDeps) {}

  /** Issues tickets while the session's credit lasts. */
  async collect(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      for (let i = 0; i < 64; i++) {
        const st = decodeSessionStatusResult(await this.deps.rpc.request(Method.sessionStatus, [this.token]));
        if (st.mode !== 'tickets' || st.credit < this.#price(st.price)) return;
        if (!(await this.#issueOne())) return;
      }
    } catch (e) {
      this.deps.onError(`ticket: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.#busy = false;
    }
  }

  /**
   * The price a ticket costs this session: the relay's word for the session (status), and never
   * below the price its signed descriptor gives the algorithm we mine (a status that says less is
   * stale or wrong, and the commit would only be refused). A descriptor that does not list the
   * algorithm leaves the session's price.
   */
  #price(sessionPrice: number): number {
    return Math.max(sessionPrice, algorithmPrice(this.deps.descriptor(), this.deps.algorithm) ?? 0);
  }

  async #issueOne(): Promise<boolean> {
    let commit;
    try {
      commit = decodeCommitResult(await this.deps.rpc.request(Method.ticketCommit, [this.token]));
    } catch (e) {
      // 30: not enough credit after all; 31: the relay is busy signing, try after the next share.
      if (e instanceof RelayError && (e.code === 30 || e.code === 31)) return false;
      throw e;
    }
    const now = this.deps.now();
    // A relay could tag a client with an unusual day; only today's (near midnight, yesterday's) is taken.
    if (!acceptIssuanceDay(commit.day, now)) throw new Error(`relay proposed day ${commit.day}, which is not today`);
    let pk = publicKeyFor(this.deps.descriptor(), commit.keyId, commit.day);
    if (pk === undefined) pk = publicKeyFor(await this.deps.refreshDescriptor(), commit.keyId, commit.day);
    if (pk === undefined) throw new Error('relay signs with a key its descriptor does not publish');
    const info = infoForDay(commit.day);
    const { x, msg } = newTicketSecret(this.deps.random);
    const commitment = decodeCommitment(concatBytes(base64urlToBytes('a', commit.a), base64urlToBytes('b', commit.b)));
    const { challenge, state } = userBlind(pk, info, msg, commitment, this.deps.random);
    const pending: PendingIssue = {
      relay: this.deps.relay, token: this.token, sid: commit.sid, keyId: commit.keyId, day: commit.day,
      x: bytesToBase64url(x), e: bytesToBase64url(encodeChallenge(challenge)),
      t: state.t.map((v) => bytesToBase64url(encodeScalar(v))) as unknown as [string, string, string, string],
      createdAt: Math.floor(now),
    };
    // Written before e leaves: after a crash the same (sid, e) fetches the same answer.
    await this.deps.wallet.update((w) => withPending(pruned(w, now), pending));
    try {
      await signAndStore(this.deps, pending, state);
    } catch (e) {
      if (e instanceof RelayError && HOPELESS.has(e.code)) await this.deps.wallet.update((w) => withoutPending(w, pending.sid));
      throw e;
    }
    return true;
  }
}

function restore(deps: IssueDeps, p: PendingIssue): UserState {
  const pk = publicKeyFor(deps.descriptor(), p.keyId, p.day);
  if (pk === undefined) throw new Error('the key of an unfinished ticket is no longer published');
  const x = base64urlToBytes('x', p.x);
  return {
    publicKey: pk, info: infoForDay(p.day), msg: ticketMessage(x),
    e: decodeScalar('e', base64urlToBytes('e', p.e)),
    t: p.t.map((v, i) => decodeScalar(`t${i + 1}`, base64urlToBytes(`t${i + 1}`, v))) as unknown as UserState['t'],
  };
}

/** ticket.sign with the recorded (sid, e), unblind (which verifies), verify the ticket, store it. */
async function signAndStore(deps: IssueDeps, p: PendingIssue, state: UserState): Promise<void> {
  const res = decodeSignResult(await deps.rpc.request(Method.ticketSign, [p.token, p.sid, p.e]));
  const response = decodeResponse(concatBytes(...[res.r, res.c, res.s, res.d].map((v, i) => base64urlToBytes(`rcsd`[i]!, v))));
  let signature;
  try {
    signature = userUnblind(state, response);
  } catch {
    // The same (sid, e) would bring the same bad answer: this issuance cannot finish.
    await deps.wallet.update((w) => withoutPending(w, p.sid));
    throw new Error('ticket rejected: the relay\'s blind signature does not verify');
  }
  const ticket = createTicket({ keyId: hexToBytes('keyId', p.keyId, 32), day: p.day, x: base64urlToBytes('x', p.x), signature });
  const d = deps.descriptor();
  const check = verifyTicket(ticket, keyringOf(d), deps.now(), {
    graceMs: Math.round(d.tickets.graceHours * 3_600_000), skewMs: DEFAULT_SKEW_MS,
  });
  if (!check.ok) {
    await deps.wallet.update((w) => withoutPending(w, p.sid));
    throw new Error(`ticket rejected: it does not verify (${check.reason})`);
  }
  await deps.wallet.update((w) => withTicket(w, {
    relay: p.relay, text: ticketToText(ticket), day: p.day, keyId: p.keyId, expiresAt: check.expiresAt,
  }, p.sid));
  deps.onTicket({ relay: p.relay, day: p.day });
}

/**
 * Finishes issuances left pending by a crash or a dropped connection: the same (sid, e) gets the
 * relay's stored answer. The miner runs this on a connection of its own, so the old session's token
 * never appears on the new mining session's connection.
 */
export async function finishPendingIssues(deps: IssueDeps): Promise<void> {
  const w = pruned(await deps.wallet.get(), deps.now());
  for (const p of w.pending.filter((x) => x.relay === deps.relay)) {
    try {
      await signAndStore(deps, p, restore(deps, p));
    } catch (e) {
      if (e instanceof RelayError && HOPELESS.has(e.code)) await deps.wallet.update((x) => withoutPending(x, p.sid));
      else deps.onError(`ticket: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
