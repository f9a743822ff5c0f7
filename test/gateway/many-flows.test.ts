import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, type ClientRequest } from 'node:http';
import { utcDay } from '../../src/core/tickets/index.js';
import { FIG1_PAID, fig1Tree, gatewayClasses } from '../../src/relay/gateway/classes.js';
import { Redeemer } from '../../src/relay/gateway/redeem.js';
import { startGateway, type GatewayHandle } from '../../src/relay/gateway/server.js';
import { SessionKey } from '../../src/relay/gateway/session-token.js';
import { relayFixture, seededRandom, type RelayFixture } from './fixtures.js';
import { startBackend, type Backend } from './http.js';
import { pacerTime, steppedClock } from './stepped-clock.js';

/**
 * Many downloads in one class (free, ceil 400 kB/s on an 8 Mbit/s link) at once: each reads
 * ahead 128 KiB, but only a few pieces per flow wait at the pacer, so flows take turns in small
 * quanta — every flow gets bytes soon, none waits behind the others' whole read-ahead. Times are
 * the pacer's (a stepped clock, see steppedClock), so a loaded machine does not shorten them.
 */
const FLOWS = 40;
const rand = seededRandom('many-flows');
const { clock, stop: stopClock } = steppedClock();
let relay: RelayFixture;
let backend: Backend;
let gw: GatewayHandle;

beforeAll(async () => {
  relay = relayFixture('flows', utcDay(Date.now()));
  backend = await startBackend();
  gw = await startGateway({
    host: '127.0.0.1', port: 0, backend: `http://127.0.0.1:${backend.port}`,
    classes: gatewayClasses(fig1Tree(8), 'free', FIG1_PAID), redeemer: new Redeemer(relay.keyring, relay.ledger([])),
    sessionKey: new SessionKey(rand(32)), sessionSeconds: 60, issuers: () => [], random: rand, requestsPerSecond: 1e4, clock,
  });
});

afterAll(async () => {
  stopClock();
  await gw.close();
  await backend.close();
  relay.close();
});

describe('many concurrent flows in one class', () => {
  it(`${FLOWS} downloads take turns: each gets bytes within a few seconds, with few pieces queued`, async () => {
    const broken: string[] = [];
    const received = new Array<number>(FLOWS).fill(0);
    const reqs: ClientRequest[] = [];
    for (let i = 0; i < FLOWS; i++) {
      const req = request({ host: '127.0.0.1', port: gw.address.port, path: '/bytes/10000000', agent: false }, (res) => {
        res.on('data', (c: Buffer) => (received[i]! += c.length));
        res.on('error', (e) => broken.push(e.message));
        res.on('end', () => broken.push('ended early'));
      });
      req.on('error', (e) => broken.push(e.message));
      req.end();
      reqs.push(req);
    }
    // One round of 40 flows x 3 pieces x 4 KiB at 400 kB/s takes ~1.2 s; with each flow's whole
    // 128 KiB read-ahead queued in order, the last flow would wait ~13 s for its first byte.
    await pacerTime(clock, 3000);
    const queued = gw.pacer.stats().get('free')!.queued;
    for (const r of reqs) r.destroy();
    expect(broken).toEqual([]);
    expect(received.filter((n) => n === 0)).toEqual([]);
    expect(queued).toBeLessThanOrEqual(FLOWS * 3);
    const total = received.reduce((a, b) => a + b, 0);
    expect(Math.min(...received)).toBeGreaterThan((total / FLOWS) * 0.2);
  });
});
