import { describe, expect, it } from 'vitest';
import {
  G, SigningKey, challengeHash, createTicket, F, infoForDay, mod, newTicketSecret, signerCommit, signerRespond,
  userBlind, userUnblind, type Commitment, type Response, type Ticket,
} from './imports.js';
import { seededRandom } from './helpers.js';

/**
 * Blindness, tested as the brief states it: for a signer transcript (a, b, e, r, c, s, d) and ANY
 * finished ticket (ρ, ω, σ, δ) of the same key and day, the blinding factors t1 = ρ − r,
 * t2 = ω − c, t3 = σ − s, t4 = δ − d map one onto the other: α = a g^t1 y^t2 and
 * β = b g^t3 z^t4 give the ticket's ε = ω + δ, and e = ε − t2 − t4. So each transcript is
 * consistent with every ticket and the signer's view cannot single out the right one.
 */
describe('unlinkability', () => {
  const day = '2026-12-01';
  const info = infoForDay(day);

  function run(seed: string, n: number) {
    const key = SigningKey.generate(seededRandom(`${seed}/key`));
    const rand = seededRandom(seed);
    const transcripts: Array<{ commitment: Commitment; e: bigint; response: Response }> = [];
    const tickets: Ticket[] = [];
    for (let i = 0; i < n; i++) {
      const { x, msg } = newTicketSecret(rand);
      const { state, commitment } = signerCommit(key, info, rand);
      const { challenge, state: us } = userBlind(key.publicKey, info, msg, commitment, rand);
      const response = signerRespond(key, state, challenge);
      transcripts.push({ commitment, e: challenge.e, response });
      tickets.push(createTicket({ keyId: key.keyId, day, x, signature: userUnblind(us, response) }));
    }
    // The tickets reach the signer later in another order.
    const order = tickets.map((_, i) => i).sort((i, j) => rand(1)[0]! - rand(1)[0]! || i - j);
    return { key, transcripts, tickets: order.map((i) => tickets[i]!) };
  }

  for (const seed of ['run 1', 'run 2', 'run 3', 'run 4', 'run 5']) {
    it(`every transcript is consistent with every ticket (${seed})`, () => {
      const { key, transcripts, tickets } = run(seed, 6);
      const y = key.publicKey.point;
      const { z, zBytes } = F(info);
      for (const tr of transcripts) {
        for (const t of tickets) {
          const { r, c, s, d } = tr.response;
          const { rho, omega, sigma, delta } = t.signature;
          const [t1, t2, t3, t4] = [mod(rho - r), mod(omega - c), mod(sigma - s), mod(delta - d)];
          const alpha = tr.commitment.a.add(G.multiply(t1)).add(y.multiply(t2));
          const beta = tr.commitment.b.add(G.multiply(t3)).add(z.multiply(t4));
          const eps = challengeHash(key.publicKey.bytes, alpha.toBytes(), beta.toBytes(), zBytes, t.msg);
          expect(eps).toBe(mod(omega + delta));
          expect(tr.e).toBe(mod(eps - t2 - t4));
        }
      }
    });
  }

  it('the same computation does link across days: a ticket of another day fits no transcript', () => {
    const a = run('day check', 3);
    const key = a.key;
    const otherInfo = infoForDay('2026-12-02');
    const rand = seededRandom('day check other');
    const { x, msg } = newTicketSecret(rand);
    const { state, commitment } = signerCommit(key, otherInfo, rand);
    const { challenge, state: us } = userBlind(key.publicKey, otherInfo, msg, commitment, rand);
    const other = createTicket({ keyId: key.keyId, day: '2026-12-02', x, signature: userUnblind(us, signerRespond(key, state, challenge)) });
    const { z, zBytes } = F(info);
    for (const tr of a.transcripts) {
      const { rho, omega, sigma, delta } = other.signature;
      const { r, c, s, d } = tr.response;
      const alpha = tr.commitment.a.add(G.multiply(mod(rho - r))).add(key.publicKey.point.multiply(mod(omega - c)));
      const beta = tr.commitment.b.add(G.multiply(mod(sigma - s))).add(z.multiply(mod(delta - d)));
      expect(challengeHash(key.publicKey.bytes, alpha.toBytes(), beta.toBytes(), zBytes, other.msg)).not.toBe(mod(omega + delta));
    }
  });

  it('transcript fields carry nothing that survives into the ticket', () => {
    const { transcripts, tickets } = run('no shared values', 8);
    const seen = new Set(transcripts.flatMap((tr) => [tr.e, tr.response.r, tr.response.c, tr.response.s, tr.response.d]));
    for (const t of tickets) for (const v of Object.values(t.signature)) expect(seen.has(v)).toBe(false);
  });
});
