import { StringDecoder } from 'node:string_decoder';

/**
 * Splits a TCP byte stream into newline-delimited messages (Stratum v1 over TCP), with a cap on
 * line length: a peer that sends more than `maxLineBytes` without a newline is cut off, so it can
 * never make the relay buffer without bound. "\r\n" endings are accepted; empty lines are skipped.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(private readonly maxLineBytes: number) {}

  /** Returns the complete lines in this chunk, or 'overflow' when a line exceeds the cap. */
  push(chunk: Buffer): string[] | 'overflow' {
    this.pending += this.decoder.write(chunk);
    const lines: string[] = [];
    let start = 0;
    for (;;) {
      const nl = this.pending.indexOf('\n', start);
      if (nl === -1) break;
      const line = this.pending.slice(start, nl).replace(/\r$/, '');
      if (Buffer.byteLength(line) > this.maxLineBytes) return 'overflow';
      if (line.trim().length > 0) lines.push(line);
      start = nl + 1;
    }
    this.pending = this.pending.slice(start);
    if (Buffer.byteLength(this.pending) > this.maxLineBytes) return 'overflow';
    return lines;
  }
}
