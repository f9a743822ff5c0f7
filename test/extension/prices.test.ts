import { describe, expect, it, vi } from 'vitest';
import { signDescriptor, type Descriptor } from '../../src/core/protocol/descriptor.js';
import { TicketClient } from '../../src/extension/mining/ticket-client.js';
import { algorithmsText, minedPrice, relayDetails } from '../../src/extension/platform/format.js';
import { MemoryStorageArea } from '../../src/extension/store/area.js';
import { TypedStore } from '../../src/extension/store/typed-store.js';
import { emptyWallet, parseWallet, WALLET_KEY } from '../../src/extension/store/wallet.js';
import { RelayError } from '../../src/extension/transport/rpc-client.js';
import { counterRandom, testDescriptor } from './fakes.js';

// format.ts speaks through browser.i18n: a stand-in that shows the message name and its substitutions.
vi.mock('../../src/extension/platform/browser.js', () => ({
  browser: { i18n: { getMessage: (name: string, subs?: string | string[]) => `${name}(${[subs ?? []].flat().join('|')})` } },
}));

/** A relay mining sha256d on WebSocket at the default price 1 and scrypt on TCP at 3. */
function twoPriceDescriptor(): Descriptor {
  const { version, name, fingerprint, published, endpoints, tickets, partners } = testDescriptor('ws://relay.test/mine');
  return signDescriptor({
    version, name, fingerprint, published, endpoints, tickets, partners,
    algorithms: [
      { name: 'sha256d', difficulty: 0.001, minDifficulty: 1e-6, maxDifficulty: 1e9, endpoints: ['ws'] },
      { name: 'scrypt', difficulty: 0.01, minDifficulty: 1e-6, maxDifficulty: 1e9, endpoints: ['stratum'], price: 3 },
    ],
  }, new Uint8Array(32).fill(1));
}

describe('the add-on uses the price of the algorithm it mines', () => {
  it('shows the mined algorithm\'s price, and each algorithm\'s when they differ', () => {
    const d = twoPriceDescriptor();
    expect([minedPrice(d), minedPrice(d, 'sha256d'), minedPrice(d, 'scrypt')]).toEqual([1, 1, 3]);
    expect(algorithmsText(d)).toBe('sha256d 1, scrypt 3');
    expect(relayDetails(d)).toBe('relayPrice(1|600|sha256d 1, scrypt 3)');
    const one = testDescriptor('ws://relay.test/mine');
    expect([minedPrice(one), algorithmsText(one)]).toEqual([1, 'sha256d']);
  });

  /** The RPC methods a ticket client calls for one collect() given the session's status. */
  async function callsFor(algorithm: string, status: { credit: number; price: number }): Promise<string[]> {
    const calls: string[] = [];
    const rpc = {
      request(method: string): Promise<unknown> {
        calls.push(method);
        if (method === 'workpass.session.status') return Promise.resolve({ ...status, issued: 0, mode: 'tickets' });
        // Refused like a relay short of credit: the client stops without an error.
        if (method === 'ticket.commit') return Promise.reject(new RelayError(30, 'insufficient credit'));
        return Promise.reject(new Error(`unexpected ${method}`));
      },
    };
    const errors: string[] = [];
    const d = twoPriceDescriptor();
    const client = new TicketClient('A'.repeat(22), {
      rpc, algorithm, relay: 'ws://relay.test/mine', wallet: new TypedStore(new MemoryStorageArea(), WALLET_KEY, parseWallet, emptyWallet),
      descriptor: () => d, refreshDescriptor: () => Promise.resolve(d), random: counterRandom(3), now: () => Date.now(),
      onTicket: () => undefined, onError: (m) => errors.push(m),
    });
    await client.collect();
    expect(errors).toEqual([]);
    return calls;
  }

  it('asks for a ticket only when the credit covers its algorithm\'s price', async () => {
    // The relay's status says 1 (the default price), but the signed descriptor prices scrypt at 3.
    expect(await callsFor('scrypt', { credit: 2, price: 1 })).toEqual(['workpass.session.status']);
    expect(await callsFor('scrypt', { credit: 3, price: 1 })).toEqual(['workpass.session.status', 'ticket.commit']);
    expect(await callsFor('sha256d', { credit: 2, price: 1 })).toEqual(['workpass.session.status', 'ticket.commit']);
    // The session's own price counts too, when it is the higher one.
    expect(await callsFor('sha256d', { credit: 2, price: 2.5 })).toEqual(['workpass.session.status']);
    // An algorithm the descriptor does not list: the session's price.
    expect(await callsFor('x11', { credit: 2, price: 1 })).toEqual(['workpass.session.status', 'ticket.commit']);
  });
});
