import { describe, expect, it } from 'vitest';
import { FAST_VOTING, authorityTorrc, clientTorrc, relayTorrc, renderTorrc, type TorrcOption } from '../../e2e/tor/torrc.js';
import { dirAuthorityLine } from '../../e2e/tor/authority.js';
import { missingRouters, parseConsensus } from '../../e2e/tor/consensus.js';

const AUTH = ['auth0 orport=5000 v3ident=' + 'A'.repeat(40) + ' 127.0.0.1:7000 ' + 'B'.repeat(40)];
const values = (opts: TorrcOption[], name: string): string[] => opts.filter(([n]) => n === name).map(([, v]) => String(v));

describe('torrc', () => {
  it('renders one "Name value" line per option and refuses line breaks (option injection)', () => {
    expect(renderTorrc([['SocksPort', 0], ['Nickname', 'a']])).toBe('SocksPort 0\nNickname a\n');
    expect(() => renderTorrc([['Nickname', 'a\nExitPolicy accept *:*']])).toThrow(/line break/);
  });

  it('an exit accepts 127.0.0.1 only, with private addresses allowed, and exit policy order kept', () => {
    const exit = relayTorrc({ nickname: 'relay0', dataDir: '/d', dirAuthorities: AUTH, orPort: 5001, exit: true });
    expect(values(exit, 'ExitPolicy')).toEqual(['accept 127.0.0.1:*', 'reject *:*']);
    expect(values(exit, 'ExitPolicyRejectPrivate')).toEqual(['0']);
    expect(values(exit, 'ExitRelay')).toEqual(['1']);
    const middle = relayTorrc({ nickname: 'relay1', dataDir: '/d', dirAuthorities: AUTH, orPort: 5002, exit: false });
    expect(values(middle, 'ExitPolicy')).toEqual(['reject *:*']);
    expect(values(middle, 'ExitRelay')).toEqual(['0']);
  });

  it('every node is a TestingTorNetwork node on 127.0.0.1 with the custom authorities and no default SocksPort', () => {
    const a = authorityTorrc({ nickname: 'auth0', dataDir: '/d', dirAuthorities: AUTH, orPort: 5000, dirPort: 7000, voting: FAST_VOTING, hsDirs: ['$' + 'B'.repeat(40)] });
    const r = relayTorrc({ nickname: 'relay0', dataDir: '/d', dirAuthorities: AUTH, orPort: 5001, exit: true });
    const c = clientTorrc({ nickname: 'client', dataDir: '/d', dirAuthorities: AUTH }, '/d/port');
    for (const opts of [a, r, c]) {
      expect(values(opts, 'TestingTorNetwork')).toEqual(['1']);
      expect(values(opts, 'DirAuthority')).toEqual(AUTH);
    }
    expect(values(a, 'ORPort')).toEqual(['127.0.0.1:5000']);
    expect(values(a, 'DirPort')).toEqual(['127.0.0.1:7000']);
    expect(values(a, 'SocksPort')).toEqual(['0']);
    expect(values(r, 'SocksPort')).toEqual(['0']);
    expect(values(c, 'SocksPort')).toEqual(['127.0.0.1:auto ExtendedErrors']);
    expect(values(c, 'ControlPort')).toEqual(['127.0.0.1:auto']);
    expect(values(c, 'CookieAuthentication')).toEqual(['1']);
    expect(values(a, 'V3AuthVotingInterval')).toEqual([String(FAST_VOTING.interval)]);
  });

  it('DirAuthority line: nickname, orport, v3ident, address:dirport, fingerprint', () => {
    expect(dirAuthorityLine({ nickname: 'auth0', orPort: 5000, dirPort: 7000, v3Ident: 'A'.repeat(40), fingerprint: 'B'.repeat(40) })).toBe(AUTH[0]);
  });
});

const CONSENSUS = `network-status-version 3
vote-status consensus
valid-after 2026-12-01 09:27:50
r auth0 IWf5B2dauDG+nodPVQMXteZE8u0 6wZke48/N94fB0oF9OW4bikEyzc 2026-12-01 09:26:51 127.0.0.1 36719 41101
s Authority Exit Fast Guard HSDir Running Stable V2Dir Valid
r relay0 wq7intF1Acoy77UoJ9MSuMt0oXk uK0ZJ11c1jfWPayoZcbZao49c1Y 2026-12-01 09:26:54 127.0.0.1 37967 0
s Fast Guard Running Valid
r relay1 /974jGozPIQN/xsUIylp2X3uVEY tMalbyFmh1V3rxxoRzXKx0vNyp4 2026-12-01 09:26:51 127.0.0.1 39699 0
s Exit Fast Running Valid
directory-footer
`;

describe('consensus', () => {
  it('lists routers with their flags', () => {
    const c = parseConsensus(CONSENSUS);
    expect(c.validAfter).toBe('2026-12-01 09:27:50');
    expect(c.routers.map((r) => r.nickname)).toEqual(['auth0', 'relay0', 'relay1']);
    expect([...c.routers[0]!.flags]).toContain('HSDir');
  });
  it('names the routers that are missing or lack a flag', () => {
    const c = parseConsensus(CONSENSUS);
    expect(missingRouters(c, ['auth0', 'relay0', 'relay1', 'relay2'], ['Running'])).toEqual(['relay2']);
    expect(missingRouters(c, ['relay0', 'relay1'], ['Exit'])).toEqual(['relay0']);
  });
});
