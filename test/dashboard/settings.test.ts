import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/util/errors.js';
import { resolveConfig } from '../../src/relay/config.js';
import { isLoopbackHost } from '../../src/relay/dashboard/settings.js';

const flags = (m: Record<string, string>) => new Map(Object.entries(m));

describe('dashboard config', () => {
  it('is off by default; --dashboard on is 127.0.0.1:9481', () => {
    expect(resolveConfig({}).dashboard).toBeNull();
    expect(resolveConfig({ flags: flags({ dashboard: 'on' }) }).dashboard).toEqual({
      host: '127.0.0.1', port: 9481, bandwidthKBps: null, role: 'exit', revenueCentsPerDay: 3.8, usdPerShare: 0, usdPerBlock: 0,
    });
  });

  it('takes a loopback HOST:PORT from flag, env or file, with the estimate inputs from the file', () => {
    expect(resolveConfig({ flags: flags({ dashboard: '[::1]:0' }) }).dashboard).toMatchObject({ host: '::1', port: 0 });
    expect(resolveConfig({ env: { WORKPASS_DASHBOARD_LISTEN: '127.0.0.2:9000' } }).dashboard).toMatchObject({ host: '127.0.0.2', port: 9000 });
    const file = { dashboard: { listen: '127.0.0.1:9481', bandwidthKBps: 200_000, role: 'any', revenueCentsPerDay: 11, usdPerShare: 2e-9, usdPerBlock: 300_000 } };
    expect(resolveConfig({ file: { path: 'c.json', text: JSON.stringify(file) } }).dashboard).toEqual({
      host: '127.0.0.1', port: 9481, bandwidthKBps: 200_000, role: 'any', revenueCentsPerDay: 11, usdPerShare: 2e-9, usdPerBlock: 300_000,
    });
  });

  it('refuses a public or named host with a config error that says how to reach it', () => {
    for (const v of ['0.0.0.0:9481', '[::]:9481', '192.0.2.7:9481', 'localhost:9481', 'relay.example.org:9481', '[fe80::1]:9481']) {
      expect(() => resolveConfig({ flags: flags({ dashboard: v }) }), v).toThrow(InputError);
      expect(() => resolveConfig({ flags: flags({ dashboard: v }) }), v).toThrow(/--dashboard: the dashboard listens on loopback only.*SSH port-forward/);
    }
    expect(() => resolveConfig({ flags: flags({ dashboard: 'off' }) })).toThrow(/HOST:PORT/);
  });

  it('refuses estimate inputs without a listener, and bad values by name', () => {
    expect(() => resolveConfig({ file: { path: 'c.json', text: '{"dashboard":{"bandwidthKBps":5}}' } })).toThrow(/dashboard.listen: dashboard.bandwidthKBps is set but the dashboard is off/);
    const bad = [
      [{ role: 'middle' }, /dashboard.role/],
      [{ bandwidthKBps: -1 }, /dashboard.bandwidthKBps/],
      [{ usdPerShare: 'x' }, /dashboard.usdPerShare/],
      [{ revenueCentsPerDay: Infinity }, /dashboard.revenueCentsPerDay/],
      [{ colour: 'blue' }, /unknown key/],
    ] as const;
    for (const [extra, msg] of bad) {
      const text = JSON.stringify({ dashboard: { listen: '127.0.0.1:0', ...extra } });
      expect(() => resolveConfig({ file: { path: 'c.json', text } })).toThrow(msg);
    }
  });
});

describe('isLoopbackHost', () => {
  it('accepts 127/8 and ::1 in any spelling, nothing else', () => {
    for (const h of ['127.0.0.1', '127.255.0.9', '::1', '0:0:0:0:0:0:0:1', '0::1', '::ffff:127.0.0.1']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '128.0.0.1', '10.127.0.1', '::', '::2', '1::1', '::ffff:10.0.0.1', 'localhost', '127.0.0.1.example', '', '127.1']) {
      expect(isLoopbackHost(h), h).toBe(false);
    }
  });
});
