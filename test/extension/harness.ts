// Shared set-up for the background tests: a Miner over in-memory storage and a fake relay.
import type { Descriptor } from '../../src/core/protocol/descriptor.js';
import { Miner } from '../../src/extension/mining/miner.js';
import type { WakeUp } from '../../src/extension/mining/wake-alarm.js';
import { MemoryStorageArea } from '../../src/extension/store/area.js';
import { defaultSettings, parseSettings, SETTINGS_KEY, type Settings } from '../../src/extension/store/settings.js';
import { defaultStatus, parseStatus, STATUS_KEY } from '../../src/extension/store/status.js';
import { TypedStore } from '../../src/extension/store/typed-store.js';
import { emptyWallet, parseWallet, WALLET_KEY } from '../../src/extension/store/wallet.js';
import { counterRandom, InProcessHost, testRelayEntry, type FakeRelay } from './fakes.js';

const ENDPOINT = 'ws://relay.test/mine';

export function setup(relay: FakeRelay, patch: Partial<Settings> = {}, refreshRelay?: (endpoint: string) => Promise<Descriptor>, wake?: WakeUp) {
  const local = new MemoryStorageArea();
  const session = new MemoryStorageArea();
  const settings = new TypedStore(local, SETTINGS_KEY, parseSettings, defaultSettings);
  const status = new TypedStore(session, STATUS_KEY, parseStatus, defaultStatus);
  const wallet = new TypedStore(local, WALLET_KEY, parseWallet, emptyWallet);
  const host = new InProcessHost();
  const miner = new Miner({
    transport: relay, host, settings, status, wallet, random: counterRandom(7), cores: 2, now: () => Date.now(),
    backoffMs: { base: 10, max: 40 }, wake,
    refreshRelay: refreshRelay ?? (async () => {
      throw new Error('no refresh in this test');
    }),
  });
  const ready = settings.set({
    ...defaultSettings(),
    relays: [testRelayEntry(ENDPOINT)],
    activeRelay: ENDPOINT,
    ...patch,
  });
  return { settings, status, wallet, host, miner, ready, session, local };
}

export async function until<T>(f: () => Promise<T> | T, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`condition not met in ${ms} ms; last value ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
