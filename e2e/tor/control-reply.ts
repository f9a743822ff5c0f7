/**
 * Tor control protocol replies (control-spec section 2.3, "Replies from Tor to the controller"):
 *
 *   Reply    = *(MidReplyLine / DataReplyLine) EndReplyLine
 *   MidReplyLine  = StatusCode "-" ReplyLine
 *   DataReplyLine = StatusCode "+" ReplyLine CmdData     (CmdData: dot-escaped lines ending in ".")
 *   EndReplyLine  = StatusCode " " ReplyLine
 *
 * Lines end in CRLF. Status 650 marks an asynchronous event; everything else answers the oldest command.
 */

export interface ReplyLine {
  readonly code: number;
  readonly text: string;
  /** The CmdData block of a "+" line, dot-unescaped, lines joined by "\n". */
  readonly data?: string;
}

export interface ControlReply {
  readonly code: number;
  readonly lines: readonly ReplyLine[];
}

export class ControlProtocolError extends Error {
  override readonly name = 'ControlProtocolError';
}

const MAX_LINE = 1 << 20;
const MAX_REPLY_LINES = 100_000;
const STATUS_LINE = /^([0-9]{3})([- +])(.*)$/s;

/** Incremental parser: feed() bytes as they arrive, receive whole replies. Throws on malformed input. */
export class ControlReplyParser {
  private buffer = '';
  private lines: ReplyLine[] = [];
  private data: { code: number; text: string; body: string[] } | undefined;

  constructor(private readonly onReply: (reply: ControlReply) => void) {}

  feed(chunk: string): void {
    this.buffer += chunk;
    for (;;) {
      const end = this.buffer.indexOf('\r\n');
      if (end === -1) break;
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      this.line(line);
    }
    if (this.buffer.length > MAX_LINE) throw new ControlProtocolError(`a reply line is longer than ${MAX_LINE} bytes`);
  }

  private line(line: string): void {
    if (this.data !== undefined) {
      if (line === '.') {
        this.lines.push({ code: this.data.code, text: this.data.text, data: this.data.body.join('\n') });
        this.data = undefined;
      } else {
        this.data.body.push(line.startsWith('.') ? line.slice(1) : line);
      }
      this.checkSize();
      return;
    }
    const match = STATUS_LINE.exec(line);
    if (match === null) throw new ControlProtocolError(`malformed reply line: ${JSON.stringify(line.slice(0, 80))}`);
    const code = Number(match[1]);
    const sep = match[2];
    const text = match[3] ?? '';
    const first = this.lines[0];
    if (first !== undefined && first.code !== code) {
      throw new ControlProtocolError(`status code changed within a reply: ${first.code} then ${code}`);
    }
    if (sep === '+') {
      this.data = { code, text, body: [] };
      return;
    }
    this.lines.push({ code, text });
    this.checkSize();
    if (sep === ' ') {
      const reply = { code, lines: this.lines };
      this.lines = [];
      this.onReply(reply);
    }
  }

  private checkSize(): void {
    const body = this.data?.body.length ?? 0;
    if (this.lines.length + body > MAX_REPLY_LINES) throw new ControlProtocolError('reply has too many lines');
  }
}

/**
 * Splits `KEY=VALUE KEY2="quoted \"value\""` keyword arguments (control-spec 2.1: QuotedString with
 * backslash escapes). Positional words before the first keyword are returned in `positional`.
 */
export function parseKeywords(text: string): { positional: string[]; keywords: Map<string, string> } {
  const positional: string[] = [];
  const keywords = new Map<string, string>();
  let i = 0;
  while (i < text.length) {
    while (text[i] === ' ') i++;
    if (i >= text.length) break;
    const start = i;
    while (i < text.length && text[i] !== ' ' && text[i] !== '=') i++;
    const word = text.slice(start, i);
    if (text[i] !== '=') {
      positional.push(word);
      continue;
    }
    i++;
    let value = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new ControlProtocolError(`unterminated quoted value for ${word}`);
        const c = text[i++]!;
        if (c === '"') break;
        if (c === '\\') {
          if (i >= text.length) throw new ControlProtocolError(`dangling escape in value for ${word}`);
          const e = text[i++]!;
          value += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
        } else value += c;
      }
    } else {
      const vstart = i;
      while (i < text.length && text[i] !== ' ') i++;
      value = text.slice(vstart, i);
    }
    keywords.set(word, value);
  }
  return { positional, keywords };
}

/** Quotes a string for a control command argument (control-spec 2.1 QuotedString). */
export function quoteString(value: string): string {
  if (/[\r\n\0]/.test(value)) throw new ControlProtocolError('a control argument may not contain CR, LF or NUL');
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
