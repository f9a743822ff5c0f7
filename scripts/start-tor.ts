/**
 * `npm start -- --tor`: the main job over a private Tor network on 127.0.0.1 (e2e/tor/network.ts).
 * The relay daemon, on its embedded difficulty and price, sits behind an onion service whose signed
 * descriptor advertises the .onion endpoints (e2e/tor/onion-relay.ts, as docs/tor.md tells operators);
 * Firefox ESR with Tor Browser's network preferences reaches it only through the network's SOCKS port;
 * the relay is added from its .onion descriptor page the way a user adds it; progress as `npm start`.
 */
import { launchFirefox } from '../e2e/lib/firefox.js';
import { torNetworkPrefs } from '../e2e/tor/firefox-tor-prefs.js';
import { startTorNetwork } from '../e2e/tor/network.js';
import { startOnionRelay } from '../e2e/tor/onion-relay.js';
import { DEFAULTS } from '../src/relay/index.js';
import { addRelayFromDescriptorPage, isolateRelayCircuits } from './add-relay.js';
import { firefoxStatusReader } from './firefox-status.js';
import { startProgress } from './progress.js';
import { Teardown } from './teardown.js';

export interface TorJobFlags {
  readonly once: boolean;
  /** With `once`: seconds of mining without an accepted share before giving up. */
  readonly timeout: number;
}

/** Runs until a signal (or, with `once`, the first accepted share); exits the process itself. */
export async function run(flags: TorJobFlags): Promise<void> {
  const teardown = Teardown.create('workpass-start-tor-');
  teardown.onSignals();
  const t0 = Date.now();
  const say = (line: string): void => {
    process.stdout.write(`[${String(Math.round((Date.now() - t0) / 1000)).padStart(4)}s] ${line}\n`);
  };
  try {
    say('start: building a private Tor network on 127.0.0.1 (3 directory authorities, 4 relays, 2 clients)');
    const net = await startTorNetwork({ log: (line) => say(`tor: ${line}`) });
    teardown.defer('tor network', () => net.stop());
    say(`tor: bootstrapped; SOCKS port 127.0.0.1:${net.socksPort}, probe circuit of ${net.probeHops} hops`);

    say('start: publishing the relay daemon as an onion service');
    const daemon = await startOnionRelay(net, DEFAULTS.difficulty, DEFAULTS.price);
    teardown.defer('relay daemon', () => daemon.close());
    say(`relay onion ${daemon.onion}`);
    say(`relay descriptor ${daemon.descriptorUrl} (ws ${daemon.relay.descriptor().endpoints.ws})`);

    say('start: launching headless firefox-esr with the add-on and Tor Browser\'s network preferences');
    const firefox = await launchFirefox(undefined, torNetworkPrefs(net.socksPort));
    teardown.defer('browser', () => firefox.close());
    // Every step goes over Tor: the page, the add-on's descriptor fetch, then its WebSocket.
    await addRelayFromDescriptorPage(firefox.browser, daemon.descriptorUrl, 60_000);
    say('start: relay added to the add-on from its .onion descriptor page; mining over Tor — Ctrl-C to stop');
    await isolateRelayCircuits(firefox, 15_000);
    say('start: relay host granted in the options page: each relay session on a tor circuit of its own');

    const addonStatus = await firefoxStatusReader(firefox);
    const stopProgress = startProgress({
      stats: () => daemon.relay.stats(),
      addonStatus,
      once: flags.once,
      timeoutSeconds: flags.timeout,
      since: t0,
      finish: (code) => {
        if (code === 0) say(`start: first share accepted over the onion service, ${((Date.now() - t0) / 1000).toFixed(1)} s after the start`);
        void teardown.exit(code);
      },
    });
    teardown.defer('progress', async () => stopProgress());
  } catch (e) {
    // A signal's teardown makes the start it interrupts fail; that is not an error of the job.
    if (teardown.stopping) return;
    process.stderr.write(`start: ${e instanceof Error ? e.message : String(e)}\n`);
    await teardown.exit(1);
  }
}

