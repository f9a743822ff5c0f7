/**
 * SOCKS5 wire messages: RFC 1928 (SOCKS Protocol Version 5) and RFC 1929 (Username/Password
 * Authentication for SOCKS V5). Each message has an encode() and a validating decode() that returns
 * undefined while the bytes are still incomplete and throws SocksProtocolError on malformed ones.
 */
import { isIPv4, isIPv6 } from 'node:net';

export class SocksProtocolError extends Error {
  override readonly name = 'SocksProtocolError';
}

export const SOCKS_VERSION = 0x05;
export const USERPASS_VERSION = 0x01;
export const METHOD_NO_AUTH = 0x00;
export const METHOD_USERPASS = 0x02;
export const METHOD_NONE_ACCEPTABLE = 0xff;
export const CMD_CONNECT = 0x01;
const ATYP_IPV4 = 0x01;
const ATYP_DOMAIN = 0x03;
const ATYP_IPV6 = 0x04;

export interface Decoded<T> {
  readonly message: T;
  /** How many bytes the message used; the rest belongs to what follows. */
  readonly size: number;
}

/*
 * Version identifier/method selection (RFC 1928 section 3):
 *   +----+----------+----------+
 *   |VER | NMETHODS | METHODS  |
 *   | 1  |    1     | 1 to 255 |
 */
export interface MethodRequest {
  readonly methods: readonly number[];
}

export function encodeMethodRequest(m: MethodRequest): Uint8Array {
  if (m.methods.length < 1 || m.methods.length > 255) throw new SocksProtocolError('methods: 1..255 entries');
  for (const x of m.methods) byte('method', x);
  return Uint8Array.of(SOCKS_VERSION, m.methods.length, ...m.methods);
}

export function decodeMethodRequest(b: Uint8Array): Decoded<MethodRequest> | undefined {
  if (b.length < 2) return undefined;
  version(b[0]!, SOCKS_VERSION);
  const n = b[1]!;
  if (n === 0) throw new SocksProtocolError('NMETHODS is 0');
  if (b.length < 2 + n) return undefined;
  return { message: { methods: [...b.subarray(2, 2 + n)] }, size: 2 + n };
}

/*
 * Method selection message (RFC 1928 section 3):
 *   +----+--------+
 *   |VER | METHOD |
 *   | 1  |   1    |
 */
export interface MethodReply {
  readonly method: number;
}

export function encodeMethodReply(m: MethodReply): Uint8Array {
  return Uint8Array.of(SOCKS_VERSION, byte('method', m.method));
}

export function decodeMethodReply(b: Uint8Array): Decoded<MethodReply> | undefined {
  if (b.length < 2) return undefined;
  version(b[0]!, SOCKS_VERSION);
  return { message: { method: b[1]! }, size: 2 };
}

/*
 * Username/password request (RFC 1929 section 2):
 *   +----+------+----------+------+----------+
 *   |VER | ULEN |  UNAME   | PLEN |  PASSWD  |
 *   | 1  |  1   | 1 to 255 |  1   | 1 to 255 |
 */
export interface UserPassRequest {
  readonly username: string;
  readonly password: string;
}

export function encodeUserPassRequest(m: UserPassRequest): Uint8Array {
  const u = field('username', m.username);
  const p = field('password', m.password);
  return Uint8Array.of(USERPASS_VERSION, u.length, ...u, p.length, ...p);
}

export function decodeUserPassRequest(b: Uint8Array): Decoded<UserPassRequest> | undefined {
  if (b.length < 2) return undefined;
  version(b[0]!, USERPASS_VERSION);
  const ulen = b[1]!;
  if (ulen === 0) throw new SocksProtocolError('ULEN is 0');
  if (b.length < 3 + ulen) return undefined;
  const plen = b[2 + ulen]!;
  if (plen === 0) throw new SocksProtocolError('PLEN is 0');
  const size = 3 + ulen + plen;
  if (b.length < size) return undefined;
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  try {
    const username = utf8.decode(b.subarray(2, 2 + ulen));
    const password = utf8.decode(b.subarray(3 + ulen, size));
    return { message: { username, password }, size };
  } catch {
    throw new SocksProtocolError('username/password is not UTF-8');
  }
}

/*
 * Username/password status (RFC 1929 section 2): STATUS 0x00 is success, anything else failure.
 *   +----+--------+
 *   |VER | STATUS |
 *   | 1  |   1    |
 */
export interface UserPassReply {
  readonly status: number;
}

export function encodeUserPassReply(m: UserPassReply): Uint8Array {
  return Uint8Array.of(USERPASS_VERSION, byte('status', m.status));
}

export function decodeUserPassReply(b: Uint8Array): Decoded<UserPassReply> | undefined {
  if (b.length < 2) return undefined;
  version(b[0]!, USERPASS_VERSION);
  return { message: { status: b[1]! }, size: 2 };
}

/*
 * Request (RFC 1928 section 4) and reply (section 6) share one layout; the second byte is CMD in a
 * request and REP in a reply:
 *   +----+-----+-------+------+----------+----------+
 *   |VER | CMD |  RSV  | ATYP | DST.ADDR | DST.PORT |
 *   | 1  |  1  | X'00' |  1   | Variable |    2     |
 * ATYP 1: 4-byte IPv4; 3: one length byte then a domain name; 4: 16-byte IPv6. Port in network order.
 */
export interface AddressMessage {
  /** CMD in a request, REP in a reply. */
  readonly code: number;
  readonly host: string;
  readonly port: number;
}

export function encodeAddressMessage(m: AddressMessage): Uint8Array {
  byte('code', m.code);
  if (!Number.isInteger(m.port) || m.port < 0 || m.port > 65535) throw new SocksProtocolError(`port: ${m.port}`);
  const port = [m.port >> 8, m.port & 0xff];
  if (isIPv4(m.host)) {
    return Uint8Array.of(SOCKS_VERSION, m.code, 0, ATYP_IPV4, ...m.host.split('.').map(Number), ...port);
  }
  if (isIPv6(m.host)) return Uint8Array.of(SOCKS_VERSION, m.code, 0, ATYP_IPV6, ...ipv6Bytes(m.host), ...port);
  const name = new TextEncoder().encode(m.host);
  if (name.length < 1 || name.length > 255) throw new SocksProtocolError('host: a domain name is 1..255 bytes');
  return Uint8Array.of(SOCKS_VERSION, m.code, 0, ATYP_DOMAIN, name.length, ...name, ...port);
}

export function decodeAddressMessage(b: Uint8Array): Decoded<AddressMessage> | undefined {
  if (b.length < 5) return undefined;
  version(b[0]!, SOCKS_VERSION);
  if (b[2] !== 0) throw new SocksProtocolError(`RSV is ${b[2]}, not 0`);
  const atyp = b[3]!;
  let host: string;
  let at: number;
  if (atyp === ATYP_IPV4) {
    if (b.length < 10) return undefined;
    host = [...b.subarray(4, 8)].join('.');
    at = 8;
  } else if (atyp === ATYP_IPV6) {
    if (b.length < 22) return undefined;
    const words: string[] = [];
    for (let i = 4; i < 20; i += 2) words.push(((b[i]! << 8) | b[i + 1]!).toString(16));
    host = words.join(':');
    at = 20;
  } else if (atyp === ATYP_DOMAIN) {
    const len = b[4]!;
    if (len === 0) throw new SocksProtocolError('domain name of length 0');
    if (b.length < 7 + len) return undefined;
    try {
      host = new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(5, 5 + len));
    } catch {
      throw new SocksProtocolError('domain name is not UTF-8');
    }
    at = 5 + len;
  } else {
    throw new SocksProtocolError(`unknown ATYP ${atyp}`);
  }
  return { message: { code: b[1]!, host, port: (b[at]! << 8) | b[at + 1]! }, size: at + 2 };
}

/** REP values (RFC 1928 section 6) and tor's ExtendedErrors (tor(1), SocksPort ExtendedErrors). */
export const REPLY_NAMES: Readonly<Record<number, string>> = {
  0x00: 'succeeded',
  0x01: 'general SOCKS server failure',
  0x02: 'connection not allowed by ruleset',
  0x03: 'network unreachable',
  0x04: 'host unreachable',
  0x05: 'connection refused',
  0x06: 'TTL expired',
  0x07: 'command not supported',
  0x08: 'address type not supported',
  0xf0: 'onion service descriptor can not be found',
  0xf1: 'onion service descriptor is invalid',
  0xf2: 'onion service introduction failed',
  0xf3: 'onion service rendezvous failed',
  0xf4: 'onion service missing client authorization',
  0xf5: 'onion service wrong client authorization',
  0xf6: 'onion service invalid address',
  0xf7: 'onion service introduction timed out',
};

function version(got: number, want: number): void {
  if (got !== want) throw new SocksProtocolError(`version ${got}, expected ${want}`);
}

function byte(name: string, x: number): number {
  if (!Number.isInteger(x) || x < 0 || x > 255) throw new SocksProtocolError(`${name}: not a byte: ${x}`);
  return x;
}

function field(name: string, value: string): Uint8Array {
  const bytes = new TextEncoder().encode(value);
  if (bytes.length < 1 || bytes.length > 255) throw new SocksProtocolError(`${name}: 1..255 bytes of UTF-8`);
  return bytes;
}

function ipv6Bytes(host: string): number[] {
  const [head = '', tail] = host.split('::');
  const parse = (s: string): number[] =>
    s === '' ? [] : s.split(':').map((w) => (/^[0-9a-f]{1,4}$/i.test(w) ? parseInt(w, 16) : NaN));
  const h = parse(head);
  const t = tail === undefined ? [] : parse(tail);
  const words = tail === undefined ? h : [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  if (words.length !== 8 || words.some((w) => !(w >= 0 && w <= 0xffff))) {
    throw new SocksProtocolError(`host: unsupported IPv6 form ${host}`);
  }
  return words.flatMap((w) => [w >> 8, w & 0xff]);
}
