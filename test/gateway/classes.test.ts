import { describe, expect, it } from 'vitest';
import { allocate } from '../../src/core/htb/index.js';
import { InputError } from '../../src/core/util/errors.js';
import { BYTES_PER_MBIT, FIG1_PAID, fig1Tree, gatewayClasses } from '../../src/relay/gateway/classes.js';
import { startGateway } from '../../src/relay/gateway/server.js';
import { SessionKey } from '../../src/relay/gateway/session-token.js';
import { Redeemer } from '../../src/relay/gateway/redeem.js';
import { Keyring } from '../../src/core/tickets/index.js';

describe('gateway classes', () => {
  it("fig1Tree(10) is the paper's Fig. 1: free gets 4 with no paid demand, and 2 when paid is backlogged", () => {
    const idle = fig1Tree(10);
    idle.children![1]!.children = idle.children![1]!.children!.map((g) => ({ ...g, demand: 0 }));
    expect(allocate(idle).get('free')).toBeCloseTo(4);
    const busy = allocate(fig1Tree(10));
    expect(busy.get('free')).toBeCloseTo(2);
    expect(busy.get('group1')).toBeCloseTo(4);
  });

  it('scales to the link and converts Mbit/s to bytes per second', () => {
    const c = gatewayClasses(fig1Tree(8), 'free', FIG1_PAID);
    expect(c.tree.root.rate).toBeCloseTo(8 * BYTES_PER_MBIT);
    expect(c.tree.byName.get('free')!.ceil).toBeCloseTo(0.4 * 8 * BYTES_PER_MBIT);
    expect(c.paid).toEqual(['group4', 'group3', 'group2', 'group1']);
  });

  it('refuses unknown or inner classes, duplicates and bad trees', () => {
    expect(() => gatewayClasses(fig1Tree(8), 'paid', FIG1_PAID)).toThrow(/freeClass/);
    expect(() => gatewayClasses(fig1Tree(8), 'free', ['group1', 'nope'])).toThrow(/paidClasses\[1\]/);
    expect(() => gatewayClasses(fig1Tree(8), 'free', ['group1', 'group1'])).toThrow(/named twice/);
    expect(() => gatewayClasses(fig1Tree(8), 'free', ['free'])).toThrow(/named twice/);
    expect(() => gatewayClasses(fig1Tree(8), 'free', [])).toThrow(InputError);
    expect(() => gatewayClasses({ name: 'x', rate: -1 }, 'x', ['x'])).toThrow(InputError);
    expect(() => fig1Tree(0)).toThrow(InputError);
  });

  it('startGateway checks its options before listening', async () => {
    const base = {
      host: '127.0.0.1', port: 0, backend: 'http://127.0.0.1:1', classes: gatewayClasses(fig1Tree(8), 'free', FIG1_PAID),
      redeemer: new Redeemer(new Keyring(), { spendLocal: () => 'spent' as const }), sessionKey: new SessionKey(new Uint8Array(32)),
      sessionSeconds: 60, issuers: () => [], random: (n: number) => new Uint8Array(n),
    };
    await expect(startGateway({ ...base, sessionSeconds: 0 })).rejects.toThrow(/sessionSeconds/);
    await expect(startGateway({ ...base, requestsPerSecond: 0 })).rejects.toThrow(/requestsPerSecond/);
    await expect(startGateway({ ...base, backend: 'https://x' })).rejects.toThrow(InputError);
    await expect(startGateway({ ...base, backend: 'not a url' })).rejects.toThrow(/backend/);
  });
});
