// Measures the add-on's CPU use and memory at its CPU budget in a real browser against the real
// daemon (Linux /proc). Not a test: run it on an otherwise idle machine.
//   npx tsx e2e/measure-cpu.ts [--browser chromium|firefox] [--seconds 60] [--budget 25]
// Prints the browser's CPU share of the whole machine while idle with the add-on, while mining,
// the difference (the add-on's mining), the machine's total load, and the resident memory delta.
import { availableParallelism } from 'node:os';
import { execFileSync } from 'node:child_process';
import { addonStorage, addRelayInOptions, launchChromium } from './lib/chromium.js';
import { launchFirefox } from './lib/firefox.js';
import { sampleCpu, type CpuSample } from './lib/procs.js';
import { startTestRelay, waitFor } from './lib/relay.js';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const browserName = flag('browser', 'chromium');
const seconds = Number(flag('seconds', '60'));
const budget = Number(flag('budget', '25'));
if (!['chromium', 'firefox'].includes(browserName) || !(seconds >= 5) || !(budget >= 1 && budget <= 100)) {
  process.stderr.write('usage: npx tsx e2e/measure-cpu.ts [--browser chromium|firefox] [--seconds N>=5] [--budget 1..100]\n');
  process.exit(2);
}
const cores = availableParallelism();
const hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const mib = (x: number) => `${(x / 2 ** 20).toFixed(1)} MiB`;

const relay = await startTestRelay(0.001);
let close: () => Promise<void> = async () => undefined;
try {
  let marker: string;
  let idle: CpuSample;
  let addonCpu: () => Promise<number | null> = async () => null;
  if (browserName === 'chromium') {
    const b = await launchChromium();
    close = () => b.close();
    marker = b.userDataDir;
    const page = await b.context.newPage();
    await page.goto(`chrome-extension://${b.extensionId}/options.html`);
    await page.locator('#cpu-budget').fill(String(budget));
    await page.locator('#random-band').fill('0');
    await page.locator('#budget button[type=submit]').click();
    await page.close();
    idle = await sampleCpu(marker, Math.min(20, seconds), hz, cores);
    const err = await addRelayInOptions(b, relay.descriptorUrl);
    if (err !== '') throw new Error(err);
    addonCpu = async () => ((await addonStorage(b)).session['status'] as { cpu: number }).cpu;
  } else {
    if (budget !== 25) throw new Error('Firefox runs at the default budget (its options page is out of reach of BiDi)');
    const b = await launchFirefox();
    close = () => b.close();
    marker = b.userDataDir;
    idle = await sampleCpu(marker, Math.min(20, seconds), hz, cores);
    const page = await b.browser.newPage();
    await page.goto(relay.descriptorUrl);
    await page.waitForSelector('#workpass-add-relay');
    await page.click('#workpass-add-relay');
    await page.waitForSelector('#workpass-add-relay-result[data-state="added"]');
  }
  await waitFor('first accepted share', () => relay.accepted(), (n) => n >= 1);
  await new Promise((r) => setTimeout(r, 3000));
  const mining = await sampleCpu(marker, seconds, hz, cores);
  const reported = await addonCpu();
  const shares = await relay.accepted();
  console.log(`browser ${browserName}, ${cores} cores, budget ${budget}% (band 0 in Chromium; Firefox ±10% default), ${seconds} s`);
  console.log(`  browser idle with the add-on   ${pct(idle.treeShare)} of the machine   rss ${mib(idle.rssBytes)} (${idle.processes} processes)`);
  console.log(`  browser while mining           ${pct(mining.treeShare)} of the machine   rss ${mib(mining.rssBytes)} (${mining.processes} processes)`);
  console.log(`  add-on mining (difference)     ${pct(mining.treeShare - idle.treeShare)} of the machine (target ${budget}%)`);
  if (reported !== null) console.log(`  workers' own busy-time figure  ${pct(reported)} of the machine`);
  console.log(`  memory while mining (delta)    ${mib(mining.rssBytes - idle.rssBytes)}`);
  console.log(`  machine load during mining     ${pct(mining.machineBusy)} (everything, other programs included)`);
  console.log(`  shares accepted by the relay   ${shares}`);
} finally {
  await close().catch((e: unknown) => process.stderr.write(`closing the browser: ${String(e)}\n`));
  await relay.close();
}
