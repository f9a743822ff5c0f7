import { afterEach, describe, expect, it } from 'vitest';
import { Miner } from '../../src/extension/mining/miner.js';
import { isWakeAlarm, WAKE_ALARM, WAKE_PERIOD_MINUTES, WakeAlarm, type AlarmsApi } from '../../src/extension/mining/wake-alarm.js';
import type { MiningStatus } from '../../src/extension/store/status.js';
import { counterRandom, FakeRelay, InProcessHost } from './fakes.js';
import { setup, until } from './harness.js';

/** browser.alarms as the browser keeps it: alarms by name, outliving any one background. */
class FakeAlarms implements AlarmsApi {
  readonly alarms = new Map<string, { name: string; periodInMinutes?: number }>();
  creates = 0;
  clears = 0;
  failing = false;

  async get(name: string) {
    if (this.failing) throw new Error('alarms unavailable');
    return this.alarms.get(name);
  }

  async create(name: string, info: { periodInMinutes: number }) {
    if (this.failing) throw new Error('alarms unavailable');
    this.creates++;
    this.alarms.set(name, { name, periodInMinutes: info.periodInMinutes });
  }

  async clear(name: string) {
    if (this.failing) throw new Error('alarms unavailable');
    this.clears++;
    return this.alarms.delete(name);
  }
}

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

describe('WakeAlarm', () => {
  it('creates the periodic alarm once, keeps its schedule, and clears it', async () => {
    const api = new FakeAlarms();
    const wake = new WakeAlarm(api);
    await wake.set(true);
    await wake.set(true);
    expect(api.creates).toBe(1);
    expect(api.alarms.get(WAKE_ALARM)).toEqual({ name: WAKE_ALARM, periodInMinutes: WAKE_PERIOD_MINUTES });
    await wake.set(false);
    expect(api.alarms.size).toBe(0);
  });

  it('replaces an alarm of that name with another period', async () => {
    const api = new FakeAlarms();
    api.alarms.set(WAKE_ALARM, { name: WAKE_ALARM, periodInMinutes: 60 });
    await new WakeAlarm(api).set(true);
    expect(api.alarms.get(WAKE_ALARM)!.periodInMinutes).toBe(WAKE_PERIOD_MINUTES);
  });

  it('refuses a non-boolean and changes nothing', async () => {
    const api = new FakeAlarms();
    await expect(new WakeAlarm(api).set('yes' as unknown as boolean)).rejects.toThrow(TypeError);
    expect(api.creates + api.clears).toBe(0);
  });

  it('recognizes its alarm only', () => {
    expect(isWakeAlarm({ name: WAKE_ALARM })).toBe(true);
    for (const other of [{ name: 'other' }, { name: 1 }, {}, null, undefined]) expect(isWakeAlarm(other)).toBe(false);
  });
});

describe('Miner and the wake-up alarm', () => {
  it('sets the alarm while mining is wanted and clears it when mining is off or no relay is set', async () => {
    const relay = new FakeRelay();
    const api = new FakeAlarms();
    const { status, settings, miner, ready } = setup(relay, {}, undefined, new WakeAlarm(api));
    stops.push(() => miner.stop());
    await ready;
    await miner.apply();
    expect(api.alarms.has(WAKE_ALARM)).toBe(true);
    await until(() => status.get(), (v: MiningStatus) => v.state === 'mining');
    await miner.apply();
    expect(api.creates).toBe(1);
    await settings.update((s) => ({ ...s, mining: false }));
    await miner.apply();
    expect(api.alarms.has(WAKE_ALARM)).toBe(false);
    expect((await status.get()).state).toBe('idle');
    await settings.update((s) => ({ ...s, mining: true, activeRelay: null }));
    await miner.apply();
    expect(api.alarms.has(WAKE_ALARM)).toBe(false);
    expect((await status.get()).state).toBe('no_relay');
  });

  it('a background unloaded while connecting: the next life, woken by the alarm, mines on with the counters', async () => {
    // The first life stops mid-start (no reply from the relay yet) and is gone; the alarm stays.
    const silent = new FakeRelay({ silent: true });
    const api = new FakeAlarms();
    const first = setup(silent, {}, undefined, new WakeAlarm(api));
    await first.ready;
    await first.status.update((s) => ({ ...s, accepted: 5 }));
    await first.miner.apply();
    await until(() => first.status.get(), (v: MiningStatus) => v.state === 'connecting' && silent.connections === 1);
    await first.miner.stop();
    expect(api.alarms.has(WAKE_ALARM)).toBe(true);
    // A new background over the same storage and alarms, as the alarm listener runs it.
    const relay = new FakeRelay();
    const host = new InProcessHost();
    const second = new Miner({
      transport: relay, host, settings: first.settings, status: first.status, wallet: first.wallet, random: counterRandom(9),
      cores: 2, now: () => Date.now(), wake: new WakeAlarm(api), refreshRelay: async () => {
        throw new Error('no refresh in this test');
      },
    });
    stops.push(() => second.stop());
    await Promise.all([second.apply(), second.apply()]);
    const s = await until(() => first.status.get(), (v: MiningStatus) => v.accepted >= 7);
    expect(s.state).toBe('mining');
    expect(relay.connections).toBe(1);
    // The alarm already existed: its period was not restarted.
    expect(api.creates).toBe(1);
  });

  it('mines without the alarm when the alarms API fails', async () => {
    const relay = new FakeRelay();
    const api = new FakeAlarms();
    api.failing = true;
    const { status, miner, ready } = setup(relay, {}, undefined, new WakeAlarm(api));
    stops.push(() => miner.stop());
    await ready;
    await miner.apply();
    const s = await until(() => status.get(), (v: MiningStatus) => v.accepted >= 1);
    expect(s.state).toBe('mining');
  });
});
