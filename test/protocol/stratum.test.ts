import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/util/errors.js';
import {
  decodeAuthorizeParams,
  decodeNotifyParams,
  decodeSetDifficultyParams,
  decodeSubmitParams,
  decodeSubscribeParams,
  decodeSubscribeResult,
  encodeNotifyParams,
  encodeSubmitParams,
  encodeSubscribeResult,
  type NotifyParams,
} from '../../src/core/protocol/stratum.js';

const notify: NotifyParams = {
  jobId: 'ab12',
  prevhash: '11'.repeat(32),
  coinb1: '01000000',
  coinb2: 'ffffffff',
  merkleBranch: ['22'.repeat(32)],
  version: '20000000',
  nbits: '1d00ffff',
  ntime: '5f5e1000',
  cleanJobs: true,
};

describe('stratum params', () => {
  it('round-trips notify, submit and subscribe', () => {
    expect(decodeNotifyParams(encodeNotifyParams(notify))).toEqual(notify);
    const submit = { worker: 'w', jobId: 'j', extranonce2: '00000001', ntime: '5f5e1000', nonce: 'deadbeef' };
    expect(decodeSubmitParams(encodeSubmitParams(submit))).toEqual(submit);
    const sub = { subscriptionId: 'aabbccdd', extranonce1: 'aabbccdd', extranonce2Size: 4 };
    expect(decodeSubscribeResult(encodeSubscribeResult(sub))).toEqual(sub);
  });

  it('reads cpuminer-style subscribe and authorize params', () => {
    expect(decodeSubscribeParams(['cpuminer/2.5.1'])).toEqual({ userAgent: 'cpuminer/2.5.1' });
    expect(decodeSubscribeParams([])).toEqual({ userAgent: null });
    expect(decodeAuthorizeParams(['user'])).toEqual({ username: 'user', password: '' });
    expect(decodeSetDifficultyParams([0.001])).toBe(0.001);
  });

  const badSubmits: unknown[][] = [
    [],
    ['w', 'j', '00', '5f5e1000'],
    ['w', 'j', '0', '5f5e1000', 'deadbeef'],
    ['w', 'j', '00', '5f5e100', 'deadbeef'],
    ['w', 'j', '00', '5f5e1000', 'DEADBEEF'],
    ['w', 'j', '00', '5f5e1000', 'deadbeefff'],
    ['w', 'j', 'zz', '5f5e1000', 'deadbeef'],
    [1, 'j', '00', '5f5e1000', 'deadbeef'],
    ['w', 'x'.repeat(65), '00', '5f5e1000', 'deadbeef'],
    ['w', 'j', '00'.repeat(33), '5f5e1000', 'deadbeef'],
  ];
  it.each(badSubmits.map((p) => [JSON.stringify(p), p]))('refuses submit %s', (_s, p) => {
    expect(() => decodeSubmitParams(p as unknown[])).toThrow(InputError);
  });

  it('refuses bad notify, difficulty and subscribe results', () => {
    expect(() => decodeNotifyParams(encodeNotifyParams({ ...notify, prevhash: '11' }))).toThrow(InputError);
    expect(() => decodeNotifyParams([...encodeNotifyParams(notify)].slice(0, 8))).toThrow(InputError);
    expect(() => decodeSetDifficultyParams([0])).toThrow(InputError);
    expect(() => decodeSetDifficultyParams([-1])).toThrow(InputError);
    expect(() => decodeSetDifficultyParams(['1'])).toThrow(InputError);
    expect(() => decodeSubscribeResult([[], 'aa', 0])).toThrow(InputError);
    expect(() => decodeSubscribeResult([[], 'aa', 101])).toThrow(InputError);
  });
});
