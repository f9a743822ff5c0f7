/**
 * The user's side of ticket signing (docs/protocol.md "Ticket purchase", Protocol 1 steps 7-8) as
 * separate rounds, so that a test can lose a connection between `ticket.commit` and `ticket.sign`,
 * or lose the reply to one, and carry on with the same (sid, e) on another connection.
 */
import { randomBytes } from 'node:crypto';
import {
  Keyring,
  PublicKey,
  createTicket,
  decodeCommitment,
  decodeResponse,
  encodeChallenge,
  infoForDay,
  newTicketSecret,
  userBlind,
  userUnblind,
  type Ticket,
} from '../../src/core/tickets/index.js';
import type { Descriptor } from '../../src/core/protocol/descriptor.js';
import { decodeCommitResult, decodeSignResult, type CommitResult } from '../../src/core/protocol/workpass.js';
import { base64urlToBytes, bytesToBase64url, concatBytes, hexToBytes } from '../../src/core/util/bytes.js';

const rand = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

export interface BlindedChallenge {
  readonly commit: CommitResult;
  /** The challenge e as `ticket.sign [token, sid, e]` sends it. */
  readonly e: string;
  /** Unblinds a `ticket.sign` result into a ticket; userUnblind checks the signature and throws if it is bad. */
  unblind(signResult: unknown): Ticket;
}

/** Step 7, user side: decodes a `ticket.commit` result and blinds a fresh ticket message against it. */
export function blindChallenge(descriptor: Descriptor, commitResult: unknown): BlindedChallenge {
  const commit = decodeCommitResult(commitResult);
  const pk = publicKeyFor(descriptor, commit.keyId);
  const commitment = decodeCommitment(concatBytes(base64urlToBytes('a', commit.a), base64urlToBytes('b', commit.b)));
  const { x, msg } = newTicketSecret(rand);
  const { challenge, state } = userBlind(pk, infoForDay(commit.day), msg, commitment, rand);
  return {
    commit,
    e: bytesToBase64url(encodeChallenge(challenge)),
    unblind(signResult: unknown): Ticket {
      const signed = decodeSignResult(signResult);
      const response = decodeResponse(concatBytes(...[signed.r, signed.c, signed.s, signed.d].map((v, i) => base64urlToBytes(`rcsd[${i}]`, v))));
      const signature = userUnblind(state, response);
      return createTicket({ keyId: hexToBytes('keyId', commit.keyId, 32), day: commit.day, x, signature });
    },
  };
}

/** The keys a gateway would verify this relay's tickets with: the descriptor's, never one from a session. */
export function keyringOf(descriptor: Descriptor): Keyring {
  const keyring = new Keyring(descriptor.tickets.graceHours * 3_600_000);
  for (const k of descriptor.tickets.keys) keyring.addPublic(PublicKey.fromText(k.publicKey), k.firstDay, k.lastDay);
  return keyring;
}

function publicKeyFor(descriptor: Descriptor, keyId: string): PublicKey {
  const info = descriptor.tickets.keys.find((k) => k.keyId === keyId);
  if (info === undefined) throw new Error(`ticket.commit names key ${keyId}, which the descriptor does not list`);
  return PublicKey.fromText(info.publicKey);
}
