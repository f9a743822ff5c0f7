import {
  SigningKey, bytesToHex, createTicket, encodeChallenge, encodeCommitment, encodeResponse, encodeScalar,
  encodeSignature, encodeTicket, infoForDay, newTicketSecret, signerCommit, signerRespond, spendId,
  ticketToText, userBlind, userUnblind, hashToGroup,
} from './imports.js';
import { seededRandom } from './helpers.js';

/** One full issuance with seeded randomness, every intermediate value as hex (the vector format). */
export function transcript(seed: string, day: string) {
  const key = SigningKey.generate(seededRandom(`${seed}/key`));
  const rand = seededRandom(`${seed}/session`);
  const info = infoForDay(day);
  const { x, msg } = newTicketSecret(rand);
  const { state, commitment } = signerCommit(key, info, rand);
  const { u, s, d } = state.exportSecrets();
  const { challenge, state: user } = userBlind(key.publicKey, info, msg, commitment, rand);
  const response = signerRespond(key, state, challenge);
  const signature = userUnblind(user, response);
  const ticket = createTicket({ keyId: key.keyId, day, x, signature });
  const hex = (n: bigint) => bytesToHex(encodeScalar(n));
  return {
    seed,
    day,
    secretKey: bytesToHex(key.toBytes()),
    publicKey: bytesToHex(key.publicKey.bytes),
    keyId: bytesToHex(key.keyId),
    info: bytesToHex(info),
    z: bytesToHex(hashToGroup(info).toBytes()),
    x: bytesToHex(x),
    msg: bytesToHex(msg),
    signer: { u: hex(u), s: hex(s), d: hex(d) },
    commitment: bytesToHex(encodeCommitment(commitment)),
    user: { t1: hex(user.t[0]), t2: hex(user.t[1]), t3: hex(user.t[2]), t4: hex(user.t[3]) },
    challenge: bytesToHex(encodeChallenge(challenge)),
    response: bytesToHex(encodeResponse(response)),
    signature: bytesToHex(encodeSignature(signature)),
    ticket: bytesToHex(encodeTicket(ticket)),
    ticketText: ticketToText(ticket),
    spendId: bytesToHex(spendId(ticket)),
  };
}

export const VECTOR_CASES: ReadonlyArray<[string, string]> = [
  ['workpass tickets vector 1', '2026-12-01'],
  ['workpass tickets vector 2', '2027-02-28'],
  ['workpass tickets vector 3', '1970-01-01'],
];
