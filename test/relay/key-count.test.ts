import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_KEYS, signDescriptor, verifyDescriptor } from '../../src/core/protocol/descriptor.js';
import { InputError } from '../../src/core/util/errors.js';
import { resolveConfig } from '../../src/relay/config.js';
import { Issuer } from '../../src/relay/issuer.js';
import { Store } from '../../src/relay/store/store.js';

/**
 * The descriptor lists at most MAX_KEYS ticket keys, and it lists every key whose tickets still
 * verify: so keyDays and ticketHours must not keep more keys valid than that, or after some days the
 * relay could not sign its descriptor any more.
 */
const dirs: string[] = [];
const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const config = (keyDays: number, ticketHours: number, dataDir = '.') =>
  resolveConfig({ flags: new Map([['data-dir', dataDir]]), file: { path: 'relay.json', text: JSON.stringify({ keyDays, ticketHours }) } });

/** The most keys the descriptor lists over `days` days of an issuer signing every 6 hours; throws if signing the descriptor fails. */
function mostKeysListed(keyDays: number, ticketHours: number, days: number, unchecked = false): number {
  const dir = mkdtempSync(join(tmpdir(), 'workpass-keys-'));
  dirs.push(dir);
  // unchecked: past the config's bound (by one hour), to show the bound is the real limit.
  const c = unchecked ? { ...config(keyDays, ticketHours - 1, dir), ticketHours } : config(keyDays, ticketHours, dir);
  const store = new Store(dir);
  stores.push(store);
  let clock = Date.UTC(2026, 10, 1, 0, 30);
  const issuer = new Issuer(store, c, () => clock);
  let most = 0;
  for (let i = 0; i < days * 4; i++, clock += 6 * 3_600_000) {
    const keys = issuer.ticketKeys(clock);
    most = Math.max(most, keys.length);
    const d = signDescriptor(
      {
        version: 1, name: 'keys', fingerprint: c.fingerprint, published: Math.floor(clock / 1000),
        endpoints: { ws: 'ws://127.0.0.1:1', stratum: 'stratum+tcp://127.0.0.1:2', http: 'http://127.0.0.1:3' },
        algorithms: [{ name: 'sha256d', difficulty: 1, minDifficulty: 1, maxDifficulty: 2 }],
        tickets: { price: 1, dt: 600, graceHours: ticketHours, keys }, partners: [],
      },
      new Uint8Array(32).fill(7),
    );
    expect(verifyDescriptor(d)).toBe(true);
  }
  return most;
}

describe('keyDays and ticketHours against the descriptor key limit', () => {
  it('refuses a combination that keeps more ticket keys valid than a descriptor lists', () => {
    for (const [keyDays, ticketHours] of [[1, 720], [1, 361], [1, 500]] as const) {
      let err: unknown;
      try {
        config(keyDays, ticketHours);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).argument).toBe('ticketHours');
    }
  });

  it('takes the largest ones that fit, and their descriptor stays signable day after day', () => {
    expect(MAX_KEYS).toBe(16);
    expect(mostKeysListed(1, 360, 40)).toBe(16);
    expect(mostKeysListed(2, 720, 80)).toBeLessThanOrEqual(16);
    expect(mostKeysListed(7, 48, 30)).toBeLessThanOrEqual(2);
    // One hour more than the bound allows: in the first hour of a day a 17th key is still valid.
    expect(() => mostKeysListed(1, 361, 40, true)).toThrow(/more than 16 items/);
  });
});
