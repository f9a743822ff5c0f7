import { InputError } from '../../core/util/errors.js';

/**
 * The `WorkpassTicket` HTTP authentication scheme, in the style of RFC 9577 (Privacy Pass HTTP auth).
 *
 * Challenge (server -> client, `WWW-Authenticate`, one challenge per accepted issuer key):
 *   WorkpassTicket issuer="<key id hex>", ticket-type="<type>", descriptor="<url>", max-age=<dt>
 *   and on a refused credential also: error="<code>", error-description="<text>"
 * Credentials (client -> server, `Authorization`), exactly one of:
 *   WorkpassTicket token="<ticket, base64url>"
 *   WorkpassTicket session="<session token, base64url>"
 *   WorkpassTicket token="<ticket>", session="<live session token>"   (moves the session a tier up)
 *
 * Grammar (RFC 9110 section 11): credentials = auth-scheme [ 1*SP #auth-param ];
 * auth-param = token BWS "=" BWS ( token / quoted-string ). Scheme and parameter names are
 * case-insensitive; a parameter may appear once; parameters we do not know are ignored (RFC 9577
 * section 2.1 lets schemes grow parameters).
 */
export const SCHEME = 'WorkpassTicket';

/** Credentials longer than this are refused before parsing (a ticket is a few hundred bytes). */
export const MAX_CREDENTIALS_LENGTH = 4096;

export type Credentials =
  | { readonly kind: 'ticket'; readonly token: string; readonly session?: string }
  | { readonly kind: 'session'; readonly session: string };

/** Error codes carried in the challenge's `error` parameter. */
export type ChallengeError =
  | 'invalid_request'
  | 'invalid_ticket'
  | 'unknown_issuer'
  | 'ticket_expired'
  | 'ticket_spent'
  | 'issuer_untrusted'
  | 'invalid_session'
  | 'session_expired';

export interface Challenge {
  /** The issuer's ticket key id (hex). */
  readonly issuer: string;
  readonly ticketType: string;
  /** Where the issuer's descriptor (mining endpoint, keys) can be fetched; optional. */
  readonly descriptor?: string;
  /** Seconds of priority a ticket buys. */
  readonly maxAge: number;
  readonly error?: ChallengeError;
  readonly errorDescription?: string;
}

// RFC 9110 section 5.6.2: tchar.
const TOKEN_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Values we put in quoted-strings: printable ASCII without '"' and '\' (so no escaping is ever needed).
const SAFE_QUOTED_RE = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function isTchar(c: string): boolean {
  return TOKEN_RE.test(c);
}

/**
 * Parses an `Authorization` header value carrying our scheme.
 * Returns null when the header names another scheme (the caller then ignores it);
 * throws InputError on a malformed value of our scheme.
 */
export function parseCredentials(header: unknown): Credentials | null {
  if (typeof header !== 'string') throw new InputError('authorization', 'expected a string');
  if (header.length > MAX_CREDENTIALS_LENGTH) {
    throw new InputError('authorization', `longer than ${MAX_CREDENTIALS_LENGTH} characters`);
  }
  const sp = header.indexOf(' ');
  const scheme = sp === -1 ? header : header.slice(0, sp);
  if (scheme.toLowerCase() !== SCHEME.toLowerCase()) return null;
  const params = parseAuthParams(sp === -1 ? '' : header.slice(sp + 1));
  const token = params.get('token');
  const session = params.get('session');
  if (token !== undefined) return session === undefined ? { kind: 'ticket', token } : { kind: 'ticket', token, session };
  if (session !== undefined) return { kind: 'session', session };
  throw new InputError('authorization', 'missing token or session parameter');
}

/** Parses `#auth-param` (comma-separated name=value pairs); names are lower-cased. */
export function parseAuthParams(text: string): Map<string, string> {
  const params = new Map<string, string>();
  let i = 0;
  const n = text.length;
  const skipOws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  skipOws();
  while (i < n) {
    const nameStart = i;
    while (i < n && isTchar(text[i]!)) i++;
    const name = text.slice(nameStart, i).toLowerCase();
    if (name === '') throw new InputError('authorization', `expected a parameter name at offset ${nameStart}`);
    skipOws();
    if (text[i] !== '=') throw new InputError('authorization', `expected '=' after ${name}`);
    i++;
    skipOws();
    let value: string;
    if (text[i] === '"') {
      i++;
      value = '';
      for (;;) {
        if (i >= n) throw new InputError('authorization', `unterminated quoted value for ${name}`);
        const c = text[i]!;
        if (c === '"') {
          i++;
          break;
        }
        if (c === '\\') {
          // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
          const next = text[i + 1];
          if (next === undefined) throw new InputError('authorization', `dangling escape in ${name}`);
          value += next;
          i += 2;
          continue;
        }
        if (c !== '\t' && (c < ' ' || c === '\x7f')) {
          throw new InputError('authorization', `control character in ${name}`);
        }
        value += c;
        i++;
      }
    } else {
      const start = i;
      while (i < n && isTchar(text[i]!)) i++;
      value = text.slice(start, i);
      if (value === '') throw new InputError('authorization', `empty value for ${name}`);
    }
    if (params.has(name)) throw new InputError('authorization', `duplicate parameter ${name}`);
    params.set(name, value);
    skipOws();
    if (i < n) {
      if (text[i] !== ',') throw new InputError('authorization', `expected ',' after ${name}`);
      i++;
      skipOws();
      if (i >= n) throw new InputError('authorization', 'trailing comma');
    }
  }
  return params;
}

/**
 * Parses a `WWW-Authenticate` value (one or more challenges, comma-separated; RFC 9110 section
 * 11.6.1) into scheme + parameters, for clients. A new challenge starts at an item of the form
 * `scheme` or `scheme param=value`. Throws InputError on malformed text.
 */
export function parseChallenges(header: unknown): Array<{ scheme: string; params: Map<string, string> }> {
  if (typeof header !== 'string') throw new InputError('www-authenticate', 'expected a string');
  if (header.length > 8 * MAX_CREDENTIALS_LENGTH) throw new InputError('www-authenticate', 'too long');
  const items: string[] = [];
  let cur = '';
  let quotedRun = false;
  for (let i = 0; i < header.length; i++) {
    const c = header[i]!;
    if (quotedRun && c === '\\') {
      cur += c + (header[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') quotedRun = !quotedRun;
    if (c === ',' && !quotedRun) {
      items.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (quotedRun) throw new InputError('www-authenticate', 'unterminated quoted value');
  items.push(cur.trim());
  const out: Array<{ scheme: string; params: Map<string, string> }> = [];
  let open: { scheme: string; params: string[] } | undefined;
  const flush = () => {
    if (open === undefined) return;
    const text = open.params.join(', ');
    if (open.scheme.toLowerCase() === SCHEME.toLowerCase()) out.push({ scheme: open.scheme, params: parseAuthParams(text) });
    else {
      // Another scheme's challenge may carry a token68 instead of parameters: keep it unparsed.
      let params: Map<string, string>;
      try {
        params = parseAuthParams(text);
      } catch {
        params = new Map();
      }
      out.push({ scheme: open.scheme, params });
    }
  };
  for (const item of items) {
    if (item === '') continue;
    const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?:[ \t]+(.*))?$/s.exec(item);
    if (m !== null && (m[2] === undefined || !m[2].startsWith('='))) {
      flush();
      open = { scheme: m[1]!, params: m[2] === undefined ? [] : [m[2]] };
    } else {
      if (open === undefined) throw new InputError('www-authenticate', 'parameter before any scheme');
      open.params.push(item);
    }
  }
  flush();
  return out;
}

function quoted(name: string, value: string): string {
  if (!SAFE_QUOTED_RE.test(value)) throw new InputError(name, 'must be printable ASCII without quotes or backslashes');
  return `"${value}"`;
}

/** Formats one challenge for a `WWW-Authenticate` header. */
export function formatChallenge(c: Challenge): string {
  if (!/^[0-9a-f]{2,128}$/.test(c.issuer)) throw new InputError('issuer', 'expected a lower-case hex key id');
  if (!TOKEN_RE.test(c.ticketType)) throw new InputError('ticketType', 'expected an HTTP token');
  if (!Number.isInteger(c.maxAge) || c.maxAge <= 0) throw new InputError('maxAge', 'expected a positive integer');
  const parts = [`issuer="${c.issuer}"`, `ticket-type="${c.ticketType}"`];
  if (c.descriptor !== undefined) parts.push(`descriptor=${quoted('descriptor', c.descriptor)}`);
  parts.push(`max-age=${c.maxAge}`);
  if (c.error !== undefined) parts.push(`error="${c.error}"`);
  if (c.errorDescription !== undefined) {
    parts.push(`error-description=${quoted('errorDescription', c.errorDescription)}`);
  }
  return `${SCHEME} ${parts.join(', ')}`;
}

/** Formats credentials for an `Authorization` header (what a client sends). */
export function formatCredentials(c: Credentials): string {
  const b64 = (name: string, v: string) => {
    if (!/^[A-Za-z0-9_-]+$/.test(v)) throw new InputError(name, 'expected base64url');
    return `${name}="${v}"`;
  };
  const parts = c.kind === 'ticket' ? [b64('token', c.token), ...(c.session === undefined ? [] : [b64('session', c.session)])] : [b64('session', c.session)];
  return `${SCHEME} ${parts.join(', ')}`;
}
