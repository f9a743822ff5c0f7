import { ed25519 } from '@noble/curves/ed25519.js';
import { randomBytes } from '@noble/hashes/utils.js';
import {
  Keyring, SignerSessions, encodeCommitment, encodeResponse, SigningKey, createTicket, encodeTicket, infoForDay, mod, newTicketSecret, signerCommit,
  signerRespond, startOfDay, userBlind, userUnblind, utcDay, verify, verifyTicket, type Commitment,
} from '../src/core/tickets/index.js';
import { benchFlags, formatRate, measure, printTable, type Rate } from './harness.js';

/**
 * `workpass bench tickets [--json] [--seconds N]`: one thread. Ticket verify next to
 * @noble/curves' ed25519 verify (same run, same harness), full signer-side issuance
 * (SignerSessions commit + respond, including the signer's self-check), and the client's work
 * (fresh x, blind, unblind with its built-in verify).
 */
/**
 * Measures several steps in alternating slices (ROUNDS rounds of seconds/ROUNDS each) and sums
 * them, so a change in machine load during the run hits ours and the peer alike. Also sums the
 * process CPU time of each step's slices: ops per CPU-second is the rate of one busy core, which
 * stays meaningful when the machine is shared (it counts GC threads too, so it errs low).
 */
const ROUNDS = 6;
interface Measured extends Rate {
  readonly perCpuSecond: number;
}
function interleaved(steps: Array<() => number>, seconds: number): Measured[] {
  const totals = steps.map(() => ({ ops: 0, seconds: 0, cpu: 0 }));
  for (let r = 0; r < ROUNDS; r++) {
    steps.forEach((step, k) => {
      const before = process.cpuUsage();
      const m = measure(step, seconds / ROUNDS);
      const used = process.cpuUsage(before);
      totals[k]!.ops += m.ops;
      totals[k]!.seconds += m.seconds;
      totals[k]!.cpu += (used.user + used.system) / 1e6;
    });
  }
  return totals.map((t) => ({ ops: t.ops, seconds: t.seconds, perSecond: t.ops / t.seconds, perCpuSecond: t.ops / t.cpu }));
}

export async function run(args: string[]): Promise<number> {
  const { json, seconds } = benchFlags(args);
  const now = Date.now();
  const day = utcDay(now);
  const info = infoForDay(day);
  const key = SigningKey.generate(randomBytes);
  const ring = new Keyring();
  ring.rotate(key, day);

  const mint = () => {
    const { x, msg } = newTicketSecret(randomBytes);
    const { state, commitment } = signerCommit(key, info, randomBytes);
    const { challenge, state: us } = userBlind(key.publicKey, info, msg, commitment, randomBytes);
    return createTicket({ keyId: key.keyId, day, x, signature: userUnblind(us, signerRespond(key, state, challenge)) });
  };
  const tickets = Array.from({ length: 64 }, mint);
  const encoded = tickets.map(encodeTicket);
  let i = 0;

  const verifyStep = () => {
    const t = tickets[i++ & 63]!;
    if (!verify(key.publicKey, info, t.msg, t.signature)) throw new Error('bench ticket failed to verify');
    return 1;
  };
  const verifyTicketStep = () => {
    if (!verifyTicket(encoded[i++ & 63]!, ring, now).ok) throw new Error('bench ticket failed verifyTicket');
    return 1;
  };

  const edKey = ed25519.utils.randomSecretKey();
  const edPub = ed25519.getPublicKey(edKey);
  const edMsgs = Array.from({ length: 64 }, () => randomBytes(32));
  const edSigs = edMsgs.map((m) => ed25519.sign(m, edKey));
  const peerStep = () => {
    const k = i++ & 63;
    if (!ed25519.verify(edSigs[k]!, edMsgs[k]!, edPub)) throw new Error('ed25519 signature failed to verify');
    return 1;
  };

  // The signer's side exactly as the daemon runs it. A challenge is any scalar to the signer.
  const sessions = new SignerSessions({ keys: ring, clock: () => startOfDay(day) + 3_600_000, rand: randomBytes, maxOpen: 4 });
  // Wire encoding is included: the daemon sends (a, b) and (r, c, s, d) as bytes.
  const issueStep = () => {
    const opened = sessions.commit();
    encodeCommitment(opened.commitment);
    encodeResponse(sessions.respond(opened.sessionId, { e: mod(BigInt(i++) * 0x9e3779b97f4a7c15n + 1n) }));
    return 1;
  };

  // The client's side. Commitments come from a pool made beforehand, and the signer's answer is
  // computed with two scalar operations (r = u - (e - d)x), so only the client's work is timed.
  // Reusing a commitment across challenges would reveal x; this throwaway bench key never signs anything else.
  const pool: Array<{ commitment: Commitment; u: bigint; s: bigint; d: bigint }> = Array.from({ length: 128 }, () => {
    const { state, commitment } = signerCommit(key, info, randomBytes);
    return { commitment, ...state.exportSecrets() };
  });
  const clientStep = () => {
    const p = pool[i++ & 127]!;
    const { msg } = newTicketSecret(randomBytes);
    const { challenge, state } = userBlind(key.publicKey, info, msg, p.commitment, randomBytes);
    const c = mod(challenge.e - p.d);
    userUnblind(state, { r: mod(p.u - c * key.secret), c, s: p.s, d: p.d });
    return 1;
  };

  const [ours, peer, full, issue, client] = interleaved([verifyStep, peerStep, verifyTicketStep, issueStep, clientStep], seconds) as [Measured, Measured, Measured, Measured, Measured];

  const row = (name: string, m: Measured) => [name, formatRate(m.perSecond, 'op/s'), formatRate(m.perCpuSecond, 'op/s'), `${m.ops}`];
  const rows = [
    row('ticket verify (ours)', ours),
    row('ed25519 verify (@noble/curves, peer)', peer),
    row('verifyTicket: decode + checks + verify', full),
    row('signer issuance: commit + respond', issue),
    row('client: x, blind, unblind + verify', client),
  ];
  if (!json) {
    printTable(['tickets (one thread)', 'wall-clock rate', 'per CPU-second', 'ops'], rows);
    process.stdout.write(`verify ratio ours/peer: ${(ours.perSecond / peer.perSecond).toFixed(2)} (wall clock), ${(ours.perCpuSecond / peer.perCpuSecond).toFixed(2)} (CPU time)\n`);
  }
  const round = (n: number) => Math.round(n);
  process.stdout.write(
    (json ? '' : '\n') +
      JSON.stringify({
        verify: { ours: round(ours.perSecond), peer: round(peer.perSecond), peerName: 'ed25519 verify' },
        issue: { ours: round(issue.perSecond) },
        client: { ours: round(client.perSecond) },
      }) +
      '\n',
  );
  return 0;
}
