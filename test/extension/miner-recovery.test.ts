import { afterEach, describe, expect, it } from 'vitest';
import { Miner } from '../../src/extension/mining/miner.js';
import type { MiningStatus } from '../../src/extension/store/status.js';
import type { TypedStore } from '../../src/extension/store/typed-store.js';
import type { Wallet } from '../../src/extension/store/wallet.js';
import { counterRandom, FakeRelay, InProcessHost } from './fakes.js';
import { setup, until } from './harness.js';

/** A worker host whose stop() fails the next `failStops` times (an offscreen document gone between hasDocument and the message). */
class FlakyHost extends InProcessHost {
  failStops = 0;

  override async stop(): Promise<void> {
    if (this.failStops > 0) {
      this.failStops--;
      throw new Error('Could not establish connection. Receiving end does not exist.');
    }
    await super.stop();
  }
}

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

describe('Miner after a failure it could not clean up', () => {
  it('still reconnects when stopping the workers fails, and apply() is not left a no-op', async () => {
    const relay = new FakeRelay();
    const base = setup(relay);
    await base.ready;
    const host = new FlakyHost();
    const miner = new Miner({
      transport: relay, host, settings: base.settings, status: base.status, wallet: base.wallet, random: counterRandom(11),
      cores: 2, now: () => Date.now(), backoffMs: { base: 10, max: 40 },
      refreshRelay: async () => {
        throw new Error('no refresh in this test');
      },
    });
    stops.push(() => miner.stop());
    await miner.apply();
    await until(() => base.status.get(), (v: MiningStatus) => v.state === 'mining' && v.accepted >= 1);
    host.failStops = 1;
    relay.dropAll();
    await until(() => base.status.get(), (v: MiningStatus) => v.state === 'error' || relay.connections === 2, 5000);
    // The wake-up alarm's call, as it comes during the backoff or after it.
    await miner.apply();
    const s = await until(() => base.status.get(), (v: MiningStatus) => relay.connections === 2 && v.state === 'mining', 5000);
    expect(s.state).toBe('mining');
    expect(relay.open_.size).toBe(1);
  });

  it('retries when storage fails before the connection is tried, instead of hanging on to the session key', async () => {
    const relay = new FakeRelay();
    const base = setup(relay);
    await base.ready;
    let failReads = 1;
    const wallet = {
      get: async () => {
        if (failReads > 0) {
          failReads--;
          throw new Error('storage unavailable');
        }
        return base.wallet.get();
      },
      update: (f: (w: Wallet) => Wallet) => base.wallet.update(f),
      set: (w: Wallet) => base.wallet.set(w),
      clear: () => base.wallet.clear(),
    } as unknown as TypedStore<Wallet>;
    const miner = new Miner({
      transport: relay, host: new InProcessHost(), settings: base.settings, status: base.status, wallet, random: counterRandom(13),
      cores: 2, now: () => Date.now(), backoffMs: { base: 10, max: 40 },
      refreshRelay: async () => {
        throw new Error('no refresh in this test');
      },
    });
    stops.push(() => miner.stop());
    await miner.apply();
    const s = await until(() => base.status.get(), (v: MiningStatus) => v.state === 'mining' && v.accepted >= 1, 5000);
    expect(s.state).toBe('mining');
    expect(relay.connections).toBe(1);
  });
});
