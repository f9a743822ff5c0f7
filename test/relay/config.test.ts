import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, resolveConfig, ticketPrice } from '../../src/relay/config.js';
import { InputError } from '../../src/core/util/errors.js';
import { SoloSource } from '../../src/relay/jobs/solo.js';

const file = (o: unknown) => ({ path: 'relay.json', text: JSON.stringify(o) });

describe('relay config', () => {
  it('uses the embedded defaults', () => {
    const c = resolveConfig({});
    expect(c.ws).toEqual({ host: '127.0.0.1', port: 9433 });
    expect(c.stratum).toEqual({ host: '127.0.0.1', port: 9333 });
    expect(c.http).toEqual({ host: '127.0.0.1', port: 9480 });
    expect(c.dataDir).toBe('./.workpass/relay');
    expect(c.algo).toBe('sha256d');
    expect(c.pool).toBeNull();
    expect(c.difficulty).toBe(DEFAULTS.difficulty);
    expect(c.cells).toBeNull();
    expect(c.public).toEqual({ ws: null, stratum: null, http: null, cells: null });
    expect([c.stratumAlgo, c.cellsAlgo, c.stratumDifficulty, c.cellsDifficulty]).toEqual(['sha256d', 'sha256d', DEFAULTS.difficulty, DEFAULTS.difficulty]);
    expect([c.limits.minerIdleSeconds, c.limits.keepAliveSeconds]).toEqual([3600, 60]);
  });

  it('gives each listener the daemon algorithm and difficulty unless it names its own', () => {
    const c = resolveConfig({ flags: new Map([['algo', 'x11'], ['difficulty', '0.5'], ['stratum-algo', 'scrypt']]), env: { WORKPASS_CELLS_DIFFICULTY: '0.25' } });
    expect([c.algo, c.stratumAlgo, c.cellsAlgo]).toEqual(['x11', 'scrypt', 'x11']);
    expect([c.difficulty, c.stratumDifficulty, c.cellsDifficulty]).toEqual([0.5, 0.5, 0.25]);
  });

  it('layers defaults <- file <- environment <- flags', () => {
    const c = resolveConfig({
      file: file({ ws: '0.0.0.0:1', difficulty: 0.5, limits: { idleSeconds: 30 }, solo: { nbits: '207fffff' } }),
      env: { WORKPASS_WS: '127.0.0.1:2', WORKPASS_DIFFICULTY: '0.25', WORKPASS_LIMITS_MAX_CONNECTIONS: '77', UNRELATED: 'x' },
      flags: new Map([['ws', '[::1]:3']]),
    });
    expect(c.ws).toEqual({ host: '::1', port: 3 });
    expect(c.difficulty).toBe(0.25);
    expect(c.limits.idleSeconds).toBe(30);
    expect(c.limits.maxConnections).toBe(77);
    expect(c.solo.nbits).toBe(0x207fffff);
  });

  it('reads per-algorithm ticket prices from the file, the environment and flags; price is the default', () => {
    const c = resolveConfig({
      file: file({ price: 0.1, prices: { sha256d: 0.2, scrypt: 0.3 } }),
      env: { WORKPASS_PRICES_SCRYPT: '0.4', WORKPASS_PRICES_X11: '0.5' },
      flags: new Map([['price-x11', '0.6']]),
    });
    expect(c.price).toBe(0.1);
    expect(c.prices).toEqual({ sha256d: 0.2, scrypt: 0.4, x11: 0.6 });
    const d = resolveConfig({ flags: new Map([['price', '0.01'], ['price-scrypt', '2']]) });
    expect([ticketPrice(d, 'sha256d'), ticketPrice(d, 'scrypt'), ticketPrice(d, 'x11')]).toEqual([0.01, 2, 0.01]);
    expect(resolveConfig({}).prices).toEqual({});
  });

  it('reads the pool settings', () => {
    const c = resolveConfig({ flags: new Map([['pool', 'stratum+tcp://pool.example:3333'], ['pool-user', 'me.worker'], ['pool-pass', 'x']]) });
    expect(c.pool).toEqual({ url: 'stratum+tcp://pool.example:3333', host: 'pool.example', port: 3333, user: 'me.worker', pass: 'x' });
  });

  const bad: Array<[string, Parameters<typeof resolveConfig>[0], RegExp]> = [
    ['unknown file key', { file: file({ colour: 'red' }) }, /config file key 'colour': unknown key/],
    ['unknown nested key', { file: file({ limits: { speed: 1 } }) }, /'limits.speed': unknown key/],
    ['bad JSON', { file: { path: 'r.json', text: '{' } }, /not valid JSON/],
    ['bad port', { flags: new Map([['ws', '127.0.0.1:70000']]) }, /--ws: bad port 70000/],
    ['no port', { env: { WORKPASS_HTTP: 'localhost' } }, /environment WORKPASS_HTTP: expected HOST:PORT/],
    ['bad algo', { flags: new Map([['algo', 'md5']]) }, /unknown algorithm/],
    ['bad difficulty', { flags: new Map([['difficulty', '-1']]) }, /--difficulty/],
    ['missing pool URL', { flags: new Map([['pool-user', 'me']]) }, /pool URL is missing/],
    ['bad pool URL', { flags: new Map([['pool', 'http://pool:1']]) }, /stratum\+tcp/],
    ['unknown flag', { flags: new Map([['colour', 'red']]) }, /--colour: unknown option/],
    ['difficulty outside range', { file: file({ difficulty: 5, maxDifficulty: 1 }) }, /difficulty/],
    ['too many open signing sessions (ROS/Wagner bound)', { file: file({ maxOpenSigning: 7 }) }, /maxOpenSigning/],
    ['a miner idle limit below the idle timeout', { file: file({ limits: { idleSeconds: 60, minerIdleSeconds: 30 } }) }, /limits.minerIdleSeconds: must not be below/],
    ['a listener difficulty outside the range', { file: file({ cellsDifficulty: 5, maxDifficulty: 1, difficulty: 0.5 }) }, /cellsDifficulty: must be within/],
    ['a bad cells address', { flags: new Map([['cells', 'nowhere']]) }, /--cells: expected HOST:PORT/],
    ['an unknown public endpoint', { file: file({ public: { ftp: 'ftp://x:1' } }) }, /'public.ftp': unknown key/],
    ['a price for an unknown algorithm (file)', { file: file({ prices: { md5: 1 } }) }, /config file key 'prices.md5': unknown algorithm \(expected sha256d, scrypt, x11\)/],
    ['a price for an unknown algorithm (environment)', { env: { WORKPASS_PRICES_MD5: '1' } }, /environment WORKPASS_PRICES_MD5: unknown algorithm \(expected WORKPASS_PRICES_SHA256D, /],
    ['a price for an unknown algorithm (flag)', { flags: new Map([['price-md5', '1']]) }, /--price-md5: unknown option/],
    ['prices that are not an object', { file: file({ prices: 0.5 }) }, /config file key 'prices': expected an object/],
    ['a zero algorithm price', { flags: new Map([['price-scrypt', '0']]) }, /--price-scrypt: expected a number in \[1e-9, 1000000000000\], got "0"/],
    ['an algorithm price above the range', { env: { WORKPASS_PRICES_X11: '1e13' } }, /environment WORKPASS_PRICES_X11: expected a number in/],
    ['an algorithm price that is not a number', { file: file({ prices: { sha256d: 'cheap' } }) }, /config file key 'prices.sha256d': expected a number/],
  ];
  it.each(bad)('refuses %s with a clear error', (_name, inputs, message) => {
    expect(() => resolveConfig(inputs)).toThrow(InputError);
    expect(() => resolveConfig(inputs)).toThrow(message);
  });
});

describe('solo payout address (solo.payoutAddress, --payout-address)', () => {
  // Published vectors (test/vectors/address-chains.json): Bitcoin Core, Litecoin Core, Trust Wallet Core.
  const btc = ['bc1qvyq0cc6rahyvsazfdje0twl7ez82ndmuac2lhv', '00146100fc6343edc8c874496cb2f5bbfec88ea9b77c'] as const;
  const btcTest = ['mzK2FFDEhxqHcmrJw1ysqFkVyhUULo45hZ', '76a914ce28b26c57472737f5c3561a1761185bd8589a4388ac'] as const;
  const ltc = ['LT2KVaAy1ppRuxRgrS5RNU3vBsy7RibPeA', '76a914558dbca7118cd5894502767c7b2ffc21a22f54db88ac'] as const;
  const dash = ['7eprxeVjKfVgS8p2RNsZ89K72YV61xg4gq', 'a9148835ae54f297ad069552a1401e535dfe5f396f6187'] as const;
  const flags = (...kv: Array<[string, string]>) => ({ flags: new Map(kv) });

  it('turns the address of the listeners\' chain into the coinbase script', () => {
    const c = resolveConfig(flags(['payout-address', btc[0]]));
    expect(c.solo).toMatchObject({ payoutScript: btc[1], payoutAddress: btc[0], network: 'main' });
    expect(resolveConfig(flags(['algo', 'scrypt'], ['payout-address', ltc[0]])).solo.payoutScript).toBe(ltc[1]);
    expect(resolveConfig({ env: { WORKPASS_ALGO: 'x11', WORKPASS_SOLO_PAYOUT_ADDRESS: dash[0] } }).solo.payoutScript).toBe(dash[1]);
    const t = resolveConfig({ file: file({ solo: { payoutAddress: btcTest[0], network: 'regtest' } }) });
    expect([t.solo.payoutScript, t.solo.network]).toEqual([btcTest[1], 'regtest']);
    expect(resolveConfig({}).solo).toMatchObject({ payoutScript: DEFAULTS.solo.payoutScript, payoutAddress: null });
  });

  it('pays that script in the solo coinbase', async () => {
    const c = resolveConfig(flags(['algo', 'scrypt'], ['payout-address', ltc[0]]));
    const source = new SoloSource({ ...c.solo, subsidy: 1n, tag: '/t/', loadTip: () => undefined, saveTip: () => undefined });
    await source.start();
    const coinb2 = source.current()!.coinb2;
    await source.close();
    // ... value (8 bytes) ‖ script length ‖ script ‖ lock time
    expect(coinb2.endsWith((ltc[1].length / 2).toString(16) + ltc[1] + '00000000')).toBe(true);
    expect(() => new SoloSource({ ...c.solo, payoutScript: '', subsidy: 1n, tag: '', loadTip: () => undefined, saveTip: () => undefined })).toThrow(/payoutScript: expected 1\.\.10000 bytes/);
  });

  const bad: Array<[string, Parameters<typeof resolveConfig>[0], RegExp]> = [
    ['another chain\'s address', flags(['payout-address', ltc[0]]), /^solo\.payoutAddress: version byte 0x30 makes this a Litecoin main P2PKH address, not a Bitcoin one \(listeners: ws sha256d = Bitcoin, stratum sha256d = Bitcoin; solo.network is main\)$/],
    ['a segwit address on Dash', flags(['algo', 'x11'], ['payout-address', btc[0]]), /solo\.payoutAddress: a Bitcoin main segwit address .*not a Dash one/],
    ['another network\'s address', flags(['payout-address', btcTest[0]]), /solo\.payoutAddress: a Bitcoin test\/regtest address, not Bitcoin main/],
    ['a mainnet address on testnet', { env: { WORKPASS_SOLO_NETWORK: 'test', WORKPASS_SOLO_PAYOUT_ADDRESS: btc[0] } }, /solo\.payoutAddress: a Bitcoin main address, not Bitcoin test/],
    ['a typo', flags(['payout-address', btc[0].slice(0, -1) + 'w']), /solo\.payoutAddress: checksum mismatch/],
    ['both script and address', { file: file({ solo: { payoutScript: '51' } }), flags: new Map([['payout-address', btc[0]]]) }, /solo\.payoutAddress: solo\.payoutScript is set too/],
    ['listeners on two chains', flags(['stratum-algo', 'scrypt'], ['payout-address', btc[0]]), /solo\.payoutAddress: one address cannot pay listeners on different chains \(ws sha256d = Bitcoin, stratum scrypt = Litecoin\)/],
    ['the cells listener on another chain', flags(['cells', '127.0.0.1:0'], ['cells-algo', 'x11'], ['payout-address', btc[0]]), /cells x11 = Dash/],
    ['an unknown network', { env: { WORKPASS_SOLO_NETWORK: 'signet' } }, /WORKPASS_SOLO_NETWORK: expected one of main, test, regtest/],
    ['an over-long address', flags(['payout-address', 'b'.repeat(91)]), /--payout-address: expected a non-empty string of at most 90/],
  ];
  it.each(bad)('refuses %s, naming the key', (_name, inputs, message) => {
    expect(() => resolveConfig(inputs)).toThrow(InputError);
    expect(() => resolveConfig(inputs)).toThrow(message);
  });
});

// Up to 5 runs of the CLI from source in one case (tsx): ~0.5 s each idle, 1-3 s on a loaded machine.
describe('workpass relay CLI', { timeout: 120_000 }, () => {
  const runner = fileURLToPath(new URL('./fixtures/run-relay.ts', import.meta.url));
  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, ['--import', 'tsx', runner, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });

  it('exits 2 with a clear message on bad settings', () => {
    const r = run(['--ws', 'nonsense']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--ws: expected HOST:PORT/);
    const e = run([], { WORKPASS_STRATUM: '127.0.0.1:99999' });
    expect(e.status).toBe(2);
    expect(e.stderr).toMatch(/WORKPASS_STRATUM: bad port/);
    expect(run(['--config', '/nonexistent/relay.json']).status).toBe(2);
    expect(run(['--pool-user', 'u']).stderr).toMatch(/pool URL is missing/);
    expect(run(['--bogus']).status).toBe(2);
    const a = run(['--payout-address', 'LT2KVaAy1ppRuxRgrS5RNU3vBsy7RibPeA']);
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(/solo\.payoutAddress: .*Litecoin main P2PKH address, not a Bitcoin one/);
  });

  it('exits 2 on a bad per-algorithm price, naming the key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'workpass-config-'));
    try {
      const path = join(dir, 'relay.json');
      writeFileSync(path, JSON.stringify({ prices: { scrypt: 0.2, md5: 1 } }));
      const f = run(['--config', path]);
      expect(f.status).toBe(2);
      expect(f.stderr).toMatch(/config file key 'prices.md5': unknown algorithm/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const e = run([], { WORKPASS_PRICES_SHA256: '1' });
    expect(e.status).toBe(2);
    expect(e.stderr).toMatch(/WORKPASS_PRICES_SHA256: unknown algorithm/);
    const v = run(['--price-scrypt', '-1']);
    expect(v.status).toBe(2);
    expect(v.stderr).toMatch(/--price-scrypt: expected a number/);
    const u = run(['--price-md5', '1']);
    expect(u.status).toBe(2);
    expect(u.stderr).toMatch(/unknown option --price-md5/);
  });

  it('prints its help', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--stratum HOST:PORT/);
    expect(r.stdout).toMatch(/--price-scrypt P/);
  });
});
