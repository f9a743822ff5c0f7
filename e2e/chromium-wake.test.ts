// Chromium stops the add-on's service worker while mining is still starting up: the relay has not
// answered yet, so no offscreen document hashes and no report would ever wake the worker again.
// The wake-up alarm (30 s period) must, and mining must go on without anyone touching the browser.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addRelayInOptions, launchChromium, stopServiceWorker, type ChromiumWithAddon } from './lib/chromium.js';
import { startTestRelay, waitFor, type TestRelay } from './lib/relay.js';

/** Alarm period (30 s) + Chromium's slack in firing it + a new session's first shares. */
const WAKE_BOUND_MS = 90_000;

/**
 * A loopback TCP gate in front of the daemon's WebSocket listener: while held it accepts
 * connections and forwards nothing (a relay that is slow to answer); once opened it forwards.
 */
interface Gate {
  readonly port: number;
  /** Connections that arrived while the gate was held. */
  readonly held: number;
  /** Drops the held connections and forwards every later one to `port`. */
  open(port: number): void;
  close(): Promise<void>;
}

async function startGate(): Promise<Gate> {
  const held = new Set<Socket>();
  const all = new Set<Socket>();
  let heldCount = 0;
  let target: number | null = null;
  const server: Server = createServer((client) => {
    all.add(client);
    client.on('close', () => all.delete(client));
    client.on('error', () => client.destroy());
    if (target === null) {
      heldCount++;
      held.add(client);
      return;
    }
    const up = connect(target, '127.0.0.1');
    all.add(up);
    up.on('close', () => all.delete(up));
    up.on('error', () => client.destroy());
    client.on('close', () => up.destroy());
    up.on('close', () => client.destroy());
    client.pipe(up);
    up.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('gate: no address');
  return {
    port: addr.port,
    get held() {
      return heldCount;
    },
    open(port) {
      target = port;
      for (const s of held) s.destroy();
      held.clear();
    },
    close: () => new Promise<void>((resolve) => {
      for (const s of all) s.destroy();
      server.close(() => resolve());
    }),
  };
}

type Chrome = {
  storage: { session: { get(k: string): Promise<Record<string, unknown>> } };
  runtime: { getContexts(f: { contextTypes: string[] }): Promise<unknown[]> };
  alarms: { get(name: string): Promise<{ periodInMinutes?: number } | undefined> };
};

describe('add-on in Chromium: the service worker stopped while mining starts up', () => {
  let gate: Gate;
  let relay: TestRelay;
  let browser: ChromiumWithAddon;

  beforeAll(async () => {
    gate = await startGate();
    // The descriptor advertises the gate as the relay's mining endpoint.
    relay = await startTestRelay(undefined, undefined, undefined, [['public-ws', `ws://127.0.0.1:${gate.port}`]]);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await relay?.close();
    await gate?.close();
  });

  it('is woken by its alarm and mines, with no browser event in between', async () => {
    // Mining is on by default: adding the relay starts it, and the connection waits at the gate.
    expect(await addRelayInOptions(browser, relay.descriptorUrl)).toBe('');
    await waitFor('a connection at the gate', () => Promise.resolve(gate.held), (n) => n >= 1, 15_000);
    const starting = await browser.background.evaluate(async () => {
      const c = (globalThis as unknown as { chrome: Chrome }).chrome;
      return {
        state: ((await c.storage.session.get('status'))['status'] as { state: string }).state,
        offscreen: (await c.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] })).length,
        alarm: (await c.alarms.get('workpass-wake'))?.periodInMinutes ?? null,
      };
    });
    // Still starting up: nothing hashes, so nothing reports to the worker.
    expect(starting).toEqual({ state: 'connecting', offscreen: 0, alarm: 0.5 });
    expect(await relay.accepted()).toBe(0);

    const stopped = await stopServiceWorker(browser);
    try {
      gate.open(relay.handle.ws.port);
      // Nothing but the alarm can start it again: no page is open, nothing hashes.
      const wokenAt = await stopped.running(WAKE_BOUND_MS);
      await waitFor('shares after the stop', () => relay.accepted(), (n) => n >= 3, WAKE_BOUND_MS - (wokenAt - stopped.stoppedAt));
      const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
      console.log(`chromium-wake: stopped mid-start; woken after ${sec(wokenAt - stopped.stoppedAt)}, 3 shares after ${sec(Date.now() - stopped.stoppedAt)}`);
    } finally {
      await stopped.close();
    }

    const after = await browser.background.evaluate(async () => {
      const c = (globalThis as unknown as { chrome: Chrome }).chrome;
      return {
        state: ((await c.storage.session.get('status'))['status'] as { state: string }).state,
        offscreen: (await c.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] })).length,
      };
    });
    expect(after).toEqual({ state: 'mining', offscreen: 1 });
    // One session: the alarm's apply() and the start-up's did not open two.
    expect((await relay.stats()).sessions).toBe(1);
  });

  it('clears the alarm when mining is turned off', async () => {
    const popup = await browser.context.newPage();
    await popup.goto(`chrome-extension://${browser.extensionId}/popup.html`);
    // The popup shows the background's state first (mining on), then the switch turns it off.
    await popup.locator('#state').filter({ hasText: /\S/ }).waitFor();
    await waitFor('the mining switch on', () => popup.locator('#mining').isChecked(), (on) => on, 10_000);
    await popup.locator('#mining').uncheck();
    await popup.locator('#state').filter({ hasText: 'Idle' }).waitFor({ timeout: 10_000 });
    const alarm = await popup.evaluate(async () => (await (globalThis as unknown as { chrome: Chrome }).chrome.alarms.get('workpass-wake')) ?? null);
    expect(alarm).toBeNull();
    await popup.close();
  });
});
