import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ControlCommandError, TorControl, type ControlAuth } from '../../e2e/tor/control.js';
import { ControlProtocolError } from '../../e2e/tor/control-reply.js';
import { CircuitLog } from '../../e2e/tor/circuits.js';

const cookie = randomBytes(32);
let dir: string;
let auth: ControlAuth;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'workpass-control-test-'));
  writeFileSync(join(dir, 'cookie'), cookie);
  auth = { method: 'cookie', cookieFile: join(dir, 'cookie') };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FP = (c: string): string => c.repeat(40);

/** A fake tor control port: cookie auth, GETINFO, SETEVENTS, and a hook to push 650 events. */
class FakeTor {
  readonly commands: string[] = [];
  readonly clients: Socket[] = [];
  circuitStatus = '';
  private constructor(readonly server: Server, readonly port: number) {}

  static async start(): Promise<FakeTor> {
    const ref: { fake?: FakeTor } = {};
    const server = createServer((socket) => ref.fake!.serve(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    ref.fake = new FakeTor(server, address.port);
    return ref.fake;
  }

  private serve(socket: Socket): void {
    this.clients.push(socket);
    socket.on('error', () => {});
    let authed = false;
    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let end: number;
      while ((end = buffer.indexOf('\r\n')) !== -1) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        this.commands.push(line);
        const [verb, ...rest] = line.split(' ');
        if (verb === 'AUTHENTICATE') {
          authed = rest[0] === cookie.toString('hex');
          socket.write(authed ? '250 OK\r\n' : '515 Authentication failed: Wrong length on authentication cookie.\r\n');
          if (!authed) socket.end();
        } else if (!authed) {
          socket.end('514 Authentication required.\r\n');
        } else if (verb === 'GETINFO' && rest[0] === 'circuit-status') {
          const body = this.circuitStatus === '' ? '' : `${this.circuitStatus}\r\n`;
          socket.write(`250+circuit-status=\r\n${body}.\r\n250 OK\r\n`);
        } else if (verb === 'GETINFO' && rest[0] === 'version') {
          socket.write('250-version=0.4.9.11\r\n250 OK\r\n');
        } else if (verb === 'SETEVENTS') {
          socket.write('250 OK\r\n');
        } else {
          socket.write(`510 Unrecognized command "${verb}"\r\n`);
        }
      }
    });
  }

  emit(event: string): void {
    for (const c of this.clients) c.write(`650 ${event}\r\n`);
  }

  close(): Promise<void> {
    for (const c of this.clients) c.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let fake: FakeTor;
const controls: TorControl[] = [];
afterEach(async () => {
  for (const c of controls.splice(0)) c.close();
  await fake?.close();
});
async function connect(): Promise<TorControl> {
  const c = await TorControl.connect(fake.port, auth, 2000);
  controls.push(c);
  return c;
}

describe('TorControl', () => {
  it('authenticates with the cookie file in hex and answers GETINFO', async () => {
    fake = await FakeTor.start();
    const c = await connect();
    expect(await c.getInfo('version')).toBe('0.4.9.11');
    expect(fake.commands[0]).toBe(`AUTHENTICATE ${cookie.toString('hex')}`);
  });

  it('a wrong cookie is a ControlCommandError and no connection is returned', async () => {
    fake = await FakeTor.start();
    writeFileSync(join(dir, 'wrong'), randomBytes(32));
    await expect(TorControl.connect(fake.port, { method: 'cookie', cookieFile: join(dir, 'wrong') }, 2000)).rejects.toThrow(
      ControlCommandError,
    );
  });

  it('an error status rejects that command only; later commands still work', async () => {
    fake = await FakeTor.start();
    const c = await connect();
    const failing = c.command('FROBNICATE');
    const next = c.getInfo('version');
    await expect(failing).rejects.toMatchObject({ name: 'ControlCommandError', reply: { code: 510 } });
    expect(await next).toBe('0.4.9.11');
  });

  it('refuses a command with a line break (command injection) without sending it', async () => {
    fake = await FakeTor.start();
    const c = await connect();
    await expect(c.command('GETINFO version\r\nSIGNAL HALT')).rejects.toThrow(ControlProtocolError);
    await expect(c.getInfo('version\r\nSIGNAL')).rejects.toThrow(ControlProtocolError);
    await expect(c.setEvents(['CIRC STREAM'])).rejects.toThrow(ControlProtocolError);
    expect(fake.commands.some((l) => l.includes('SIGNAL'))).toBe(false);
  });

  it('pending commands reject when the connection drops', async () => {
    fake = await FakeTor.start();
    const c = await connect();
    fake.clients[0]!.destroy();
    await expect(c.getInfo('version')).rejects.toThrow();
  });

  it('delivers 650 events to listeners of their type only', async () => {
    fake = await FakeTor.start();
    const c = await connect();
    const circ: string[] = [];
    const off = c.on('CIRC', (e) => circ.push(e.lines[0]!.text));
    c.on('STREAM', () => circ.push('wrong listener'));
    await c.setEvents(['CIRC']);
    fake.emit('CIRC 1 LAUNCHED');
    expect(await c.getInfo('version')).toBe('0.4.9.11');
    off();
    fake.emit('CIRC 2 LAUNCHED');
    expect(await c.getInfo('version')).toBe('0.4.9.11');
    expect(circ).toEqual(['CIRC 1 LAUNCHED']);
  });
});

describe('CircuitLog', () => {
  it('ties a SOCKS connection (by its source port) to its circuit, username and path', async () => {
    fake = await FakeTor.start();
    fake.circuitStatus = `3 BUILT $${FP('A')}~auth0,$${FP('B')}~relay1,$${FP('C')}~relay0 PURPOSE=GENERAL SOCKS_USERNAME="u1"`;
    const log = await CircuitLog.attach(await connect());
    expect(fake.commands).toContain('SETEVENTS CIRC STREAM');
    expect(log.circuits.get('3')).toMatchObject({ status: 'BUILT', path: [FP('A'), FP('B'), FP('C')], socksUsername: 'u1' });

    const waiting = log.circuitOfLocalPort(40001, 2000);
    fake.emit('STREAM 9 NEW 0 127.0.0.1:80 SOURCE_ADDR=127.0.0.1:40001 PURPOSE=USER SOCKS_USERNAME="u1"');
    fake.emit('STREAM 9 SENTCONNECT 3 127.0.0.1:80');
    fake.emit('STREAM 10 NEW 0 127.0.0.1:80 SOURCE_ADDR=127.0.0.1:40002 PURPOSE=USER');
    fake.emit(`CIRC 4 BUILT $${FP('D')}~x,$${FP('E')}~y,$${FP('F')}~z PURPOSE=GENERAL`);
    fake.emit('STREAM 10 SUCCEEDED 4 127.0.0.1:80');
    const first = await waiting;
    expect(first.id).toBe('3');
    expect((await log.circuitOfLocalPort(40002, 2000)).path).toEqual([FP('D'), FP('E'), FP('F')]);
    expect(log.streams.get('9')).toMatchObject({ circuitId: '3', sourceAddr: '127.0.0.1:40001', socksUsername: 'u1' });
  });

  it('an event updates a circuit the snapshot reported', async () => {
    fake = await FakeTor.start();
    fake.circuitStatus = `5 EXTENDED $${FP('A')}~a PURPOSE=GENERAL`;
    const c = await connect();
    const log = await CircuitLog.attach(c);
    expect(log.circuits.get('5')).toMatchObject({ status: 'EXTENDED', path: [FP('A')] });
    fake.emit(`CIRC 5 BUILT $${FP('A')}~a,$${FP('B')}~b,$${FP('C')}~c PURPOSE=GENERAL`);
    // Replies come in order on one connection: once GETINFO is answered, the event was handled.
    await c.getInfo('version');
    expect(log.circuits.get('5')).toMatchObject({ status: 'BUILT', path: [FP('A'), FP('B'), FP('C')] });
  });

  it('times out when no stream from that port shows up', async () => {
    fake = await FakeTor.start();
    const log = await CircuitLog.attach(await connect());
    await expect(log.circuitOfLocalPort(40009, 200)).rejects.toThrow(/within 200 ms/);
  });

  it('ignores malformed events instead of throwing', async () => {
    fake = await FakeTor.start();
    const c = await connect();
    const log = await CircuitLog.attach(c);
    fake.emit('CIRC');
    fake.emit('STREAM 1');
    fake.emit('STREAM 1 NEW');
    expect(await c.getInfo('version')).toBe('0.4.9.11');
    expect(log.circuits.size + log.streams.size).toBe(0);
  });
});
