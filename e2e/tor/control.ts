/**
 * A tor control port client (control-spec): one TCP connection, commands answered in order,
 * asynchronous 650 events delivered to listeners.
 */
import { connect, type Socket } from 'node:net';
import { readFile } from 'node:fs/promises';
import { ControlProtocolError, ControlReplyParser, quoteString, type ControlReply } from './control-reply.js';

/** How to authenticate: the cookie file's 32 bytes (CookieAuthentication 1) or a HashedControlPassword. */
export type ControlAuth =
  | { readonly method: 'cookie'; readonly cookieFile: string }
  | { readonly method: 'password'; readonly password: string };

export class ControlCommandError extends Error {
  override readonly name = 'ControlCommandError';
  constructor(
    readonly command: string,
    readonly reply: ControlReply,
  ) {
    super(`${command.split(' ')[0]}: ${reply.code} ${reply.lines.map((l) => l.text).join(' / ')}`);
  }
}

export type EventListener = (event: ControlReply) => void;

interface Pending {
  command: string;
  resolve(reply: ControlReply): void;
  reject(err: Error): void;
}

export class TorControl {
  private readonly pending: Pending[] = [];
  private readonly listeners = new Map<string, Set<EventListener>>();
  private closedError: Error | undefined;

  private constructor(private readonly socket: Socket) {
    const parser = new ControlReplyParser((reply) => this.reply(reply));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      try {
        parser.feed(chunk);
      } catch (err) {
        this.fail(err as Error);
        socket.destroy();
      }
    });
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new ControlProtocolError('control connection closed')));
  }

  /** Connects to 127.0.0.1:port and authenticates. */
  static async connect(port: number, auth: ControlAuth, timeoutMs = 10_000): Promise<TorControl> {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`port: not a TCP port: ${port}`);
    const secret =
      auth.method === 'cookie' ? (await readFile(auth.cookieFile)).toString('hex') : quoteString(auth.password);
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new ControlProtocolError(`control port ${port}: no connection within ${timeoutMs} ms`));
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    const control = new TorControl(socket);
    try {
      await control.command(`AUTHENTICATE ${secret}`);
    } catch (err) {
      control.close();
      throw err;
    }
    return control;
  }

  /** Sends one command line; resolves with a 2xx reply, rejects with ControlCommandError otherwise. */
  command(line: string): Promise<ControlReply> {
    if (/[\r\n]/.test(line)) return Promise.reject(new ControlProtocolError('a command is one line'));
    if (this.closedError !== undefined) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      this.pending.push({ command: line, resolve, reject });
      this.socket.write(`${line}\r\n`);
    });
  }

  /** GETINFO one key; returns its value (a data block's text for multi-line values). */
  async getInfo(key: string): Promise<string> {
    if (!/^[A-Za-z0-9/_.:-]+$/.test(key)) throw new ControlProtocolError(`GETINFO key: bad characters in ${key}`);
    const reply = await this.command(`GETINFO ${key}`);
    for (const line of reply.lines) {
      if (line.text.startsWith(`${key}=`)) return line.data ?? line.text.slice(key.length + 1);
    }
    throw new ControlProtocolError(`GETINFO ${key}: key missing from reply`);
  }

  /** Listens for one event type (e.g. "CIRC"); returns a function that removes the listener. */
  on(type: string, listener: EventListener): () => void {
    let set = this.listeners.get(type);
    if (set === undefined) this.listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** SETEVENTS replaces the subscribed event set of this connection. */
  async setEvents(types: readonly string[]): Promise<void> {
    for (const t of types) if (!/^[A-Z_]+$/.test(t)) throw new ControlProtocolError(`event type: ${t}`);
    await this.command(`SETEVENTS ${types.join(' ')}`.trimEnd());
  }

  close(): void {
    this.socket.destroy();
  }

  private reply(reply: ControlReply): void {
    if (reply.code === 650) {
      const type = reply.lines[0]?.text.split(' ', 1)[0] ?? '';
      for (const listener of this.listeners.get(type) ?? []) listener(reply);
      return;
    }
    const next = this.pending.shift();
    if (next === undefined) {
      this.fail(new ControlProtocolError(`unsolicited reply ${reply.code}`));
      this.socket.destroy();
      return;
    }
    if (reply.code >= 200 && reply.code < 300) next.resolve(reply);
    else next.reject(new ControlCommandError(next.command, reply));
  }

  private fail(err: Error): void {
    this.closedError ??= err;
    for (const p of this.pending.splice(0)) p.reject(err);
  }
}
