import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ControlProtocolError,
  ControlReplyParser,
  parseKeywords,
  quoteString,
  type ControlReply,
} from '../../e2e/tor/control-reply.js';

function parseAll(text: string, chunk = text.length): ControlReply[] {
  const out: ControlReply[] = [];
  const parser = new ControlReplyParser((r) => out.push(r));
  for (let i = 0; i < text.length; i += chunk) parser.feed(text.slice(i, i + chunk));
  return out;
}

// A GETINFO answer with a data block (control-spec 2.3), then an asynchronous event, then "250 OK".
const SAMPLE =
  '250-version=0.4.9.11\r\n' +
  '250+circuit-status=\r\n' +
  '1 BUILT $AAAA~a,$BBBB~b PURPOSE=GENERAL\r\n' +
  '..leading dot is escaped\r\n' +
  '.\r\n' +
  '250 OK\r\n' +
  '650 STREAM 7 NEW 0 127.0.0.1:80 SOURCE_ADDR=127.0.0.1:5000 PURPOSE=USER\r\n';

describe('ControlReplyParser', () => {
  it('splits mid lines, data blocks and end lines into replies', () => {
    const [reply, event] = parseAll(SAMPLE);
    expect(reply).toEqual({
      code: 250,
      lines: [
        { code: 250, text: 'version=0.4.9.11' },
        { code: 250, text: 'circuit-status=', data: '1 BUILT $AAAA~a,$BBBB~b PURPOSE=GENERAL\n.leading dot is escaped' },
        { code: 250, text: 'OK' },
      ],
    });
    expect(event).toEqual({ code: 650, lines: [{ code: 650, text: 'STREAM 7 NEW 0 127.0.0.1:80 SOURCE_ADDR=127.0.0.1:5000 PURPOSE=USER' }] });
  });

  it('gives the same result whatever the chunking', () => {
    const whole = parseAll(SAMPLE);
    fc.assert(fc.property(fc.integer({ min: 1, max: SAMPLE.length }), (n) => {
      expect(parseAll(SAMPLE, n)).toEqual(whole);
    }));
  });

  it('waits for CRLF: a bare LF does not end a line', () => {
    expect(parseAll('250 OK\n')).toEqual([]);
  });

  const malformed: Array<[string, string]> = [
    ['no status code', 'hello\r\n'],
    ['short status code', '25 OK\r\n'],
    ['bad separator', '250*OK\r\n'],
    ['status code changes within a reply', '250-a\r\n251 OK\r\n'],
  ];
  for (const [what, text] of malformed) {
    it(`throws on ${what}`, () => expect(() => parseAll(text)).toThrow(ControlProtocolError));
  }

  it('throws on an endless line instead of buffering forever', () => {
    const parser = new ControlReplyParser(() => {});
    expect(() => parser.feed('250-' + 'x'.repeat((1 << 20) + 10))).toThrow(/longer than/);
  });
});

describe('parseKeywords', () => {
  it('separates positional words from KEY=VALUE and unquotes QuotedString values', () => {
    const { positional, keywords } = parseKeywords(
      'CIRC 12 BUILT $AB~x,$CD~y PURPOSE=GENERAL SOCKS_USERNAME="a \\"b\\" \\\\c" SOCKS_PASSWORD="" TIME_CREATED=2026-12-01T09:00:00.000000',
    );
    expect(positional).toEqual(['CIRC', '12', 'BUILT', '$AB~x,$CD~y']);
    expect(keywords.get('PURPOSE')).toBe('GENERAL');
    expect(keywords.get('SOCKS_USERNAME')).toBe('a "b" \\c');
    expect(keywords.get('SOCKS_PASSWORD')).toBe('');
    expect(keywords.get('TIME_CREATED')).toBe('2026-12-01T09:00:00.000000');
  });
  it('rejects an unterminated quote and a dangling escape', () => {
    expect(() => parseKeywords('A="abc')).toThrow(ControlProtocolError);
    expect(() => parseKeywords('A="abc\\')).toThrow(ControlProtocolError);
  });
  it('round-trips with quoteString for any one-line string', () => {
    fc.assert(fc.property(fc.string().filter((s) => !/[\r\n\0]/.test(s)), (s) => {
      expect(parseKeywords(`K=${quoteString(s)}`).keywords.get('K')).toBe(s);
    }));
  });
  it('quoteString refuses CR, LF and NUL (they would end or corrupt the command)', () => {
    for (const s of ['a\r\nSIGNAL HALT', 'a\n', 'a\0']) expect(() => quoteString(s)).toThrow(ControlProtocolError);
  });
});
