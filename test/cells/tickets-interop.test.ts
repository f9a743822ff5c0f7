import { describe, expect, it } from 'vitest';
import {
  createTicket, dayFromNumber, dayNumber, decodeChallenge, decodeCommitment, decodeResponse, decodeTicket, encodeChallenge,
  encodeCommitment, encodeResponse, encodeTicket, infoForDay, newTicketSecret, signerCommit, signerRespond, SigningKey,
  spendId, userBlind, userUnblind, verify,
} from '../../src/core/tickets/index.js';
import { CellStream, type MiningMessage } from '../../src/core/protocol/cells/index.js';
import { concatBytes } from '../../src/core/util/bytes.js';
import { seededRandom } from '../tickets/helpers.js';

/** Sends one message from `tx` to `rx` as stream bytes and returns what arrives. */
function carry(tx: CellStream, rx: CellStream, m: MiningMessage): MiningMessage {
  const got = rx.decode(tx.encode(m), 0);
  expect(got).toHaveLength(1);
  return got[0]!;
}

describe('RELAY_TICKET carries the tickets module through a whole issue and spend', () => {
  it('commit, challenge, response, spend and spent notice, every step through the cell stream', () => {
    const rand = seededRandom('cells-interop');
    const key = SigningKey.generate(rand);
    const day = '2026-12-01';
    const info = infoForDay(day);
    const relayTx = new CellStream();
    const relayRx = new CellStream();
    const clientTx = new CellStream();
    const clientRx = new CellStream();
    const sessionId = rand(16);

    // relay: first signer move
    const { state, commitment } = signerCommit(key, info, rand);
    const cb = encodeCommitment(commitment);
    const commitMsg = carry(relayTx, clientRx, { type: 'commit', sessionId, day: dayNumber(day), a: cb.subarray(0, 32), b: cb.subarray(32) });
    if (commitMsg.type !== 'commit') throw new Error('expected commit');
    expect(dayFromNumber(commitMsg.day)).toBe(day);

    // client: blind H(x) and answer with the challenge
    const { x, msg } = newTicketSecret(rand);
    const blind = userBlind(key.publicKey, infoForDay(dayFromNumber(commitMsg.day)), msg, decodeCommitment(concatBytes(commitMsg.a, commitMsg.b)), rand);
    const challengeMsg = carry(clientTx, relayRx, { type: 'challenge', sessionId, e: encodeChallenge(blind.challenge) });
    if (challengeMsg.type !== 'challenge') throw new Error('expected challenge');

    // relay: respond
    const rb = encodeResponse(signerRespond(key, state, decodeChallenge(challengeMsg.e)));
    const responseMsg = carry(relayTx, clientRx, {
      type: 'response', sessionId, r: rb.subarray(0, 32), c: rb.subarray(32, 64), s: rb.subarray(64, 96), d: rb.subarray(96),
    });
    if (responseMsg.type !== 'response') throw new Error('expected response');

    // client: unblind, check, and later spend
    const signature = userUnblind(blind.state, decodeResponse(concatBytes(responseMsg.r, responseMsg.c, responseMsg.s, responseMsg.d)));
    expect(verify(key.publicKey, info, msg, signature)).toBe(true);
    const ticket = createTicket({ keyId: key.publicKey.keyId, day, x, signature });
    const spendMsg = carry(clientTx, relayRx, { type: 'spend', ticket: encodeTicket(ticket) });
    if (spendMsg.type !== 'spend') throw new Error('expected spend');
    const spent = decodeTicket(spendMsg.ticket);
    expect(verify(key.publicKey, infoForDay(spent.day), spent.msg, spent.signature)).toBe(true);

    // relay -> backup relay: the spend id
    const backupRx = new CellStream();
    const notice = carry(relayTx, backupRx, { type: 'spent', issuer: key.publicKey.keyId, spendIds: [spendId(spent)], signature: new Uint8Array(0) });
    if (notice.type !== 'spent') throw new Error('expected spent');
    expect(notice.spendIds[0]).toEqual(spendId(ticket));
  });
});
