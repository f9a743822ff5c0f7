import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InputError } from '../../src/core/util/errors.js';
import { MAX_CREDENTIALS_LENGTH, formatChallenge, formatCredentials, parseAuthParams, parseChallenges, parseCredentials } from '../../src/relay/gateway/auth-scheme.js';

describe('WorkpassTicket credentials', () => {
  it('parses a ticket, a session, and both', () => {
    expect(parseCredentials('WorkpassTicket token="abc_-9"')).toEqual({ kind: 'ticket', token: 'abc_-9' });
    expect(parseCredentials('WorkpassTicket session="s1"')).toEqual({ kind: 'session', session: 's1' });
    expect(parseCredentials('WorkpassTicket token="t", session="s"')).toEqual({ kind: 'ticket', token: 't', session: 's' });
  });

  it('is case-insensitive in scheme and parameter names, allows tokens unquoted and OWS', () => {
    expect(parseCredentials('workpassticket TOKEN = abc ,  extra="ignored"')).toEqual({ kind: 'ticket', token: 'abc' });
  });

  it('returns null for other schemes', () => {
    expect(parseCredentials('Bearer abc')).toBeNull();
    expect(parseCredentials('PrivateToken token="abc"')).toBeNull();
  });

  it.each([
    ['WorkpassTicket', 'missing token or session'],
    ['WorkpassTicket token="a", token="b"', 'duplicate parameter token'],
    ['WorkpassTicket token="abc', 'unterminated'],
    ['WorkpassTicket token=', 'empty value'],
    ['WorkpassTicket token="a",', 'trailing comma'],
    ['WorkpassTicket token="a" session="b"', "expected ','"],
    ['WorkpassTicket =abc', 'expected a parameter name'],
    ['WorkpassTicket token "a"', "expected '='"],
    ['WorkpassTicket token="a\u0001"', 'control character'],
  ])('refuses %j (%s)', (header, message) => {
    expect(() => parseCredentials(header)).toThrow(InputError);
    expect(() => parseCredentials(header)).toThrow(message);
  });

  it('refuses over-long headers before parsing', () => {
    expect(() => parseCredentials(`WorkpassTicket token="${'a'.repeat(MAX_CREDENTIALS_LENGTH)}"`)).toThrow(/longer than/);
  });

  it('unescapes quoted-pairs', () => {
    expect(parseAuthParams('a="x\\"y", b=z')).toEqual(new Map([['a', 'x"y'], ['b', 'z']]));
  });

  it('round-trips formatCredentials -> parseCredentials', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{1,400}$/), fc.option(fc.stringMatching(/^[A-Za-z0-9_-]{1,60}$/), { nil: undefined }), (token, session) => {
        const c = session === undefined ? ({ kind: 'ticket', token } as const) : ({ kind: 'ticket', token, session } as const);
        expect(parseCredentials(formatCredentials(c))).toEqual(c);
        expect(parseCredentials(formatCredentials({ kind: 'session', session: token }))).toEqual({ kind: 'session', session: token });
      }),
    );
  });

  it('throws only InputError (or returns) on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (tail) => {
        try {
          parseCredentials(`WorkpassTicket ${tail}`);
        } catch (err) {
          expect(err).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('WorkpassTicket challenge', () => {
  it('formats the issuer, type, descriptor, max-age and error, and parses back', () => {
    const text = formatChallenge({ issuer: 'ab01', ticketType: 'workpass-v1', descriptor: 'http://x.onion/descriptor', maxAge: 60, error: 'ticket_spent', errorDescription: 'already spent' });
    expect(text).toBe('WorkpassTicket issuer="ab01", ticket-type="workpass-v1", descriptor="http://x.onion/descriptor", max-age=60, error="ticket_spent", error-description="already spent"');
    const params = parseAuthParams(text.slice('WorkpassTicket '.length));
    expect(params.get('issuer')).toBe('ab01');
    expect(params.get('max-age')).toBe('60');
    expect(params.get('error')).toBe('ticket_spent');
  });

  it('refuses values that would need escaping or are not tokens', () => {
    expect(() => formatChallenge({ issuer: 'AB', ticketType: 't', maxAge: 1 })).toThrow(InputError);
    expect(() => formatChallenge({ issuer: 'ab', ticketType: 'a b', maxAge: 1 })).toThrow(InputError);
    expect(() => formatChallenge({ issuer: 'ab', ticketType: 't', maxAge: 0 })).toThrow(InputError);
    expect(() => formatChallenge({ issuer: 'ab', ticketType: 't', maxAge: 1, descriptor: 'a"b' })).toThrow(InputError);
  });
});

describe('challenge lists', () => {
  it('splits several challenges in one header value, quoted commas included', () => {
    const a = formatChallenge({ issuer: 'aa', ticketType: 'workpass-v1', maxAge: 5, descriptor: 'http://x/a,b' });
    const b = formatChallenge({ issuer: 'bb', ticketType: 'workpass-v1', maxAge: 5, error: 'ticket_spent' });
    const list = parseChallenges(`Basic realm="x, y", ${a}, Negotiate abc==, ${b}`);
    expect(list.map((c) => c.scheme)).toEqual(['Basic', 'WorkpassTicket', 'Negotiate', 'WorkpassTicket']);
    expect(list[0]!.params.get('realm')).toBe('x, y');
    expect(list[1]!.params.get('descriptor')).toBe('http://x/a,b');
    expect(list[3]!.params.get('issuer')).toBe('bb');
    expect(list[3]!.params.get('error')).toBe('ticket_spent');
  });

  it('refuses malformed lists with InputError only', () => {
    expect(() => parseChallenges('issuer="a"')).toThrow(/before any scheme/);
    expect(() => parseChallenges('WorkpassTicket issuer="a')).toThrow(/unterminated/);
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          parseChallenges(text);
        } catch (err) {
          expect(err).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
