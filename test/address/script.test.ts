import fc from 'fast-check';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import vectors from '../vectors/address-chains.json' with { type: 'json' };
import { addressToScript, decodeAddress, p2pkhScript, p2shScript, witnessScript } from '../../src/core/address/script.js';
import { CHAIN_NAMES, type Chain, type Network } from '../../src/core/address/networks.js';
import { bytesToHex, hexToBytes } from '../../src/core/util/bytes.js';
import { InputError } from '../../src/core/util/errors.js';

interface Entry {
  readonly address: string;
  readonly scriptPubKey: string;
  readonly network: string;
}
const chains = vectors.chains as Record<Chain, { valid: Entry[]; invalid: string[] }>;
const valid = CHAIN_NAMES.flatMap((chain) => chains[chain].valid.map((v) => ({ chain, ...v, network: v.network as Network })));
const invalid = CHAIN_NAMES.flatMap((chain) => chains[chain].invalid.map((address) => ({ chain, address })));
const hex = (b: Uint8Array) => bytesToHex(b);

describe('address -> scriptPubKey, published vectors', () => {
  it.each(valid.map((v) => [v.chain, v.address, v.scriptPubKey, v.network]))('%s %s -> %s (%s)', (chain, address, script, network) => {
    const d = decodeAddress(address, chain as Chain);
    expect(hex(d.script)).toBe(script);
    expect(d.networks).toContain(network);
    expect(hex(addressToScript(address, chain as Chain, network as Network))).toBe(script);
    // Segwit addresses may be written all upper case (BIP 173); Base58 is case-sensitive.
    if (d.kind === 'witness') expect(hex(addressToScript(address.toUpperCase(), chain as Chain, network as Network))).toBe(script);
    else expect(() => decodeAddress(address.toUpperCase() === address ? address.toLowerCase() : address.toUpperCase(), chain as Chain)).toThrow(InputError);
  });

  it.each(invalid.map((v) => [v.chain, JSON.stringify(v.address), v.address]))('%s refuses %s', (chain, _shown, address) => {
    expect(() => decodeAddress(address, chain as Chain)).toThrow(InputError);
  });

  it('agrees with hash160 of the published keys', () => {
    const fromKeys = [
      ...vectors.chains.bitcoin.fromKeys.map((k) => ({ chain: 'bitcoin' as const, address: k.address, kind: k.kind, pub: hexToBytes('publicKey', k.publicKey) })),
      ...vectors.chains.dash.fromKeys.map((k) => ({ chain: 'dash' as const, address: k.address, kind: k.kind, pub: secp256k1.getPublicKey(hexToBytes('privateKey', k.privateKey), true) })),
    ];
    expect(fromKeys).toHaveLength(3);
    for (const k of fromKeys) {
      const hash160 = ripemd160(sha256(k.pub));
      const expected = k.kind === 'p2pkh' ? p2pkhScript(hash160) : witnessScript(0, hash160);
      expect(hex(decodeAddress(k.address, k.chain).script)).toBe(hex(expected));
    }
  });
});

describe('an address of another chain or network', () => {
  const refuse = (address: string, chain: Chain, network: Network, message: RegExp) => {
    expect(() => addressToScript(address, chain, network, 'solo.payoutAddress')).toThrow(InputError);
    expect(() => addressToScript(address, chain, network, 'solo.payoutAddress')).toThrow(message);
  };

  it('says which chain the address is for', () => {
    refuse('LT2KVaAy1ppRuxRgrS5RNU3vBsy7RibPeA', 'bitcoin', 'main', /^solo\.payoutAddress: version byte 0x30 makes this a Litecoin main P2PKH address, not a Bitcoin one$/);
    refuse('ltc1qhdhvrwe6rgqns8fz28tee0hphr5x7ulw5exv4w', 'bitcoin', 'main', /a Litecoin main segwit address \(prefix 'ltc1'\), not a Bitcoin one/);
    refuse('bc1qvyq0cc6rahyvsazfdje0twl7ez82ndmuac2lhv', 'dash', 'main', /a Bitcoin main segwit address .*not a Dash one/);
    refuse('XgkpWEFe59pX3aMhx6PrDawjNnoZKHeZbp', 'litecoin', 'main', /version byte 0x4c makes this a Dash main P2PKH address/);
    refuse('1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo', 'dash', 'main', /a Bitcoin main P2PKH address, not a Dash one/);
    refuse('tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty', 'bitcoin', 'main', /unknown segwit prefix 'tc1' \(Bitcoin's are bc, tb, bcrt\)/);
    refuse('tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty', 'dash', 'main', /Dash has no segwit addresses/);
  });

  it('refuses every Dash vector on Bitcoin and Litecoin, and every Litecoin-only prefix on the others', () => {
    for (const v of chains.dash.valid) for (const chain of ['bitcoin', 'litecoin'] as const) expect(() => decodeAddress(v.address, chain)).toThrow(/Dash/);
    const litecoinOnly = chains.litecoin.valid.filter((v) => /^[LMQ]/.test(v.address) || /^(t|r)?ltc1/i.test(v.address));
    expect(litecoinOnly.length).toBeGreaterThan(20);
    for (const v of litecoinOnly) for (const chain of ['bitcoin', 'dash'] as const) expect(() => decodeAddress(v.address, chain)).toThrow(/Litecoin/);
  });

  it('accepts what the chains share: Bitcoin P2SH on Litecoin (legacy 0x05 / 0xc4)', () => {
    expect(hex(addressToScript('36j4NfKv6Akva9amjWrLG6MuSQym1GuEmm', 'litecoin', 'main'))).toBe('a914373b819a068f32b7a6b38b6b38729647cfde01c287');
    expect(hex(addressToScript('2NC2hEhe28ULKAJkW5MjZ3jtTMJdvXmByvK', 'litecoin', 'test'))).toBe('a914ce0bba75891ff9ec60148d4bd4a09ee2dc5c933187');
  });

  it('checks the network: mainnet, testnet and regtest are told apart where their prefixes differ', () => {
    refuse('bc1qvyq0cc6rahyvsazfdje0twl7ez82ndmuac2lhv', 'bitcoin', 'test', /a Bitcoin main address, not Bitcoin test/);
    refuse('tb1qcrh3yqn4nlleplcez2yndq2ry8h9ncg3qh7n54', 'bitcoin', 'regtest', /a Bitcoin test address, not Bitcoin regtest/);
    refuse('1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo', 'bitcoin', 'regtest', /a Bitcoin main address/);
    refuse('mzK2FFDEhxqHcmrJw1ysqFkVyhUULo45hZ', 'bitcoin', 'main', /a Bitcoin test\/regtest address, not Bitcoin main/);
    refuse('yLceJztHVZFbeqE9v86sLD9bDKFBmNqHQD', 'dash', 'main', /a Dash test\/regtest address/);
    // Base58 testnet and regtest share their version bytes.
    expect(hex(addressToScript('mzK2FFDEhxqHcmrJw1ysqFkVyhUULo45hZ', 'bitcoin', 'regtest'))).toBe('76a914ce28b26c57472737f5c3561a1761185bd8589a4388ac');
  });
});

describe('script templates and argument checks', () => {
  it('builds P2PKH, P2SH and OP_n witness scripts', () => {
    const h = new Uint8Array(20).fill(0x11);
    expect(hex(p2pkhScript(h))).toBe('76a914' + '11'.repeat(20) + '88ac');
    expect(hex(p2shScript(h))).toBe('a914' + '11'.repeat(20) + '87');
    expect(hex(witnessScript(0, h))).toBe('0014' + '11'.repeat(20));
    expect(hex(witnessScript(1, new Uint8Array(32)))).toBe('5120' + '00'.repeat(32));
    expect(hex(witnessScript(16, Uint8Array.of(1, 2)))).toBe('6002' + '0102');
    expect(() => p2pkhScript(new Uint8Array(19))).toThrow(/hash160: expected 20 bytes/);
    expect(() => p2shScript(new Uint8Array(32))).toThrow(/hash160/);
    expect(() => witnessScript(17, h)).toThrow(/version/);
    expect(() => witnessScript(1, new Uint8Array(1))).toThrow(/program: expected 2\.\.40 bytes/);
  });

  it('names bad chain, network and address arguments', () => {
    expect(() => decodeAddress('1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo', 'dogecoin' as Chain)).toThrow(/^chain: /);
    expect(() => addressToScript('1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo', 'bitcoin', 'signet' as Network)).toThrow(/^network: /);
    expect(() => decodeAddress('', 'bitcoin')).toThrow(/^address: expected an address/);
    expect(() => decodeAddress(7, 'bitcoin', 'payout')).toThrow(/^payout: expected an address/);
    expect(() => decodeAddress('1'.repeat(91), 'bitcoin')).toThrow(/longer than 90/);
    // A valid Base58Check string that is not 21 bytes long.
    expect(() => decodeAddress('3SEo3LWLoPntC', 'bitcoin')).toThrow(InputError);
  });

  it('throws only InputError naming the argument on arbitrary input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 100 }), fc.stringMatching(/^(bc|ltc|tb)1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{6,60}$/), fc.anything()), fc.constantFrom(...CHAIN_NAMES), (x, chain) => {
        try {
          decodeAddress(x, chain, 'solo.payoutAddress');
        } catch (err) {
          expect(err).toBeInstanceOf(InputError);
          expect((err as InputError).argument).toBe('solo.payoutAddress');
        }
      }),
    );
  });
});
