import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import sha256dVec from '../vectors/pow-sha256d.json' with { type: 'json' };
import scryptVec from '../vectors/pow-scrypt.json' with { type: 'json' };
import x11Vec from '../vectors/pow-x11-blocks.json' with { type: 'json' };
import { main } from '../../src/cli/main.js';

let out = '';
let err = '';
beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
});
afterEach(() => vi.restoreAllMocks());

const cases: Array<[string, { headerHex: string; hash: string }]> = [
  ['sha256d', sha256dVec.vectors[3]!],
  ['scrypt', scryptVec.vectors[1]!],
  ['x11', x11Vec.vectors[1]!],
];

describe('workpass hash', () => {
  it.each(cases)('%s: kernel and reference print the published hash on one line', async (algo, v) => {
    for (const impl of [[], ['--impl', 'reference'], ['--impl=kernel']]) {
      out = '';
      expect(await main(['hash', algo, v.headerHex, ...impl])).toBe(0);
      expect(out).toBe(v.hash + '\n');
    }
  });

  const bad: Array<[string, string[], RegExp]> = [
    ['unknown algorithm', ['hash', 'sha3', sha256dVec.vectors[0]!.headerHex], /unknown algorithm 'sha3'/],
    ['short header', ['hash', 'sha256d', sha256dVec.vectors[0]!.headerHex.slice(2)], /expected 80 bytes/],
    ['long header', ['hash', 'sha256d', sha256dVec.vectors[0]!.headerHex + '00'], /expected 80 bytes/],
    ['not hex', ['hash', 'sha256d', 'zz' + sha256dVec.vectors[0]!.headerHex.slice(2)], /hex/],
    ['odd length', ['hash', 'sha256d', sha256dVec.vectors[0]!.headerHex.slice(1)], /hex/],
    ['missing header', ['hash', 'sha256d'], /expected an algorithm and a header/],
    ['bad impl', ['hash', 'sha256d', sha256dVec.vectors[0]!.headerHex, '--impl', 'gpu'], /--impl must be/],
    ['unknown flag', ['hash', 'sha256d', sha256dVec.vectors[0]!.headerHex, '--fast'], /unknown option --fast/],
  ];
  it.each(bad)('%s -> exit 2 with a clear message and nothing on stdout', async (_n, argv, msg) => {
    expect(await main(argv)).toBe(2);
    expect(err).toMatch(/^workpass hash: /);
    expect(err).toMatch(msg);
    expect(out).toBe('');
  });

  it('--help prints usage', async () => {
    expect(await main(['hash', '--help'])).toBe(0);
    expect(out).toMatch(/^usage: workpass hash/);
  });
});
