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
import { decodeDescriptor } from '../../src/core/protocol/descriptor.js';
import { decodeCommitResult, decodeSignResult } from '../../src/core/protocol/workpass.js';
import { base64urlToBytes, bytesToBase64url, concatBytes, hexToBytes } from '../../src/core/util/bytes.js';
import type { MinerClient } from '../../src/relay/miner-client.js';

const rand = (n: number) => new Uint8Array(randomBytes(n));

/** The user's side of Protocol 1 steps 7-8 against a relay, as the add-on does it. */
export async function collectTicket(c: MinerClient, token: string, descriptorJson: unknown): Promise<{ ticket: Ticket; keyring: Keyring; e: string; sid: string }> {
  const desc = decodeDescriptor(descriptorJson);
  const commit = decodeCommitResult(await c.request('ticket.commit', [token]));
  const keyInfo = desc.tickets.keys.find((k) => k.keyId === commit.keyId);
  if (keyInfo === undefined) throw new Error('commit names a key the descriptor does not list');
  const pk = PublicKey.fromText(keyInfo.publicKey);
  const commitment = decodeCommitment(concatBytes(base64urlToBytes('a', commit.a), base64urlToBytes('b', commit.b)));
  const { x, msg } = newTicketSecret(rand);
  const { challenge, state } = userBlind(pk, infoForDay(commit.day), msg, commitment, rand);
  const e = bytesToBase64url(encodeChallenge(challenge));
  const signed = decodeSignResult(await c.request('ticket.sign', [token, commit.sid, e]));
  const response = decodeResponse(concatBytes(...[signed.r, signed.c, signed.s, signed.d].map((v, i) => base64urlToBytes(`rcsd[${i}]`, v))));
  const signature = userUnblind(state, response);
  const ticket = createTicket({ keyId: hexToBytes('keyId', commit.keyId, 32), day: commit.day, x, signature });
  const keyring = new Keyring(desc.tickets.graceHours * 3_600_000);
  keyring.addPublic(pk, keyInfo.firstDay, keyInfo.lastDay);
  return { ticket, keyring, e, sid: commit.sid };
}
