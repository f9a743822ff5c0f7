import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import { SocksProtocolError, SocksReplyError, socksConnect } from '../../e2e/tor/socks.js';
import {
  METHOD_NO_AUTH,
  METHOD_NONE_ACCEPTABLE,
  METHOD_USERPASS,
  decodeAddressMessage,
  decodeMethodRequest,
  decodeUserPassRequest,
  encodeAddressMessage,
  encodeMethodReply,
  encodeUserPassReply,
  type Decoded,
} from '../../e2e/tor/socks-messages.js';

/** What the fake proxy saw on one connection. */
interface Seen {
  methods?: readonly number[];
  login?: { username: string; password: string };
  request?: { code: number; host: string; port: number };
}

type Script = (socket: Socket, read: <T>(d: (b: Uint8Array) => Decoded<T> | undefined) => Promise<T>, seen: Seen) => Promise<void>;

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((resolve) => s.close(() => resolve()));
});

/** A SOCKS5 server on 127.0.0.1 that runs `script` for each connection and records what it saw. */
async function fakeProxy(script: Script): Promise<{ port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((socket) => {
    const record: Seen = {};
    seen.push(record);
    let buffered = new Uint8Array(0);
    let wake: (() => void) | undefined;
    socket.on('data', (chunk: Buffer) => {
      buffered = new Uint8Array([...buffered, ...chunk]);
      wake?.();
    });
    socket.on('error', () => {});
    const read = async <T,>(decode: (b: Uint8Array) => Decoded<T> | undefined): Promise<T> => {
      for (;;) {
        const d = decode(buffered);
        if (d !== undefined) {
          buffered = buffered.subarray(d.size);
          return d.message;
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    };
    void script(socket, read, record).catch(() => socket.destroy());
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { port: address.port, seen };
}

/** A well-behaved proxy: optional login check, then `reply` to the CONNECT, then `after` bytes. */
function standard(opts: { want?: { username: string; password: string }; reply?: number; after?: string } = {}): Script {
  return async (socket, read, seen) => {
    seen.methods = (await read(decodeMethodRequest)).methods;
    const useAuth = opts.want !== undefined;
    if (!seen.methods.includes(useAuth ? METHOD_USERPASS : METHOD_NO_AUTH)) {
      socket.end(encodeMethodReply({ method: METHOD_NONE_ACCEPTABLE }));
      return;
    }
    socket.write(encodeMethodReply({ method: useAuth ? METHOD_USERPASS : METHOD_NO_AUTH }));
    if (useAuth) {
      seen.login = await read(decodeUserPassRequest);
      const ok = seen.login.username === opts.want!.username && seen.login.password === opts.want!.password;
      socket.write(encodeUserPassReply({ status: ok ? 0 : 1 }));
      if (!ok) return void socket.end();
    }
    seen.request = await read(decodeAddressMessage);
    const reply = Buffer.from(encodeAddressMessage({ code: opts.reply ?? 0, host: '10.1.2.3', port: 4321 }));
    // The reply and the first bytes of the destination in one segment: the client must keep them.
    socket.write(Buffer.concat([reply, Buffer.from(opts.after ?? '')]));
    socket.on('data', (d: Buffer) => socket.write(d));
  };
}

function readSome(socket: Socket, n: number): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.length >= n) resolve(text);
    });
  });
}

describe('socksConnect against a loopback SOCKS5 server', () => {
  it('connects without authentication and sends the domain name unresolved', async () => {
    const proxy = await fakeProxy(standard({ after: 'banner' }));
    const { socket, bound } = await socksConnect({ proxyPort: proxy.port, host: 'abc.onion', port: 9433 });
    expect(bound).toEqual({ host: '10.1.2.3', port: 4321 });
    expect(await readSome(socket, 6)).toBe('banner');
    socket.destroy();
    expect(proxy.seen[0]).toMatchObject({ methods: [METHOD_NO_AUTH], request: { code: 1, host: 'abc.onion', port: 9433 } });
  });

  it('authenticates with username/password (RFC 1929) and keeps data after the reply', async () => {
    const want = { username: 'mining-relay1', password: 'session-7' };
    const proxy = await fakeProxy(standard({ want }));
    const { socket } = await socksConnect({ proxyPort: proxy.port, host: '127.0.0.1', port: 8080, auth: want });
    const echoed = readSome(socket, 4);
    socket.write('ping');
    expect(await echoed).toBe('ping');
    socket.destroy();
    expect(proxy.seen[0]).toMatchObject({ methods: [METHOD_USERPASS], login: want });
  });

  it('rejected credentials are a SocksProtocolError', async () => {
    const proxy = await fakeProxy(standard({ want: { username: 'u', password: 'right' } }));
    await expect(
      socksConnect({ proxyPort: proxy.port, host: 'x.onion', port: 80, auth: { username: 'u', password: 'wrong' } }),
    ).rejects.toThrow(/rejected/);
  });

  it('a failure reply carries its code, including tor extended onion errors', async () => {
    const proxy = await fakeProxy(standard({ reply: 0xf0 }));
    const err = await socksConnect({ proxyPort: proxy.port, host: 'x.onion', port: 80 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SocksReplyError);
    expect((err as SocksReplyError).reply).toBe(0xf0);
    expect((err as SocksReplyError).message).toMatch(/descriptor can not be found/);
  });

  it('a proxy that accepts none of our methods', async () => {
    const proxy = await fakeProxy(standard({ want: { username: 'a', password: 'b' } }));
    await expect(socksConnect({ proxyPort: proxy.port, host: 'x.onion', port: 80 })).rejects.toThrow(/none of our methods/);
  });

  it('a proxy that picks a method we did not offer', async () => {
    const proxy = await fakeProxy(async (socket, read) => {
      await read(decodeMethodRequest);
      socket.write(encodeMethodReply({ method: METHOD_USERPASS }));
    });
    await expect(socksConnect({ proxyPort: proxy.port, host: 'x.onion', port: 80 })).rejects.toThrow(SocksProtocolError);
  });

  it('garbage from the proxy is a SocksProtocolError', async () => {
    const proxy = await fakeProxy(async (socket, read) => {
      await read(decodeMethodRequest);
      socket.write(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'));
    });
    await expect(socksConnect({ proxyPort: proxy.port, host: 'x.onion', port: 80 })).rejects.toThrow(/version 72/);
  });

  it('a proxy that closes mid-handshake', async () => {
    const proxy = await fakeProxy(async (socket, read) => {
      await read(decodeMethodRequest);
      socket.end(Buffer.from([5]));
    });
    await expect(socksConnect({ proxyPort: proxy.port, host: 'x.onion', port: 80 })).rejects.toThrow(/closed/);
  });

  it('a silent proxy runs into the timeout', async () => {
    const proxy = await fakeProxy(async () => {});
    await expect(socksConnect({ proxyPort: proxy.port, host: 'x.onion', port: 80, timeoutMs: 300 })).rejects.toThrow(/within 300 ms/);
  });

  it('bad input is refused before any connection is made', async () => {
    const proxy = await fakeProxy(standard());
    const bad = [
      { proxyPort: proxy.port, host: '', port: 80 },
      { proxyPort: proxy.port, host: 'x.onion', port: 0 },
      { proxyPort: 0, host: 'x.onion', port: 80 },
      { proxyPort: proxy.port, host: 'a'.repeat(256), port: 80 },
      { proxyPort: proxy.port, host: 'x.onion', port: 80, auth: { username: '', password: 'p' } },
    ];
    for (const o of bad) await expect(socksConnect(o)).rejects.toThrow(SocksProtocolError);
    expect(proxy.seen).toHaveLength(0);
  });

  it('nothing listening on the proxy port', async () => {
    const proxy = await fakeProxy(standard());
    const port = proxy.port;
    await new Promise<void>((resolve) => servers.pop()!.close(() => resolve()));
    await expect(socksConnect({ proxyPort: port, host: 'x.onion', port: 80 })).rejects.toThrow(/ECONNREFUSED/);
  });
});
