import { afterEach, describe, expect, it } from 'vitest';
import type { MiningStatus } from '../../src/extension/store/status.js';
import { encodeNotifyParams } from '../../src/core/protocol/stratum.js';
import { FakeRelay, JOB } from './fakes.js';
import { setup, until } from './harness.js';

let stopMiner: (() => Promise<void>) | null = null;
afterEach(async () => {
  await stopMiner?.();
  stopMiner = null;
});

describe('Miner against a fake relay', () => {
  it('subscribes, opens a session, authorizes with its token, mines and gets shares accepted', async () => {
    const relay = new FakeRelay();
    const { status, host, miner, ready } = setup(relay);
    stopMiner = () => miner.stop();
    await ready;
    await miner.apply();
    const s = await until(() => status.get(), (v: MiningStatus) => v.accepted >= 2);
    expect(s.state).toBe('mining');
    expect(s.algorithm).toBe('sha256d');
    expect(s.rejected).toBe(0);
    expect(relay.modes).toEqual(['tickets']);
    expect(relay.rejected).toEqual([]);
    // mining.submit carries the session token as the worker and the nonce as %08x.
    for (const a of relay.accepted) {
      expect(a.worker).toBe([...relay.sessions.keys()][0]);
      expect(a.nonce).toMatch(/^[0-9a-f]{8}$/);
      expect(a.extranonce2).toMatch(/^[0-9a-f]{8}$/);
    }
    // 25% of 2 cores with a ±10% band: one worker at a duty of 0.45..0.55.
    const order = host.orders.at(-1)!;
    expect(order.workers).toBe(1);
    expect(order.duty).toBeGreaterThanOrEqual(0.45);
    expect(order.duty).toBeLessThanOrEqual(0.55);
  });

  it('asks for a donation session when donation only is on', async () => {
    const relay = new FakeRelay();
    const { status, miner, ready } = setup(relay, { donationOnly: true });
    stopMiner = () => miner.stop();
    await ready;
    await miner.apply();
    await until(() => status.get(), (v: MiningStatus) => v.accepted >= 1);
    expect(relay.modes).toEqual(['donation']);
  });

  it('shows an error state and reconnects with a fresh session after the relay drops', async () => {
    const relay = new FakeRelay();
    const { status, miner, ready } = setup(relay);
    stopMiner = () => miner.stop();
    await ready;
    await miner.apply();
    await until(() => status.get(), (v: MiningStatus) => v.state === 'mining');
    relay.refuseConnections = true;
    relay.dropAll();
    const down = await until(() => status.get(), (v: MiningStatus) => v.state === 'error');
    expect(down.error).toMatch(/relay|reach/);
    relay.refuseConnections = false;
    await until(() => status.get(), (v: MiningStatus) => v.state === 'mining');
    expect(relay.connections).toBe(2);
  });

  it('reports a refused authorization as an error, not as mining', async () => {
    const relay = new FakeRelay({ refuseAuthorize: true });
    const { status, miner, ready } = setup(relay);
    stopMiner = () => miner.stop();
    await ready;
    await miner.apply();
    const s = await until(() => status.get(), (v: MiningStatus) => v.state === 'error');
    expect(s.error).toMatch(/unauthorized/);
    expect(s.accepted).toBe(0);
  });

  it('stays idle with mining off, and says so when no relay is set', async () => {
    const relay = new FakeRelay();
    const off = setup(relay, { mining: false });
    await off.ready;
    await off.miner.apply();
    expect((await off.status.get()).state).toBe('idle');
    expect(off.host.releases).toBe(1);
    const none = setup(relay, { relays: [], activeRelay: null });
    await none.ready;
    await none.miner.apply();
    expect((await none.status.get()).state).toBe('no_relay');
    expect(relay.connections).toBe(0);
  });

  it('applies a new difficulty from the next job, as Stratum says', async () => {
    const relay = new FakeRelay();
    const { status, host, miner, ready } = setup(relay);
    stopMiner = () => miner.stop();
    await ready;
    await miner.apply();
    await until(() => status.get(), (v: MiningStatus) => v.state === 'mining' && host.orders.length >= 1);
    const first = host.orders.at(-1)!;
    relay.broadcast('mining.set_difficulty', [2 ** -10]);
    await until(() => status.get(), (v: MiningStatus) => v.difficulty === 2 ** -10);
    expect(host.orders.at(-1)).toBe(first);
    relay.broadcast('mining.notify', encodeNotifyParams({ ...JOB, jobId: 'j2', merkleBranch: [] }));
    await until(() => Promise.resolve(host.orders.length), (n) => n >= 2);
    const second = host.orders.at(-1)!;
    // Target = diff1 / difficulty: 64 times smaller for a 64 times higher difficulty.
    const t = (hex: string) => BigInt('0x' + Buffer.from(hex, 'hex').reverse().toString('hex'));
    expect(t(first.target) / t(second.target)).toBe(64n);
  });

  it('apply() while connecting or mining opens no second connection, keeps the workers and the counters', async () => {
    const relay = new FakeRelay();
    const { status, host, miner, ready } = setup(relay);
    stopMiner = () => miner.stop();
    await ready;
    // Three calls at once, then one more while the first connection is being set up.
    const first = Promise.all([miner.apply(), miner.apply(), miner.apply()]);
    await miner.apply();
    await first;
    const mining = await until(() => status.get(), (v: MiningStatus) => v.state === 'mining' && v.accepted >= 2);
    const orders = host.orders.length;
    for (let i = 0; i < 3; i++) await miner.apply();
    const later = await until(() => status.get(), (v: MiningStatus) => v.accepted >= mining.accepted + 2);
    expect(relay.connections).toBe(1);
    expect(relay.open_.size).toBe(1);
    expect(relay.modes).toEqual(['tickets']);
    expect(host.orders.length).toBe(orders);
    expect(host.stops + host.releases).toBe(0);
    expect(later.state).toBe('mining');
    // Every share of one session token: the same session throughout.
    expect(new Set(relay.accepted.map((a) => a.worker)).size).toBe(1);
  });

  it('apply() restarts the session for a changed mining setting only, with the counters kept', async () => {
    const relay = new FakeRelay();
    const { status, settings, host, miner, ready } = setup(relay);
    stopMiner = () => miner.stop();
    await ready;
    await miner.apply();
    const before = await until(() => status.get(), (v: MiningStatus) => v.accepted >= 1);
    // Priority mode has nothing to do with mining: the session goes on.
    await settings.update((s) => ({ ...s, priorityMode: true }));
    await miner.apply();
    const kept = await until(() => status.get(), (v: MiningStatus) => v.accepted >= before.accepted + 1);
    expect(relay.connections).toBe(1);
    await settings.update((s) => ({ ...s, cpuBudget: 100, randomBand: 0 }));
    await miner.apply();
    const after = await until(() => status.get(), (v: MiningStatus) => relay.connections === 2 && v.accepted >= kept.accepted + 1);
    expect(relay.open_.size).toBe(1);
    expect(host.orders.at(-1)!.workers).toBe(2);
    expect(after.accepted).toBeGreaterThan(before.accepted);
  });
});
