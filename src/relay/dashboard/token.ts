import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { base64urlToBytes, bytesToBase64url } from '../../core/util/bytes.js';
import { InputError } from '../../core/util/errors.js';

/**
 * The dashboard's access token: 32 random bytes (base64url, 43 characters) kept in
 * `<dataDir>/dashboard.token` with mode 0600, made on first start and reused after. A request
 * carries it as `Authorization: Bearer <token>` or the cookie `workpass_dashboard=<token>`.
 */
export const TOKEN_FILE = 'dashboard.token';
export const COOKIE_NAME = 'workpass_dashboard';
const TOKEN_BYTES = 32;

/** Reads the token file, or creates it (exclusively, mode 0600) when absent. */
export function loadOrCreateToken(dataDir: string, rand: (n: number) => Uint8Array = (n) => new Uint8Array(randomBytes(n))): string {
  const path = join(dataDir, TOKEN_FILE);
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return readToken(path);
  }
  try {
    const token = bytesToBase64url(rand(TOKEN_BYTES));
    writeSync(fd, token + '\n');
    return token;
  } finally {
    closeSync(fd);
  }
}

function readToken(path: string): string {
  // A token file others can read is no secret: tighten it rather than serve with it as it is.
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  const token = readFileSync(path, 'utf8').trim();
  try {
    base64urlToBytes('token', token);
  } catch {
    throw new InputError(path, 'the dashboard token file is not base64url; delete it to make a new token');
  }
  if (token.length !== 43) throw new InputError(path, 'the dashboard token file does not hold a 32-byte token; delete it to make a new token');
  return token;
}

/** The token a request presents: the Bearer credential, else the cookie; undefined if neither. */
export function presentedToken(authorization: string | undefined, cookie: string | undefined): string | undefined {
  if (typeof authorization === 'string') {
    // The auth scheme name is case-insensitive (RFC 9110 section 11.1).
    const m = /^Bearer ([A-Za-z0-9_-]{1,256})$/i.exec(authorization.trim());
    if (m !== null) return m[1];
  }
  if (typeof cookie === 'string' && cookie.length <= 8192) {
    for (const part of cookie.split(';')) {
      const eq = part.indexOf('=');
      if (eq !== -1 && part.slice(0, eq).trim() === COOKIE_NAME) return part.slice(eq + 1).trim();
    }
  }
  return undefined;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Constant-time in the presented token's content (both sides hashed to 32 bytes first, so lengths do not leak either). */
export function tokenMatches(presented: string | undefined, token: string): boolean {
  if (typeof presented !== 'string') return false;
  return timingSafeEqual(digest(presented), digest(token));
}
