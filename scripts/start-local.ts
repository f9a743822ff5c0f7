/**
 * `npm start`'s local job: the relay daemon in-process on its embedded defaults (ws 9433, stratum
 * 9333, http 9480, data in ./.workpass/relay), a headless browser with the add-on, the relay added to
 * the add-on the way a user would, and live progress until a signal (or, with `once`, a share).
 */
import { mkdirSync } from 'node:fs';
import { addRelayInOptions, addonStorage, launchChromium } from '../e2e/lib/chromium.js';
import { launchFirefox } from '../e2e/lib/firefox.js';
import { DESCRIPTOR_PATH } from '../src/core/protocol/descriptor.js';
import { resolveConfig, startRelay } from '../src/relay/index.js';
import { addRelayFromDescriptorPage } from './add-relay.js';
import { firefoxStatusReader } from './firefox-status.js';
import { startProgress, type AddonStatus } from './progress.js';
import { Teardown } from './teardown.js';

export interface LocalJobFlags {
  readonly browser: 'chromium' | 'firefox';
  readonly once: boolean;
  /** With `once`: seconds of mining without an accepted share before giving up. */
  readonly timeout: number;
}

/** How to read the add-on's status in the running browser (null when the browser cannot tell). */
type AddonStatusReader = () => Promise<AddonStatus | null>;

/** Runs until a signal (or, with `once`, the first accepted share); exits the process itself. */
export async function run(flags: LocalJobFlags): Promise<void> {
  const teardown = Teardown.create('workpass-start-');
  teardown.onSignals();
  try {
    const config = resolveConfig({ env: process.env });
    mkdirSync(config.dataDir, { recursive: true });
    // Quieter than the daemon's default (info) unless WORKPASS_LOG_LEVEL, validated by resolveConfig, says otherwise.
    const relay = await startRelay({ ...config, logLevel: process.env.WORKPASS_LOG_LEVEL === undefined ? 'warn' : config.logLevel });
    teardown.defer('relay daemon', () => relay.close());
    process.stdout.write(`relay ws ${relay.ws.url}\nrelay http ${relay.http.url}\n`);
    const descriptorUrl = `${relay.http.url}${DESCRIPTOR_PATH}`;

    process.stdout.write(`start: launching headless ${flags.browser} with the add-on\n`);
    const addonStatus = flags.browser === 'chromium' ? await chromiumWithRelay(descriptorUrl, teardown) : await firefoxWithRelay(descriptorUrl, teardown);
    process.stdout.write(`start: relay added to the add-on (${descriptorUrl}); mining — Ctrl-C to stop\n`);
    const stopProgress = startProgress({
      stats: () => relay.stats(),
      addonStatus,
      once: flags.once,
      timeoutSeconds: flags.timeout,
      finish: (code) => void teardown.exit(code),
    });
    teardown.defer('progress', async () => stopProgress());
  } catch (e) {
    // A signal's teardown makes the start it interrupts fail; that is not an error of the job.
    if (teardown.stopping) return;
    process.stderr.write(`start: ${e instanceof Error ? e.message : String(e)}\n`);
    await teardown.exit(1);
  }
}

/** Chromium: the relay added on the options page; the status read from the service worker. */
async function chromiumWithRelay(descriptorUrl: string, teardown: Teardown): Promise<AddonStatusReader> {
  const b = await launchChromium();
  teardown.defer('browser', () => b.close());
  const error = await addRelayInOptions(b, descriptorUrl);
  if (error !== '') throw new Error(`the add-on refused the relay: ${error}`);
  return async () => ((await addonStorage(b)).session.status as AddonStatus | undefined) ?? null;
}

/** Firefox: the relay added from its descriptor page; the status read from an add-on page. */
async function firefoxWithRelay(descriptorUrl: string, teardown: Teardown): Promise<AddonStatusReader> {
  const b = await launchFirefox();
  teardown.defer('browser', () => b.close());
  await addRelayFromDescriptorPage(b.browser, descriptorUrl, 30_000);
  return firefoxStatusReader(b);
}
