/**
 * Address prefixes of the chains whose proof of work the relay mines: Base58Check version bytes and
 * the segwit human-readable part, per network. Values from each project's chainparams.cpp
 * (base58Prefixes PUBKEY_ADDRESS / SCRIPT_ADDRESS / SCRIPT_ADDRESS2, bech32_hrp). Testnet and
 * regtest share their Base58 version bytes, so a legacy test address fits both.
 */
export type Chain = 'bitcoin' | 'litecoin' | 'dash';
export type Network = 'main' | 'test' | 'regtest';

export const CHAIN_NAMES: readonly Chain[] = ['bitcoin', 'litecoin', 'dash'];
export const NETWORK_NAMES: readonly Network[] = ['main', 'test', 'regtest'];

export interface NetworkPrefixes {
  /** P2PKH version byte. */
  readonly pubkeyHash: number;
  /** P2SH version bytes (Litecoin keeps Bitcoin's old one beside its own). */
  readonly scriptHash: readonly number[];
  /** Segwit human-readable part; null on a chain without segwit (Dash). */
  readonly hrp: string | null;
}

export interface ChainParams {
  /** For messages: "Bitcoin". */
  readonly title: string;
  readonly networks: Readonly<Record<Network, NetworkPrefixes>>;
}

export const CHAINS: Readonly<Record<Chain, ChainParams>> = {
  bitcoin: {
    title: 'Bitcoin',
    networks: {
      main: { pubkeyHash: 0x00, scriptHash: [0x05], hrp: 'bc' },
      test: { pubkeyHash: 0x6f, scriptHash: [0xc4], hrp: 'tb' },
      regtest: { pubkeyHash: 0x6f, scriptHash: [0xc4], hrp: 'bcrt' },
    },
  },
  litecoin: {
    title: 'Litecoin',
    networks: {
      // SCRIPT_ADDRESS2 0x32 ('M...') is Litecoin's own; SCRIPT_ADDRESS 0x05 ('3...') is still accepted.
      main: { pubkeyHash: 0x30, scriptHash: [0x32, 0x05], hrp: 'ltc' },
      test: { pubkeyHash: 0x6f, scriptHash: [0x3a, 0xc4], hrp: 'tltc' },
      regtest: { pubkeyHash: 0x6f, scriptHash: [0x3a, 0xc4], hrp: 'rltc' },
    },
  },
  dash: {
    title: 'Dash',
    networks: {
      main: { pubkeyHash: 0x4c, scriptHash: [0x10], hrp: null },
      test: { pubkeyHash: 0x8c, scriptHash: [0x13], hrp: null },
      regtest: { pubkeyHash: 0x8c, scriptHash: [0x13], hrp: null },
    },
  },
};

export function isChain(value: unknown): value is Chain {
  return typeof value === 'string' && (CHAIN_NAMES as readonly string[]).includes(value);
}

export function isNetwork(value: unknown): value is Network {
  return typeof value === 'string' && (NETWORK_NAMES as readonly string[]).includes(value);
}
