import { InputError } from '../../util/errors.js';
import type { AlgorithmName } from '../../pow/registry.js';
import { algorithmFromId, algorithmId } from './algorithms.js';
import { CELL_VERSION } from './commands.js';
import { abytesIn, Reader, Writer } from './wire.js';

/**
 * RELAY_MINING_REGISTER (client -> relay): "a user asks a Tor relay to send him mining jobs"
 * (the paper's SUBSCRIBE, Protocol 1 step 1).
 *
 *   version      u8   1
 *   flags        u8   bit 0: donation only (the client wants no tickets); bits 1-7 zero
 *   algorithms   u8 count (1..8), then count x u8 algorithm id, most preferred first, no repeats
 *   resume       u8 length (0..32), then the session id of an earlier registration to resume
 */
export interface MiningRegister {
  readonly type: 'register';
  readonly donationOnly: boolean;
  readonly algorithms: readonly AlgorithmName[];
  readonly resume: Uint8Array;
}

export const MAX_ALGORITHMS = 8;
export const MAX_RESUME_LEN = 32;

export function encodeRegister(m: MiningRegister): Uint8Array {
  if (typeof m.donationOnly !== 'boolean') throw new InputError('register.donationOnly', 'expected a boolean');
  if (!Array.isArray(m.algorithms) || m.algorithms.length < 1 || m.algorithms.length > MAX_ALGORITHMS) {
    throw new InputError('register.algorithms', `expected 1..${MAX_ALGORITHMS} algorithms`);
  }
  const ids = m.algorithms.map((a, i) => algorithmId(`register.algorithms[${i}]`, a));
  if (new Set(ids).size !== ids.length) throw new InputError('register.algorithms', 'repeated algorithm');
  const w = new Writer().u8(CELL_VERSION).u8(m.donationOnly ? 1 : 0).u8(ids.length);
  for (const id of ids) w.u8(id);
  return w.vec(abytesIn('register.resume', m.resume, 0, MAX_RESUME_LEN), 1).finish();
}

export function decodeRegister(bytes: Uint8Array): MiningRegister {
  const r = new Reader(bytes, 'register');
  const version = r.u8('version');
  if (version !== CELL_VERSION) throw new InputError('register.version', `unsupported version ${version}`);
  const flags = r.u8('flags');
  if ((flags & 0xfe) !== 0) throw new InputError('register.flags', 'reserved bits set');
  const n = r.u8('algorithms.count');
  if (n < 1 || n > MAX_ALGORITHMS) throw new InputError('register.algorithms', `expected 1..${MAX_ALGORITHMS} algorithms, got ${n}`);
  const algorithms: AlgorithmName[] = [];
  for (let i = 0; i < n; i++) {
    const a = algorithmFromId(`register.algorithms[${i}]`, r.u8(`algorithms[${i}]`));
    if (algorithms.includes(a)) throw new InputError('register.algorithms', 'repeated algorithm');
    algorithms.push(a);
  }
  const resume = r.vec('resume', 1, 0, MAX_RESUME_LEN);
  r.end();
  return { type: 'register', donationOnly: (flags & 1) === 1, algorithms, resume };
}
