import { abytes } from '../util/bytes.js';
import { InputError } from '../util/errors.js';
import { decodeBase58Check } from './base58check.js';
import { decodeBech32, decodeSegwitAddress } from './bech32.js';
import { CHAIN_NAMES, CHAINS, isChain, isNetwork, NETWORK_NAMES, type Chain, type Network } from './networks.js';

/**
 * Address -> scriptPubKey, for one chain:
 *   P2PKH  (Base58Check, version pubkeyHash): OP_DUP OP_HASH160 <20 bytes> OP_EQUALVERIFY OP_CHECKSIG
 *   P2SH   (Base58Check, version scriptHash, BIP 13/16): OP_HASH160 <20 bytes> OP_EQUAL
 *   segwit (Bech32 v0 / Bech32m v1+, BIP 173/350): OP_n <program> (OP_0 = 0x00, OP_1..OP_16 = 0x51..0x60)
 */
export type AddressKind = 'p2pkh' | 'p2sh' | 'witness';

export interface DecodedAddress {
  readonly chain: Chain;
  /** The networks whose prefix the address carries (Base58 testnet and regtest share theirs). */
  readonly networks: readonly Network[];
  readonly kind: AddressKind;
  readonly script: Uint8Array;
}

const OP_0 = 0x00;
const OP_1 = 0x51;
const OP_DUP = 0x76;
const OP_HASH160 = 0xa9;
const OP_EQUAL = 0x87;
const OP_EQUALVERIFY = 0x88;
const OP_CHECKSIG = 0xac;
const HASH160_BYTES = 20;
/** Longer than any address of these chains (a 40-byte v16 program is 74 characters with 'rltc'). */
const MAX_ADDRESS_CHARS = 90;

export function p2pkhScript(hash160: Uint8Array): Uint8Array {
  abytes('hash160', hash160, HASH160_BYTES);
  return Uint8Array.from([OP_DUP, OP_HASH160, HASH160_BYTES, ...hash160, OP_EQUALVERIFY, OP_CHECKSIG]);
}

export function p2shScript(hash160: Uint8Array): Uint8Array {
  abytes('hash160', hash160, HASH160_BYTES);
  return Uint8Array.from([OP_HASH160, HASH160_BYTES, ...hash160, OP_EQUAL]);
}

/** BIP 141: a witness output is a version push (OP_0..OP_16) followed by a 2..40 byte program push. */
export function witnessScript(version: number, program: Uint8Array): Uint8Array {
  if (!Number.isInteger(version) || version < 0 || version > 16) throw new InputError('version', 'expected a witness version 0..16');
  abytes('program', program);
  if (program.length < 2 || program.length > 40) throw new InputError('program', `expected 2..40 bytes, got ${program.length}`);
  return Uint8Array.from([version === 0 ? OP_0 : OP_1 + version - 1, program.length, ...program]);
}

function networkLabel(chain: Chain, networks: readonly Network[]): string {
  return `${CHAINS[chain].title} ${networks.join('/')}`;
}

/** Every (chain, networks, kind) whose Base58 version byte is `version`. */
function byVersion(version: number): Array<{ chain: Chain; networks: Network[]; kind: 'p2pkh' | 'p2sh' }> {
  const out: Array<{ chain: Chain; networks: Network[]; kind: 'p2pkh' | 'p2sh' }> = [];
  for (const chain of CHAIN_NAMES) {
    for (const kind of ['p2pkh', 'p2sh'] as const) {
      const networks = NETWORK_NAMES.filter((n) => {
        const p = CHAINS[chain].networks[n];
        return kind === 'p2pkh' ? p.pubkeyHash === version : p.scriptHash.includes(version);
      });
      if (networks.length > 0) out.push({ chain, networks, kind });
    }
  }
  return out;
}

/** Every (chain, network) whose segwit human-readable part is `hrp`. */
function byHrp(hrp: string): Array<{ chain: Chain; network: Network }> {
  return CHAIN_NAMES.flatMap((chain) => NETWORK_NAMES.filter((n) => CHAINS[chain].networks[n].hrp === hrp).map((network) => ({ chain, network })));
}

function hrpList(chain: Chain): string {
  const hrps = NETWORK_NAMES.map((n) => CHAINS[chain].networks[n].hrp).filter((h) => h !== null);
  return hrps.length === 0 ? `${CHAINS[chain].title} has no segwit addresses` : `${CHAINS[chain].title}'s are ${hrps.join(', ')}`;
}

/**
 * Decodes a payout address of `chain`: a segwit address when it starts with one of the chain's
 * human-readable parts and '1', else Base58Check P2PKH or P2SH. An address of another chain is
 * refused with a message saying which chain it is for.
 */
export function decodeAddress(address: unknown, chain: Chain, name = 'address'): DecodedAddress {
  if (!isChain(chain)) throw new InputError('chain', `expected one of ${CHAIN_NAMES.join(', ')}`);
  if (typeof address !== 'string' || address.length === 0) throw new InputError(name, 'expected an address');
  if (address.length > MAX_ADDRESS_CHARS) throw new InputError(name, `longer than ${MAX_ADDRESS_CHARS} characters: not an address`);
  const title = CHAINS[chain].title;
  const sep = address.lastIndexOf('1');
  const hrp = sep > 0 ? address.slice(0, sep).toLowerCase() : null;
  const hrpOwners = hrp === null ? [] : byHrp(hrp);
  const own = hrpOwners.filter((o) => o.chain === chain).map((o) => o.network);
  if (own.length > 0) {
    const { version, program } = decodeSegwitAddress(address, name);
    return { chain, networks: own, kind: 'witness', script: witnessScript(version, program) };
  }
  if (hrpOwners.length > 0) {
    const o = hrpOwners[0]!;
    throw new InputError(name, `a ${networkLabel(o.chain, [o.network])} segwit address (prefix '${hrp}1'), not a ${title} one`);
  }
  let payload: Uint8Array;
  try {
    payload = decodeBase58Check(address, name);
  } catch (base58Error) {
    // Not Base58Check; if it is a well-formed Bech32 string, the hrp is the problem.
    if (hrp !== null && isBech32(address)) throw new InputError(name, `unknown segwit prefix '${hrp}1' (${hrpList(chain)})`);
    throw base58Error;
  }
  if (payload.length !== 1 + HASH160_BYTES) {
    throw new InputError(name, `Base58Check payload of ${payload.length} bytes (an address is a version byte and a 20-byte hash)`);
  }
  const version = payload[0]!;
  const matches = byVersion(version);
  const mine = matches.find((m) => m.chain === chain);
  if (mine === undefined) {
    const hex = `0x${version.toString(16).padStart(2, '0')}`;
    if (matches.length === 0) throw new InputError(name, `unknown Base58 version byte ${hex}: not a ${title} address`);
    const m = matches[0]!;
    throw new InputError(name, `version byte ${hex} makes this a ${networkLabel(m.chain, m.networks)} ${m.kind.toUpperCase()} address, not a ${title} one`);
  }
  const hash = payload.subarray(1);
  return { chain, networks: mine.networks, kind: mine.kind, script: mine.kind === 'p2pkh' ? p2pkhScript(hash) : p2shScript(hash) };
}

function isBech32(text: string): boolean {
  try {
    decodeBech32(text);
    return true;
  } catch {
    return false;
  }
}

/** The scriptPubKey `address` stands for on `chain`'s `network`; any other chain or network is refused. */
export function addressToScript(address: unknown, chain: Chain, network: Network, name = 'address'): Uint8Array {
  if (!isNetwork(network)) throw new InputError('network', `expected one of ${NETWORK_NAMES.join(', ')}`);
  const decoded = decodeAddress(address, chain, name);
  if (!decoded.networks.includes(network)) {
    throw new InputError(name, `a ${networkLabel(chain, decoded.networks)} address, not ${CHAINS[chain].title} ${network}`);
  }
  return decoded.script;
}
