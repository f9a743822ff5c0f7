// Tickets in Chromium against the real daemon: mine -> verified ticket in the wallet -> restart the
// browser with the same profile -> still there; the browser talked only to loopback; donation mode
// earns none; a relay whose descriptor signature is bad is refused with a visible error.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeDescriptor } from '../src/core/protocol/descriptor.js';
import { Keyring, PublicKey } from '../src/core/tickets/keys.js';
import { verifyTicket } from '../src/core/tickets/ticket.js';
import { addonStorage, addRelayInOptions, launchChromium, type ChromiumWithAddon } from './lib/chromium.js';
import { netLogRequests } from './lib/netlog.js';
import { startTestRelay, waitFor, type TestRelay } from './lib/relay.js';
import { serveTamperedDescriptor } from './lib/tampered-descriptor.js';

interface WalletJson {
  tickets: { text: string; relay: string; expiresAt: number }[];
  pending: unknown[];
}

describe('tickets in Chromium', () => {
  let relay: TestRelay;
  let browser: ChromiumWithAddon | null = null;
  const work = mkdtempSync(join(tmpdir(), 'workpass-e2e-'));
  const profile = join(work, 'profile');
  const netLog = join(work, 'netlog.json');

  beforeAll(async () => {
    // A ticket costs four shares at the starting difficulty.
    relay = await startTestRelay(0.0002, 0.0008);
  });
  afterAll(async () => {
    await browser?.close();
    await relay?.close();
    rmSync(work, { recursive: true, force: true });
  });

  async function wallet(b: ChromiumWithAddon): Promise<WalletJson> {
    return ((await addonStorage(b)).local['wallet'] as WalletJson | undefined) ?? { tickets: [], pending: [] };
  }

  function keyring(): Keyring {
    const d = decodeDescriptor(relay.handle.descriptor());
    const ring = new Keyring(Math.round(d.tickets.graceHours * 3_600_000));
    for (const k of d.tickets.keys) ring.addPublic(PublicKey.fromText(k.publicKey), k.firstDay, k.lastDay);
    return ring;
  }

  it('stores a verified ticket that survives a browser restart, talking only to loopback', async () => {
    browser = await launchChromium(profile, { netLog });
    expect(await addRelayInOptions(browser, relay.descriptorUrl)).toBe('');
    const w = await waitFor('a ticket in the wallet', () => wallet(browser!), (x) => x.tickets.length >= 1);
    const first = w.tickets[0]!;
    expect(verifyTicket(first.text, keyring(), Date.now()).ok).toBe(true);
    expect((await relay.stats()).tickets.issued).toBeGreaterThanOrEqual(1);
    const extensionId = browser.extensionId;
    await browser.close(true);
    browser = null;

    // Everything the add-on reached is the relay on loopback: its descriptor and its WebSocket.
    const addon = netLogRequests(netLog).filter((r) => r.initiator === `chrome-extension://${extensionId}`);
    expect(addon.some((r) => r.url.startsWith(relay.handle.ws.url))).toBe(true);
    expect(addon.some((r) => r.url === relay.descriptorUrl)).toBe(true);
    expect(addon.filter((r) => !r.url.startsWith(relay.handle.ws.url) && r.url !== relay.descriptorUrl)).toEqual([]);

    browser = await launchChromium(profile);
    const after = await wallet(browser);
    expect(after.tickets.map((t) => t.text)).toContain(first.text);
  });

  it('earns no ticket in donation mode, while its shares are still accepted', async () => {
    if (browser === null) throw new Error('the previous test did not leave a browser');
    const popup = await browser.context.newPage();
    await popup.goto(`chrome-extension://${browser.extensionId}/popup.html`);
    await popup.locator('#donation').check();
    await waitFor('a donation session', async () => ((await addonStorage(browser!)).local['settings'] as { donationOnly: boolean }).donationOnly, (x) => x);
    // Count once the add-on mines on a donation session: the tickets session's connection, and any
    // issuance on it, is over by then.
    await waitFor('shares on a donation session', async () => relay.handle.store.db.prepare("SELECT COALESCE(SUM(shares), 0) AS n FROM sessions WHERE mode = 'donation'").get() as { n: number }, (r) => r.n >= 1);
    await waitFor('only the donation connection left', () => relay.stats(), (st) => st.sessions === 1, 15_000);
    const issued = (await relay.stats()).tickets.issued;
    const tickets = (await wallet(browser)).tickets.length;
    const accepted = await relay.accepted();
    await waitFor('shares in donation mode', () => relay.accepted(), (n) => n >= accepted + 8);
    expect((await relay.stats()).tickets.issued).toBe(issued);
    expect((await wallet(browser)).tickets.length).toBe(tickets);
    await popup.close();
  });

  it('refuses a relay whose descriptor signature is bad, with a visible error', async () => {
    if (browser === null) throw new Error('the previous test did not leave a browser');
    const bad = await serveTamperedDescriptor(relay.descriptorUrl);
    try {
      const before = ((await addonStorage(browser)).local['settings'] as { relays: unknown[] }).relays.length;
      expect(await addRelayInOptions(browser, bad.url)).toMatch(/descriptor signature bad/);
      expect(((await addonStorage(browser)).local['settings'] as { relays: unknown[] }).relays.length).toBe(before);
    } finally {
      await bad.close();
    }
  });
});
