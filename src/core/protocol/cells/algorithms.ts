import { InputError } from '../../util/errors.js';
import type { AlgorithmName } from '../../pow/registry.js';

/** Algorithm ids on the wire. */
export const ALGORITHM_IDS: Readonly<Record<AlgorithmName, number>> = Object.freeze({ sha256d: 1, scrypt: 2, x11: 3 });

const BY_ID = new Map<number, AlgorithmName>(Object.entries(ALGORITHM_IDS).map(([n, id]) => [id, n as AlgorithmName]));

export function algorithmId(name: string, value: unknown): number {
  const id = typeof value === 'string' ? (ALGORITHM_IDS as Record<string, number>)[value] : undefined;
  if (id === undefined) throw new InputError(name, `unknown algorithm '${String(value)}'`);
  return id;
}

export function algorithmFromId(name: string, id: number): AlgorithmName {
  const a = BY_ID.get(id);
  if (a === undefined) throw new InputError(name, `unknown algorithm id ${id}`);
  return a;
}
