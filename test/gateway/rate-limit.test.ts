import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/util/errors.js';
import { RateLimiter } from '../../src/relay/gateway/rate-limit.js';

describe('RateLimiter', () => {
  it('allows a burst, then the average rate, per key', () => {
    const rl = new RateLimiter({ perSecond: 2, burst: 3 });
    expect([rl.take('a', 0), rl.take('a', 0), rl.take('a', 0)]).toEqual([0, 0, 0]);
    expect(rl.take('a', 0)).toBeCloseTo(0.5);
    expect(rl.take('b', 0)).toBe(0);
    expect(rl.take('a', 500)).toBe(0);
    expect(rl.take('a', 500)).toBeGreaterThan(0);
  });

  it('tracks at most maxKeys keys, forgetting the least recently used', () => {
    const rl = new RateLimiter({ perSecond: 1, burst: 1, maxKeys: 2 });
    rl.take('a', 0);
    rl.take('b', 0);
    rl.take('a', 0);
    rl.take('c', 0);
    expect(rl.size).toBe(2);
    expect(rl.take('a', 0)).toBeGreaterThan(0);
    expect(rl.take('b', 0)).toBe(0);
  });

  it('checks its options', () => {
    expect(() => new RateLimiter({ perSecond: 0, burst: 1 })).toThrow(InputError);
    expect(() => new RateLimiter({ perSecond: 1, burst: 0.5 })).toThrow(InputError);
    expect(() => new RateLimiter({ perSecond: 1, burst: 1, maxKeys: 0 })).toThrow(InputError);
  });
});
