import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryStorageArea } from '../../src/extension/store/area.js';
import {
  defaultSettings, parseSettings, SETTINGS_KEY, withRelay, withoutRelay, type Settings,
} from '../../src/extension/store/settings.js';
import { defaultStatus, parseStatus } from '../../src/extension/store/status.js';
import { TypedStore } from '../../src/extension/store/typed-store.js';
import { testRelayEntry } from './fakes.js';

const A = testRelayEntry('ws://relay.test/a');
const B = testRelayEntry('ws://relay.test/b');

describe('settings', () => {
  it('round-trip through parseSettings', () => {
    const s: Settings = withRelay(withRelay(defaultSettings(), A), B);
    expect(parseSettings(structuredClone(s))).toEqual(s);
    expect(s.activeRelay).toBe(A.endpoint);
  });

  it('refuse hostile or inconsistent stored values', () => {
    const good = withRelay(defaultSettings(), A);
    const bad: unknown[] = [
      null, 42, 'settings', [], {},
      { ...good, version: 2 },
      { ...good, activeRelay: 'ws://elsewhere/' },
      { ...good, cpuBudget: 0 }, { ...good, cpuBudget: 101 }, { ...good, cpuBudget: 2.5 },
      { ...good, randomBand: 51 }, { ...good, mining: 'yes' },
      { ...good, relays: [A, A] },
      { ...good, relays: [{ ...A, endpoint: 'http://relay.test/a' }] },
      { ...good, relays: [{ ...A, name: 'not the descriptor name' }] },
      { ...good, relays: [{ ...A, descriptor: { ...A.descriptor, name: 'tampered' } }] },
      { ...good, relays: [{ ...A, descriptorUrl: 'javascript:alert(1)' }] },
    ];
    for (const b of bad) expect(parseSettings(b)).toBeNull();
  });

  it('never throws on arbitrary JSON', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      parseSettings(v);
      parseStatus(v);
    }));
  });

  it('removing the active relay activates another one', () => {
    const s = withoutRelay(withRelay(withRelay(defaultSettings(), A), B), A.endpoint);
    expect(s.relays.map((r) => r.endpoint)).toEqual([B.endpoint]);
    expect(s.activeRelay).toBe(B.endpoint);
    expect(withoutRelay(s, B.endpoint).activeRelay).toBeNull();
  });
});

describe('TypedStore', () => {
  it('reads the fallback for a missing or corrupt value', async () => {
    const area = new MemoryStorageArea();
    const store = new TypedStore(area, SETTINGS_KEY, parseSettings, defaultSettings);
    expect(await store.get()).toEqual(defaultSettings());
    await area.set({ [SETTINGS_KEY]: { version: 1, relays: 'lots' } });
    expect(await store.get()).toEqual(defaultSettings());
  });

  it('serializes concurrent updates so none is lost', async () => {
    const area = new MemoryStorageArea();
    const store = new TypedStore(area, 'status', parseStatus, defaultStatus);
    await Promise.all(Array.from({ length: 50 }, () => store.update((s) => ({ ...s, accepted: s.accepted + 1 }))));
    expect((await store.get()).accepted).toBe(50);
  });

  it('keeps working after an update that throws, and leaves the value unchanged', async () => {
    const area = new MemoryStorageArea();
    const store = new TypedStore(area, 'status', parseStatus, defaultStatus);
    await store.update((s) => ({ ...s, accepted: 3 }));
    await expect(store.update(() => {
      throw new Error('bad change');
    })).rejects.toThrow('bad change');
    expect((await store.update((s) => ({ ...s, accepted: s.accepted + 1 }))).accepted).toBe(4);
  });
});
