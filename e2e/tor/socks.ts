/**
 * A SOCKS5 CONNECT client (RFC 1928) with optional username/password authentication (RFC 1929), which
 * tor uses for stream isolation (IsolateSOCKSAuth is on by default). The domain name goes to the proxy
 * unresolved, so .onion names and remote DNS work.
 */
import { connect, type Socket } from 'node:net';
import {
  CMD_CONNECT,
  METHOD_NO_AUTH,
  METHOD_NONE_ACCEPTABLE,
  METHOD_USERPASS,
  REPLY_NAMES,
  SocksProtocolError,
  decodeAddressMessage,
  decodeMethodReply,
  decodeUserPassReply,
  encodeAddressMessage,
  encodeMethodRequest,
  encodeUserPassRequest,
  type Decoded,
} from './socks-messages.js';

export { SocksProtocolError } from './socks-messages.js';

/** The proxy answered the CONNECT with a reply code other than 0x00. */
export class SocksReplyError extends Error {
  override readonly name = 'SocksReplyError';
  constructor(readonly reply: number) {
    super(`SOCKS reply 0x${reply.toString(16).padStart(2, '0')}: ${REPLY_NAMES[reply] ?? 'unknown reply code'}`);
  }
}

export interface SocksConnectOptions {
  readonly proxyPort: number;
  readonly proxyHost?: string;
  readonly host: string;
  readonly port: number;
  /** Sent with RFC 1929; tor puts streams with different credentials on different circuits. */
  readonly auth?: { readonly username: string; readonly password: string };
  /** Bound on the whole handshake, including tor building a circuit. */
  readonly timeoutMs?: number;
}

export interface SocksConnection {
  /** Connected to the destination; bytes after the SOCKS reply are left unread in it. */
  readonly socket: Socket;
  /** BND.ADDR / BND.PORT of the reply. */
  readonly bound: { readonly host: string; readonly port: number };
}

/** Opens a TCP connection to host:port through the SOCKS5 proxy. */
export async function socksConnect(o: SocksConnectOptions): Promise<SocksConnection> {
  checkPort('proxyPort', o.proxyPort);
  checkPort('port', o.port);
  if (typeof o.host !== 'string' || o.host.length === 0) throw new SocksProtocolError('host: empty');
  // Encode everything first, so bad input fails before any connection is made.
  const greeting = encodeMethodRequest({ methods: o.auth ? [METHOD_USERPASS] : [METHOD_NO_AUTH] });
  const login = o.auth ? encodeUserPassRequest(o.auth) : undefined;
  const request = encodeAddressMessage({ code: CMD_CONNECT, host: o.host, port: o.port });
  const timeoutMs = o.timeoutMs ?? 60_000;

  const socket = connect({ host: o.proxyHost ?? '127.0.0.1', port: o.proxyPort });
  const reader = new HandshakeReader(socket);
  const timer = setTimeout(
    () => socket.destroy(new SocksProtocolError(`SOCKS handshake not done within ${timeoutMs} ms`)),
    timeoutMs,
  );
  try {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.off('error', onError);
        resolve();
      });
    });
    socket.write(greeting);
    const { method } = await reader.read(decodeMethodReply);
    if (method === METHOD_NONE_ACCEPTABLE) throw new SocksProtocolError('proxy accepts none of our methods');
    if (login !== undefined) {
      if (method !== METHOD_USERPASS) throw new SocksProtocolError(`proxy chose method ${method}, not username/password`);
      socket.write(login);
      const { status } = await reader.read(decodeUserPassReply);
      if (status !== 0) throw new SocksProtocolError(`username/password rejected (status ${status})`);
    } else if (method !== METHOD_NO_AUTH) {
      throw new SocksProtocolError(`proxy chose method ${method}, not "no authentication"`);
    }
    socket.write(request);
    const reply = await reader.read(decodeAddressMessage);
    if (reply.code !== 0) throw new SocksReplyError(reply.code);
    reader.release();
    return { socket, bound: { host: reply.host, port: reply.port } };
  } catch (err) {
    socket.destroy();
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** Reads whole handshake messages off a socket in paused mode; what is left stays in the socket. */
class HandshakeReader {
  private buffered = new Uint8Array(0);
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private readonly onReadable = (): void => this.notify();
  private readonly onEnd = (): void => this.stop(new SocksProtocolError('proxy closed the connection mid-handshake'));
  private readonly onError = (err: Error): void => this.stop(err);

  constructor(private readonly socket: Socket) {
    socket.on('readable', this.onReadable);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', this.onError);
  }

  async read<T>(decode: (b: Uint8Array) => Decoded<T> | undefined): Promise<T> {
    for (;;) {
      const decoded = decode(this.buffered);
      if (decoded !== undefined) {
        this.buffered = this.buffered.subarray(decoded.size);
        return decoded.message;
      }
      if (this.failure !== undefined) throw this.failure;
      const chunk = this.socket.read() as Buffer | null;
      if (chunk !== null) {
        const joined = new Uint8Array(this.buffered.length + chunk.length);
        joined.set(this.buffered);
        joined.set(chunk, this.buffered.length);
        this.buffered = joined;
        continue;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Detaches; bytes read past the last message go back to the front of the socket. */
  release(): void {
    this.socket.off('readable', this.onReadable);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
    this.socket.off('error', this.onError);
    if (this.buffered.length > 0) this.socket.unshift(Buffer.from(this.buffered));
  }

  private stop(err: Error): void {
    this.failure ??= err;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

function checkPort(name: string, port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new SocksProtocolError(`${name}: not a TCP port: ${port}`);
}
