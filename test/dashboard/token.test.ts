import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/util/errors.js';
import { COOKIE_NAME, TOKEN_FILE, loadOrCreateToken, presentedToken, tokenMatches } from '../../src/relay/dashboard/token.js';

const dirs: string[] = [];
function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'workpass-dash-token-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('dashboard token file', () => {
  it('is made once with mode 0600 from the given randomness, then reused', () => {
    const d = dir();
    const token = loadOrCreateToken(d, (n) => new Uint8Array(n).fill(7));
    expect(token).toBe('BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc');
    expect(statSync(join(d, TOKEN_FILE)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(d, TOKEN_FILE), 'utf8')).toBe(token + '\n');
    expect(loadOrCreateToken(d, () => { throw new Error('must not draw randomness again'); })).toBe(token);
  });

  it('tightens a token file others can read', () => {
    const d = dir();
    const token = loadOrCreateToken(d);
    chmodSync(join(d, TOKEN_FILE), 0o644);
    expect(loadOrCreateToken(d)).toBe(token);
    expect(statSync(join(d, TOKEN_FILE)).mode & 0o777).toBe(0o600);
  });

  it('refuses a damaged token file with a clear error', () => {
    for (const bad of ['', 'short', 'not base64url!'.repeat(4), 'A'.repeat(44)]) {
      const d = dir();
      writeFileSync(join(d, TOKEN_FILE), bad, { mode: 0o600 });
      expect(() => loadOrCreateToken(d)).toThrow(InputError);
      expect(() => loadOrCreateToken(d)).toThrow(/delete it/);
    }
  });
});

describe('presented token', () => {
  it('comes from a Bearer header, else the cookie', () => {
    expect(presentedToken('Bearer abc_-9', undefined)).toBe('abc_-9');
    expect(presentedToken(undefined, `a=b; ${COOKIE_NAME}=tok; c=d`)).toBe('tok');
    expect(presentedToken('Bearer hdr', `${COOKIE_NAME}=cookie`)).toBe('hdr');
    expect(presentedToken('Basic abc', `${COOKIE_NAME}=cookie`)).toBe('cookie');
  });

  it('is undefined for hostile or absent credentials', () => {
    for (const auth of [undefined, '', 'Bearer', 'Bearer ', 'Bearer a b', 'bearer\u0000x', 'Bearer ' + 'a'.repeat(300), 'Bearer é']) {
      expect(presentedToken(auth, undefined)).toBeUndefined();
    }
    expect(presentedToken(undefined, 'x'.repeat(9000) + `; ${COOKIE_NAME}=t`)).toBeUndefined();
    expect(presentedToken(undefined, 'other=1')).toBeUndefined();
  });

  it('matches only the exact token', () => {
    const token = 'BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc';
    expect(tokenMatches(token, token)).toBe(true);
    expect(tokenMatches(undefined, token)).toBe(false);
    expect(tokenMatches('', token)).toBe(false);
    expect(tokenMatches(token.slice(0, -1), token)).toBe(false);
    expect(tokenMatches(token + 'c', token)).toBe(false);
    expect(tokenMatches('C' + token.slice(1), token)).toBe(false);
  });
});
