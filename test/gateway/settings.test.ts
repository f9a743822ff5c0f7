import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/relay/config.js';
import { InputError } from '../../src/core/util/errors.js';
import { SigningKey } from '../../src/core/tickets/index.js';
import { parsePartners } from '../../src/relay/exchange/config.js';
import { fig1Tree } from '../../src/relay/gateway/classes.js';
import { seededRandom } from './fixtures.js';

const ticketKey = SigningKey.generate(seededRandom('settings')).publicKey;
const partner = { publicKey: 'ab'.repeat(32), url: 'http://127.0.0.1:9481/', ticketKeys: [ticketKey.toText()], trustLimit: 5, paymentEvery: 2 };

describe('gateway and exchange settings', () => {
  it('are off by default and on with their flags', () => {
    const d = resolveConfig({});
    expect(d.gateway).toBeNull();
    expect(d.exchange).toBeNull();
    const c = resolveConfig({ flags: new Map([['gateway', '127.0.0.1:0'], ['backend', 'http://127.0.0.1:8080'], ['link-mbit', '8'], ['exchange', '127.0.0.1:0']]) });
    expect(c.gateway).toMatchObject({ host: '127.0.0.1', port: 0, backend: 'http://127.0.0.1:8080', freeClass: 'free', paidClasses: ['group4', 'group3', 'group2', 'group1'] });
    expect(c.gateway!.tree).toEqual(fig1Tree(8));
    expect(c.exchange).toMatchObject({ port: 0, partners: [], syncSeconds: 30 });
  });

  it('read partners from the config file, pinning their ticket keys', () => {
    const c = resolveConfig({ file: { path: 'c.json', text: JSON.stringify({ exchange: { listen: '127.0.0.1:9481', partners: [partner], syncSeconds: 5 } }) } });
    expect(c.exchange!.partners).toHaveLength(1);
    expect(c.exchange!.partners[0]).toMatchObject({ url: 'http://127.0.0.1:9481', trustLimit: 5, paymentEvery: 2, ticketKeys: [{ keyId: ticketKey.keyIdHex() }] });
  });

  it('refuse incomplete or bad values, naming them', () => {
    expect(() => resolveConfig({ flags: new Map([['gateway', '127.0.0.1:0']]) })).toThrow(/--backend/);
    expect(() => resolveConfig({ flags: new Map([['gateway', 'nope'], ['backend', 'http://x']]) })).toThrow(/--gateway/);
    expect(() => resolveConfig({ flags: new Map([['gateway', '127.0.0.1:1'], ['backend', 'ftp://x']]) })).toThrow(/--backend/);
    expect(() => resolveConfig({ env: { WORKPASS_EXCHANGE_PARTNERS: JSON.stringify([partner]) } })).toThrow(/exchange.listen/);
    expect(() => resolveConfig({ env: { WORKPASS_EXCHANGE_LISTEN: '127.0.0.1:0', WORKPASS_EXCHANGE_PARTNERS: '[{' } })).toThrow(/expected JSON/);
  });

  it('partner lists are validated field by field', () => {
    expect(() => parsePartners('p', [{ ...partner, publicKey: 'AB'.repeat(32) }])).toThrow(/p\[0\].publicKey/);
    expect(() => parsePartners('p', [{ ...partner, url: 'ftp://x' }])).toThrow(/p\[0\].url/);
    expect(() => parsePartners('p', [{ ...partner, ticketKeys: ['AAAA'] }])).toThrow(InputError);
    expect(() => parsePartners('p', [{ ...partner, trustLimit: 0 }])).toThrow(/trustLimit/);
    expect(() => parsePartners('p', [{ ...partner, extra: 1 }])).toThrow(/extra/);
    expect(() => parsePartners('p', [partner, partner])).toThrow(/twice/);
  });
});
