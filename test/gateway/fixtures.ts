import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  Keyring,
  SigningKey,
  createTicket,
  infoForDay,
  newTicketSecret,
  signerCommit,
  signerRespond,
  ticketToText,
  userBlind,
  userUnblind,
  type Day,
} from '../../src/core/tickets/index.js';
import { Store } from '../../src/relay/store/store.js';
import { Ledger } from '../../src/relay/exchange/ledger.js';
import { relaySpentStore } from '../../src/relay/exchange/spent.js';
import type { PartnerConfig } from '../../src/relay/exchange/config.js';

/** Deterministic randomness: SHA-256 counter stream from a seed. */
export function seededRandom(seed: string): (n: number) => Uint8Array {
  let counter = 0;
  const enc = new TextEncoder();
  return (n) => {
    const out = new Uint8Array(n);
    for (let off = 0; off < n; off += 32) out.set(sha256(enc.encode(`${seed}/${counter++}`)).subarray(0, Math.min(32, n - off)), off);
    return out;
  };
}

/** Runs Protocol 1's blind-signing rounds in-process: a real ticket of `key` for `day`. */
export function mintTicket(key: SigningKey, day: Day, rand: (n: number) => Uint8Array): string {
  const info = infoForDay(day);
  const { x, msg } = newTicketSecret(rand);
  const { state, commitment } = signerCommit(key, info, rand);
  const blind = userBlind(key.publicKey, info, msg, commitment, rand);
  const signature = userUnblind(blind.state, signerRespond(key, state, blind.challenge));
  return ticketToText(createTicket({ keyId: key.keyId, day, x, signature }));
}

export interface RelayFixture {
  readonly dir: string;
  readonly store: Store;
  readonly keyring: Keyring;
  readonly key: SigningKey;
  ledger(partners: readonly PartnerConfig[], extraIssuers?: readonly string[]): Ledger;
  close(): void;
}

/** A relay's real SQLite store in a temp dir, with a keyring holding one fresh ticket key. */
export function relayFixture(name: string, day: Day): RelayFixture {
  const dir = mkdtempSync(join(tmpdir(), `workpass-${name}-`));
  const store = new Store(dir);
  const keyring = new Keyring();
  const key = SigningKey.generate(seededRandom(`${name}/key`));
  keyring.rotate(key, day);
  return {
    dir,
    store,
    keyring,
    key,
    ledger: (partners) => new Ledger(store.db, relaySpentStore(store), partners, (issuer) => issuer === key.publicKey.keyIdHex()),
    close: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
