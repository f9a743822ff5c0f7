import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PublicKey, decodeCommitment, decodeResponse, encodeChallenge, infoForDay, newTicketSecret, userBlind, userUnblind,
  type UserState,
} from '../../src/core/tickets/index.js';
import { ErrorCode, RpcError } from '../../src/core/protocol/errors.js';
import type { CommitResult, SignResult } from '../../src/core/protocol/workpass.js';
import { base64urlToBytes, bytesToBase64url, concatBytes } from '../../src/core/util/bytes.js';
import { DEFAULTS, type RelayConfig } from '../../src/relay/config.js';
import { Issuer } from '../../src/relay/issuer.js';
import { Store, toNano } from '../../src/relay/store/store.js';
import { seededRandom } from '../tickets/helpers.js';

/**
 * The daemon's signing sessions (src/relay/issuer.ts) against hostile clients and restarts: one
 * challenge per (u, s, d) even across processes sharing the store, the (key, day) bound, replay.
 */
const T0 = Date.parse('2026-12-01T12:00:00Z');
const dirs: string[] = [];
const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(overrides: Partial<RelayConfig> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'workpass-sec-'));
  dirs.push(dir);
  const config: RelayConfig = { ...DEFAULTS, dataDir: dir, price: 1, maxOpenSigning: 4, signingSeconds: 30, ...overrides };
  let now = T0;
  const clock = () => now;
  const open = (seed: string) => {
    const store = new Store(dir);
    stores.push(store);
    return { store, issuer: new Issuer(store, config, clock, seededRandom(seed)) };
  };
  return { config, clock, advance: (ms: number) => (now += ms), open };
}

function fundedToken(issuer: Issuer, store: Store, credit: number): string {
  const { token } = issuer.open('tickets', T0);
  store.creditShare(store.sessionByToken(token)!.id, 'tickets', toNano(credit), T0);
  return token;
}

function blind(issuer: Issuer, commit: CommitResult, seed: string): { e: string; state: UserState } {
  const key = issuer.ticketKeys(T0).find((k) => k.keyId === commit.keyId)!;
  const pk = PublicKey.fromText(key.publicKey);
  const rand = seededRandom(seed);
  const { msg } = newTicketSecret(rand);
  const commitment = decodeCommitment(concatBytes(base64urlToBytes('a', commit.a), base64urlToBytes('b', commit.b)));
  const { challenge, state } = userBlind(pk, infoForDay(commit.day), msg, commitment, rand);
  return { e: bytesToBase64url(encodeChallenge(challenge)), state };
}

function response(r: SignResult) {
  return decodeResponse(concatBytes(...[r.r, r.c, r.s, r.d].map((v) => base64urlToBytes('v', v))));
}

function code(f: () => unknown): number {
  try {
    f();
  } catch (err) {
    if (err instanceof RpcError) return err.code;
    throw err;
  }
  throw new Error('expected an RpcError');
}

describe('issuer: one challenge per (u, s, d)', () => {
  it('a replayed (sid, e) gets the same response; another e is refused; the credit is taken once', () => {
    const s = setup();
    const { store, issuer } = s.open('r1');
    const token = fundedToken(issuer, store, 5);
    const c = issuer.commit(token, T0);
    const { e, state } = blind(issuer, c, 'u1');
    const r1 = issuer.sign(token, c.sid, e, T0);
    expect(userUnblind(state, response(r1))).toBeDefined();
    expect(issuer.sign(token, c.sid, e, T0)).toEqual(r1);
    const other = blind(issuer, c, 'u2').e;
    expect(code(() => issuer.sign(token, c.sid, other, T0))).toBe(ErrorCode.challengeAnswered);
    expect(issuer.status(token).credit).toBe(4);
    // Another token cannot use (or burn) someone else's sid.
    const thief = fundedToken(issuer, store, 5);
    expect(code(() => issuer.sign(thief, c.sid, other, T0))).toBe(ErrorCode.unknownSigningSession);
  });

  it('after a restart an answered session is never answered again, and an open one still only once', () => {
    const s = setup();
    const a = s.open('r2');
    const token = fundedToken(a.issuer, a.store, 5);
    const answered = a.issuer.commit(token, T0);
    const open = a.issuer.commit(token, T0);
    const e1 = blind(a.issuer, answered, 'u3').e;
    const r1 = a.issuer.sign(token, answered.sid, e1, T0);
    a.store.db.close();
    stores.splice(stores.indexOf(a.store), 1);
    const b = s.open('r2-restart');
    expect(b.issuer.sign(token, answered.sid, e1, T0)).toEqual(r1);
    expect(code(() => b.issuer.sign(token, answered.sid, blind(b.issuer, answered, 'u4').e, T0))).toBe(ErrorCode.challengeAnswered);
    // The open session was re-imported: it answers once, with a valid response.
    const u = blind(b.issuer, open, 'u5');
    expect(userUnblind(u.state, response(b.issuer.sign(token, open.sid, u.e, T0)))).toBeDefined();
    expect(code(() => b.issuer.sign(token, open.sid, blind(b.issuer, open, 'u6').e, T0))).toBe(ErrorCode.challengeAnswered);
  });

  it('two processes on one store (a restart that overlaps the old process) answer a session once between them', () => {
    const s = setup();
    const a = s.open('r3');
    const token = fundedToken(a.issuer, a.store, 5);
    const c = a.issuer.commit(token, T0);
    const b = s.open('r3-second');
    b.issuer.sign(token, c.sid, blind(b.issuer, c, 'u7').e, T0);
    expect(code(() => a.issuer.sign(token, c.sid, blind(a.issuer, c, 'u8').e, T0))).toBe(ErrorCode.challengeAnswered);
  });

  it('the answering transaction is durable before the response leaves (synchronous = FULL)', () => {
    // With WAL + synchronous=NORMAL a commit can roll back on an OS crash or power loss; the
    // re-imported session would then answer a second challenge, which reveals the signing key.
    const s = setup();
    const { store, issuer } = s.open('r4');
    const token = fundedToken(issuer, store, 5);
    const c = issuer.commit(token, T0);
    const seen: number[] = [];
    const original = store.completeSigning.bind(store);
    store.completeSigning = (...args) => {
      seen.push(store.db.pragma('synchronous', { simple: true }) as number);
      return original(...args);
    };
    issuer.sign(token, c.sid, blind(issuer, c, 'u9').e, T0);
    expect(seen).toEqual([2]);
    expect(store.db.pragma('synchronous', { simple: true })).toBe(1);
  });
});

describe('issuer: credit and response in one transaction', () => {
  it('a signing step that fails after the debit takes no credit and stores no response', () => {
    const s = setup();
    const { store, issuer } = s.open('r8');
    const token = fundedToken(issuer, store, 5);
    const c = issuer.commit(token, T0);
    // The in-memory state is gone (as after a crash of the signing step) while the row is open.
    (issuer as unknown as { sessions: { cancel(id: string): boolean } }).sessions.cancel(c.sid);
    expect(code(() => issuer.sign(token, c.sid, blind(issuer, c, 'u10').e, T0))).toBe(ErrorCode.unknownSigningSession);
    expect(issuer.status(token)).toMatchObject({ credit: 5, issued: 0 });
    expect(store.signing(c.sid)).toMatchObject({ state: 'open', e: null, response: null });
  });
});

describe('issuer: at most maxOpenSigning open sessions per (key, day)', () => {
  it('holds across tokens and across a restart', () => {
    const s = setup({ maxOpenSigning: 4 });
    const a = s.open('r5');
    const tokens = [0, 1, 2, 3, 4].map(() => fundedToken(a.issuer, a.store, 5));
    for (let i = 0; i < 4; i++) a.issuer.commit(tokens[i]!, T0);
    expect(code(() => a.issuer.commit(tokens[4]!, T0))).toBe(ErrorCode.tooManySigning);
    a.store.db.close();
    stores.splice(stores.indexOf(a.store), 1);
    const b = s.open('r5-restart');
    expect(code(() => b.issuer.commit(tokens[4]!, T0))).toBe(ErrorCode.tooManySigning);
    s.advance(30_000);
    expect(b.issuer.commit(tokens[4]!, T0 + 30_000).sid).toMatch(/^[0-9a-f]{32}$/);
  });

  it('holds across two processes sharing one store', () => {
    const s = setup({ maxOpenSigning: 2 });
    const a = s.open('r6');
    const token = fundedToken(a.issuer, a.store, 10);
    const b = s.open('r6-second');
    a.issuer.commit(token, T0);
    b.issuer.commit(token, T0);
    expect(code(() => a.issuer.commit(token, T0))).toBe(ErrorCode.tooManySigning);
    expect(code(() => b.issuer.commit(token, T0))).toBe(ErrorCode.tooManySigning);
  });

  it('a commit whose store write fails gives its slot back', () => {
    const s = setup({ maxOpenSigning: 1 });
    const { store, issuer } = s.open('r7');
    const token = fundedToken(issuer, store, 5);
    const original = store.insertSigning.bind(store);
    store.insertSigning = () => {
      throw new Error('disk full');
    };
    expect(() => issuer.commit(token, T0)).toThrow('disk full');
    store.insertSigning = original;
    expect(issuer.commit(token, T0).sid).toMatch(/^[0-9a-f]{32}$/);
  });
});
