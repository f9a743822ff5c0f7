import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  InputError, Keyring, RetryLaterError, SessionError, SignerSessions, SigningKey, infoForDay, newTicketSecret,
  startOfDay, userBlind, userUnblind, verify, PublicKey, hexToBytes, type OpenedSession,
} from './imports.js';
import { seededRandom } from './helpers.js';

const start = startOfDay('2026-12-01') + 12 * 3_600_000;

function setup(opts: { maxOpen?: number; ttlMs?: number; completedTtlMs?: number } = {}, seed = 'sessions', keySeed = seed) {
  const ring = new Keyring();
  ring.rotate(SigningKey.generate(seededRandom(`${keySeed}/key`)), '2026-12-01');
  const clock = { now: start };
  const sessions = new SignerSessions({ keys: ring, clock: () => clock.now, rand: seededRandom(seed), ...opts });
  return { ring, clock, sessions, pub: ring.current().publicKey };
}

function clientBlind(pub: PublicKey, opened: OpenedSession, seed: string) {
  const rand = seededRandom(seed);
  const { msg } = newTicketSecret(rand);
  const info = infoForDay(opened.day);
  const { challenge, state } = userBlind(pub, info, msg, opened.commitment, rand);
  return { challenge, state, msg, info };
}

describe('signer sessions', () => {
  it('issues valid signatures', () => {
    const { sessions, pub } = setup();
    const opened = sessions.commit();
    expect(opened.day).toBe('2026-12-01');
    const c = clientBlind(pub, opened, 'c1');
    const sig = userUnblind(c.state, sessions.respond(opened.sessionId, c.challenge));
    expect(verify(pub, c.info, c.msg, sig)).toBe(true);
    expect(sessions.openCount()).toBe(0);
  });

  it('accepts exactly one challenge per session', () => {
    const { sessions, pub } = setup();
    const opened = sessions.commit();
    const c = clientBlind(pub, opened, 'c1');
    const first = sessions.respond(opened.sessionId, c.challenge);
    const other = clientBlind(pub, opened, 'c2');
    expect(() => sessions.respond(opened.sessionId, other.challenge)).toThrow(SessionError);
    expect(() => sessions.respond(opened.sessionId, c.challenge)).toThrow(/already answered/);
    expect(() => sessions.respond(opened.sessionId, other.challenge, { replay: true })).toThrow(SessionError);
    // Replay is only on request and only for the same e: the very same response comes back.
    expect(sessions.respond(opened.sessionId, c.challenge, { replay: true })).toEqual(first);
  });

  it('replays stop after completedTtlMs', () => {
    const { sessions, pub, clock } = setup({ completedTtlMs: 1000 });
    const opened = sessions.commit();
    const c = clientBlind(pub, opened, 'c1');
    sessions.respond(opened.sessionId, c.challenge);
    clock.now += 1000;
    expect(() => sessions.respond(opened.sessionId, c.challenge, { replay: true })).toThrow(expect.objectContaining({ code: 'unknown-session' }));
  });

  it('sessions expire after the ttl and can then never be answered', () => {
    const { sessions, pub, clock } = setup({ ttlMs: 5000 });
    const opened = sessions.commit();
    expect(opened.expiresAt).toBe(start + 5000);
    const c = clientBlind(pub, opened, 'c1');
    clock.now += 5000;
    expect(() => sessions.respond(opened.sessionId, c.challenge)).toThrow(expect.objectContaining({ code: 'expired' }));
    expect(() => sessions.respond(opened.sessionId, c.challenge)).toThrow(expect.objectContaining({ code: 'unknown-session' }));
    expect(sessions.openCount()).toBe(0);
  });

  it('never holds more than maxOpen sessions per (key, day), even under concurrent requests', async () => {
    const { sessions, pub, clock, ring } = setup({ maxOpen: 4, ttlMs: 10_000 });
    const keyId = ring.current().publicKey.keyIdHex();
    const attempt = async (i: number) => {
      await new Promise((r) => setTimeout(r, i % 3));
      try {
        return sessions.commit();
      } catch (err) {
        expect(err).toBeInstanceOf(RetryLaterError);
        expect((err as RetryLaterError).retryAfterMs).toBeGreaterThan(0);
        return null;
      }
    };
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => attempt(i)));
    const opened = results.filter((r) => r !== null);
    expect(opened).toHaveLength(4);
    expect(sessions.openCount(keyId, '2026-12-01')).toBe(4);
    // Answer two concurrently with new commits: the bound still holds at every moment.
    const mixed = await Promise.all([
      (async () => sessions.respond(opened[0]!.sessionId, clientBlind(pub, opened[0]!, 'a').challenge))(),
      (async () => sessions.cancel(opened[1]!.sessionId))(),
      ...Array.from({ length: 20 }, (_, i) => attempt(i)),
    ]);
    expect(mixed.slice(2).filter((r) => r !== null)).toHaveLength(2);
    expect(sessions.openCount(keyId, '2026-12-01')).toBe(4);
    // A new day is a new info and a new bucket.
    clock.now = startOfDay('2026-12-02') + 1;
    expect(sessions.openCount(keyId, '2026-12-01')).toBe(0);
    expect(Array.from({ length: 6 }, () => attempt(0))).toHaveLength(6);
  });

  it('the bound holds for any interleaving of commit / respond / cancel / time passing', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant('commit'), fc.constant('respond'), fc.constant('cancel'), fc.integer({ min: 1, max: 4000 })), { maxLength: 60 }), (ops) => {
        const { sessions, pub, clock } = setup({ maxOpen: 3, ttlMs: 5000 }, 'prop');
        const live: OpenedSession[] = [];
        for (const op of ops) {
          if (op === 'commit') {
            try {
              live.push(sessions.commit());
            } catch (err) {
              expect(err).toBeInstanceOf(RetryLaterError);
              expect(live.filter((s) => s.expiresAt > clock.now).length).toBe(3);
            }
          } else if (op === 'respond' || op === 'cancel') {
            const s = live.shift();
            if (s === undefined) continue;
            if (op === 'cancel') sessions.cancel(s.sessionId);
            else {
              try {
                sessions.respond(s.sessionId, clientBlind(pub, s, 'p').challenge);
                expect(clock.now).toBeLessThan(s.expiresAt);
              } catch (err) {
                expect(err).toBeInstanceOf(SessionError);
                expect(clock.now).toBeGreaterThanOrEqual(s.expiresAt);
              }
            }
          } else clock.now += op;
          expect(sessions.openCount()).toBeLessThanOrEqual(3);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('export / import keeps a session answerable once, still under the bound', () => {
    const a = setup({ maxOpen: 2 }, 'persist');
    const opened = a.sessions.commit();
    const stored = JSON.parse(JSON.stringify(a.sessions.export(opened.sessionId)));
    // A restarted daemon: same key, new process.
    const b = setup({ maxOpen: 2 }, 'persist');
    const reopened = b.sessions.import(stored);
    expect(reopened.commitment.a.equals(opened.commitment.a) && reopened.commitment.b.equals(opened.commitment.b)).toBe(true);
    expect(() => b.sessions.import(stored)).toThrow(InputError);
    const c = clientBlind(a.pub, opened, 'c');
    const sig = userUnblind(c.state, b.sessions.respond(opened.sessionId, c.challenge));
    expect(verify(a.pub, c.info, c.msg, sig)).toBe(true);
    expect(() => b.sessions.import(stored)).toThrow(InputError);
    // Bound applies to imports.
    const c2 = setup({ maxOpen: 1 }, 'other rand', 'persist');
    c2.sessions.commit();
    expect(() => c2.sessions.import(stored)).toThrow(RetryLaterError);
    // Expired, foreign-key and tampered records are refused.
    const d = setup({}, 'persist');
    d.clock.now = stored.expiresAt;
    expect(() => d.sessions.import(stored)).toThrow(SessionError);
    const e = setup({}, 'another key');
    expect(() => e.sessions.import(stored)).toThrow(/current signing key/);
    const f = setup({}, 'persist');
    expect(() => f.sessions.import({ ...stored, u: 'ff'.repeat(32) })).toThrow(InputError);
    expect(() => f.sessions.import({ ...stored, day: '2026-02-30' })).toThrow(InputError);
    expect(() => f.sessions.import({ ...stored, sessionId: 'x' })).toThrow(InputError);
    expect(() => f.sessions.import(null as never)).toThrow(InputError);
    expect(f.sessions.openCount()).toBe(0);
  });

  it('refuses bad arguments without changing state', () => {
    const { sessions } = setup();
    const opened = sessions.commit();
    expect(() => sessions.respond('nope', { e: 1n })).toThrow(InputError);
    expect(() => sessions.respond(opened.sessionId, { e: -1n })).toThrow(InputError);
    expect(() => sessions.respond(opened.sessionId, null as never)).toThrow(InputError);
    expect(() => sessions.respond('00'.repeat(16), { e: 1n })).toThrow(expect.objectContaining({ code: 'unknown-session' }));
    expect(sessions.openCount()).toBe(1);
    expect(() => new SignerSessions({ keys: new Keyring(), clock: () => 0, rand: seededRandom('x'), maxOpen: 0 })).toThrow(InputError);
    expect(() => new SignerSessions({ keys: {} as never, clock: () => 0, rand: seededRandom('x') })).toThrow(InputError);
    expect(hexToBytes('id', opened.sessionId)).toHaveLength(16);
  });
});
