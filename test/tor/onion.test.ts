import { describe, expect, it } from 'vitest';
import { UploadWatch, addOnionService } from '../../e2e/tor/onion.js';
import { onionHostTorrc } from '../../e2e/tor/torrc.js';
import type { ControlReply } from '../../e2e/tor/control-reply.js';
import type { TorControl } from '../../e2e/tor/control.js';

const ADDR = 'a'.repeat(56);
const event = (text: string): ControlReply => ({ code: 650, lines: [{ code: 650, text }] });

describe('UploadWatch (HS_DESC events)', () => {
  it('settles once an upload succeeded and every started upload has answered', async () => {
    const w = new UploadWatch();
    w.event(event(`HS_DESC UPLOAD ${ADDR} UNKNOWN $${'1'.repeat(40)}~hsdir1 DESCID`));
    w.event(event(`HS_DESC UPLOAD ${ADDR} UNKNOWN $${'2'.repeat(40)}~hsdir2 DESCID`));
    w.event(event(`HS_DESC UPLOADED ${ADDR} UNKNOWN $${'1'.repeat(40)}~hsdir1`));
    let settled = false;
    const done = w.settled(ADDR, Date.now() + 5000).then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBe(false);
    w.event(event(`HS_DESC FAILED ${ADDR} UNKNOWN $${'2'.repeat(40)}~hsdir2 REASON=UPLOAD_REJECTED`));
    await done;
    expect(settled).toBe(true);
  });

  it('does not settle on failures alone, nor on another address', async () => {
    const w = new UploadWatch();
    w.event(event(`HS_DESC UPLOAD ${ADDR} UNKNOWN $${'1'.repeat(40)}~x DESCID`));
    w.event(event(`HS_DESC FAILED ${ADDR} UNKNOWN $${'1'.repeat(40)}~x REASON=UPLOAD_REJECTED`));
    w.event(event(`HS_DESC UPLOADED ${'b'.repeat(56)} UNKNOWN $${'1'.repeat(40)}~x`));
    await expect(w.settled(ADDR, Date.now() + 200)).rejects.toThrow(/not uploaded in time/);
  });

  it('ignores truncated events', () => {
    const w = new UploadWatch();
    expect(() => w.event(event('HS_DESC'))).not.toThrow();
    expect(() => w.event(event('HS_DESC UPLOAD'))).not.toThrow();
  });
});

describe('addOnionService input checks (before any control command)', () => {
  const refuse = (): never => {
    throw new Error('must not be called');
  };
  const host = { command: refuse } as unknown as TorControl;
  const base = { host, openHostControl: refuse, socksPort: 9050, timeoutMs: 1000 };
  it('refuses bad port lists and keys', async () => {
    await expect(addOnionService({ ...base, ports: [] })).rejects.toThrow(RangeError);
    await expect(addOnionService({ ...base, ports: [{ virtualPort: 80, target: 70000 }] })).rejects.toThrow(/target/);
    await expect(addOnionService({ ...base, ports: [{ virtualPort: 1.5, target: 80 }] })).rejects.toThrow(/virtualPort/);
    await expect(addOnionService({ ...base, ports: [{ virtualPort: 80, target: 80 }], privateKey: 'RSA1024:x' })).rejects.toThrow(/privateKey/);
    // A key with a line break would smuggle a second control command.
    const smuggled = `ED25519-V3:${'A'.repeat(86)}==\r\nSIGNAL HALT`;
    await expect(addOnionService({ ...base, ports: [{ virtualPort: 80, target: 80 }], privateKey: smuggled })).rejects.toThrow(/privateKey/);
  });
});

describe('onionHostTorrc', () => {
  it('is the operator torrc: HiddenServiceDir, then one HiddenServicePort per port, no SOCKS port', () => {
    const opts = onionHostTorrc(
      { nickname: 'onion1', dataDir: '/d', dirAuthorities: [], hiddenServiceDir: '/d/hs', ports: [{ virtualPort: 9433, target: 4000 }, { virtualPort: 80, target: 4001 }] },
      '/d/port',
    );
    const hs = opts.filter(([n]) => n.startsWith('HiddenService')).map(([n, v]) => `${n} ${v}`);
    expect(hs).toEqual(['HiddenServiceDir /d/hs', 'HiddenServicePort 9433 127.0.0.1:4000', 'HiddenServicePort 80 127.0.0.1:4001']);
    expect(opts.filter(([n]) => n === 'SocksPort').map(([, v]) => v)).toEqual([0]);
  });
});
