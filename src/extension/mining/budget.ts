/**
 * CPU budget -> worker count and duty cycle. The budget is a share of the whole machine; it is met by
 * running ceil(cores * budget) workers, each hashing `duty` of the time, so that
 * workers * duty = cores * budget exactly (worker count alone could only give multiples of 1/cores).
 */
export interface PoolPlan {
  readonly workers: number;
  readonly duty: number;
  /** The budget actually used this session (after randomization), a fraction of the machine. */
  readonly budget: number;
}

/**
 * Paper section 5.2: a curious relay learns a client's hash rate, so each session draws its budget
 * uniformly from budget * [1 - band, 1 + band] (capped at the whole machine). `uniform` is a draw in
 * [0, 1) from the caller's randomness.
 */
export function planPool(cores: number, budgetPercent: number, bandPercent: number, uniform: number): PoolPlan {
  if (!Number.isInteger(cores) || cores < 1) throw new RangeError('cores must be an integer >= 1');
  if (!(budgetPercent > 0 && budgetPercent <= 100)) throw new RangeError('budgetPercent must be in (0, 100]');
  if (!(bandPercent >= 0 && bandPercent <= 50)) throw new RangeError('bandPercent must be in [0, 50]');
  if (!(uniform >= 0 && uniform < 1)) throw new RangeError('uniform must be in [0, 1)');
  const factor = 1 + (bandPercent / 100) * (2 * uniform - 1);
  const budget = Math.min(1, (budgetPercent / 100) * factor);
  const capacity = cores * budget;
  const workers = Math.min(cores, Math.max(1, Math.ceil(capacity - 1e-9)));
  return { workers, duty: Math.min(1, capacity / workers), budget };
}

/** A uniform draw in [0, 1) from 4 random bytes. */
export function uniformFrom(bytes: Uint8Array): number {
  if (bytes.length < 4) throw new RangeError('need 4 random bytes');
  return (((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0) / 2 ** 32;
}
