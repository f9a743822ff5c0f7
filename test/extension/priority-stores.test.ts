import { describe, expect, it } from 'vitest';
import { hostPattern, siteOrigin } from '../../src/extension/store/origin.js';
import { defaultSettings, parseSettings, withBoost, withoutBoost, MAX_BOOSTED } from '../../src/extension/store/settings.js';
import {
  emptySpends, parseSpends, withPendingSpend, withRecord, withSession, MAX_LOG, type Spends,
} from '../../src/extension/store/spends.js';

const SITE = 'http://site.test:8080';

describe('boosted sites in the settings', () => {
  it('round-trip, and settings stored before priority mode read as off with nothing boosted', () => {
    const s = withBoost({ ...defaultSettings(), priorityMode: true }, SITE);
    expect(parseSettings(structuredClone(s))).toEqual(s);
    const old: Record<string, unknown> = { ...defaultSettings() };
    delete old.priorityMode;
    delete old.boostedSites;
    expect(parseSettings(old)).toEqual(defaultSettings());
    expect(withoutBoost(s, SITE).boostedSites).toEqual([]);
    expect(withBoost(s, SITE)).toBe(s);
  });

  it('refuse hostile stored values and bad boosts', () => {
    const good = defaultSettings();
    for (const bad of [
      { ...good, priorityMode: 'on' }, { ...good, boostedSites: 'http://a.test' }, { ...good, boostedSites: [SITE, SITE] },
      { ...good, boostedSites: ['http://a.test/path'] }, { ...good, boostedSites: ['ws://a.test'] }, { ...good, boostedSites: [42] },
      { ...good, boostedSites: ['http://user:pw@a.test'] },
      { ...good, boostedSites: Array.from({ length: MAX_BOOSTED + 1 }, (_, i) => `http://h${i}.test`) },
    ]) {
      expect(parseSettings(bad)).toBeNull();
    }
    expect(() => withBoost(good, 'http://a.test/x')).toThrow(RangeError);
    expect(() => withBoost(good, 'javascript:alert(1)')).toThrow(RangeError);
  });

  it('origins and host patterns', () => {
    expect(siteOrigin('HTTP://Site.Test:8080/a?b#c')).toBe(SITE);
    expect(siteOrigin('https://x.onion:443/')).toBe('https://x.onion');
    for (const bad of [null, '', 'file:///etc/passwd', 'ws://a.test', 'http://u:p@a.test', 'x'.repeat(3000), 'not a url']) expect(siteOrigin(bad)).toBeNull();
    expect(hostPattern(SITE)).toBe('http://site.test/*');
    expect(hostPattern('http://[::1]:8080')).toBe('http://[::1]/*');
  });
});

describe('spends store', () => {
  const TICKET = 'AXHJeQQtfFyTQ2A_';
  const full: Spends = withRecord(
    withSession(withPendingSpend(emptySpends(), { site: SITE, url: `${SITE}/v`, ticket: TICKET, relay: 'ws://r.test', createdAt: 5 }),
      { site: SITE, token: 'AQMA', className: 'group4', expiresAt: 9 }),
    { site: SITE, relay: 'ws://r.test', at: 7, outcome: 'spent', detail: 'group4' },
  );

  it('round-trips and keeps the last MAX_LOG records', () => {
    expect(parseSpends(structuredClone(full))).toEqual(full);
    let s = emptySpends();
    for (let i = 0; i < MAX_LOG + 5; i++) s = withRecord(s, { site: SITE, relay: 'r', at: i, outcome: 'refused', detail: 'unknown_issuer' });
    expect(s.log.map((r) => r.at)).toEqual(Array.from({ length: MAX_LOG }, (_, i) => i + 5));
  });

  it('drops entries that do not parse, never the whole value; refuses a non-version-1 value', () => {
    for (const bad of [null, 1, [], { ...full, version: 2 }, { ...full, pending: 'x' }]) expect(parseSpends(bad)).toBeNull();
    const hostile = {
      ...full,
      pending: [...full.pending, { ...full.pending[0], url: 'http://elsewhere.test/' }, { ...full.pending[0], ticket: 'a b' }],
      sessions: [...full.sessions, { ...full.sessions[0], token: '"; evil' }, { ...full.sessions[0], site: 'http://a.test/x' }],
      log: [...full.log, { ...full.log[0], outcome: 'stolen' }, { ...full.log[0], detail: '<script>' }],
    };
    expect(parseSpends(hostile)).toEqual(full);
  });
});
