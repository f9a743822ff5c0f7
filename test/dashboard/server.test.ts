import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/util/errors.js';
import { startDashboardServer, type DashboardServer } from '../../src/relay/dashboard/server.js';
import { COOKIE_NAME } from '../../src/relay/dashboard/token.js';

const TOKEN = 'BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc';
let server: DashboardServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A raw request, so the Host header and method can be anything. */
function raw(s: DashboardServer, opts: { path?: string; method?: string; headers?: Record<string, string> }): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: s.host, port: s.port, path: opts.path ?? '/api/snapshot', method: opts.method ?? 'GET', headers: opts.headers, setHost: opts.headers?.host === undefined }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function start(host = '127.0.0.1'): Promise<DashboardServer> {
  server = await startDashboardServer({ host, port: 0, token: TOKEN, snapshot: () => ({ version: 1, sessions: 3 }) });
  return server;
}

describe('dashboard HTTP listener', () => {
  it('answers the API only with the token (Bearer or cookie), 401 otherwise', async () => {
    const s = await start();
    const none = await raw(s, {});
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="workpass-dashboard"');
    expect(none.body).not.toContain('sessions');
    expect((await raw(s, { headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}A` } })).status).toBe(401);
    expect((await raw(s, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
    expect((await raw(s, { headers: { authorization: TOKEN } })).status).toBe(401);
    expect((await raw(s, { headers: { cookie: `${COOKIE_NAME}=nope` } })).status).toBe(401);
    expect((await raw(s, { headers: { authorization: 'Bearer ' + 'A'.repeat(5000) } })).status).toBe(401);
    const ok = await raw(s, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ version: 1, sessions: 3 });
    expect(ok.headers['access-control-allow-origin']).toBeUndefined();
    expect((await raw(s, { headers: { cookie: `${COOKIE_NAME}=${TOKEN}` } })).status).toBe(200);
  });

  it('serves the page, script and style without the token, under a strict CSP', async () => {
    const s = await start();
    const page = await raw(s, { path: '/' });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'none'; script-src 'self'/);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.body).toContain('<script src="/app.js"');
    expect(page.body).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    const js = await raw(s, { path: '/app.js' });
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    expect(js.body).toContain('/api/snapshot');
    expect((await raw(s, { path: '/app.css' })).status).toBe(200);
    expect((await raw(s, { path: '/nope' })).status).toBe(404);
    expect((await raw(s, { path: '/', method: 'POST' })).status).toBe(405);
  });

  it('refuses a Host header that is not its loopback address (DNS rebinding)', async () => {
    const s = await start();
    for (const host of ['evil.example', `evil.example:${s.port}`, `127.0.0.1:${s.port + 1}`, `10.0.0.1:${s.port}`, '']) {
      const r = await raw(s, { path: '/', headers: { host, authorization: `Bearer ${TOKEN}` } });
      expect(r.status, host).toBe(403);
    }
    expect((await raw(s, { path: '/', headers: { host: `localhost:${s.port}` } })).status).toBe(200);
  });

  it('listens on [::1] too, and refuses any host that is not loopback before listening', async () => {
    const s = await start('::1');
    expect(s.url).toBe(`http://[::1]:${s.port}`);
    expect(s.tokenUrl).toBe(`${s.url}/#token=${TOKEN}`);
    expect((await raw(s, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    for (const host of ['0.0.0.0', '::', '192.168.1.2', 'localhost', 'example.org']) {
      await expect(startDashboardServer({ host, port: 0, token: TOKEN, snapshot: () => ({}) })).rejects.toThrow(InputError);
    }
  });

  it('answers 500 without details when the snapshot fails', async () => {
    const errors: unknown[] = [];
    server = await startDashboardServer({ host: '127.0.0.1', port: 0, token: TOKEN, snapshot: () => { throw new Error('secret detail'); }, onError: (e) => errors.push(e) });
    const r = await raw(server, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(r.status).toBe(500);
    expect(r.body).not.toContain('secret');
    expect(errors).toHaveLength(1);
  });
});
