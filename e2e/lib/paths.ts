import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const chromiumExtensionDir = fileURLToPath(new URL('../../dist/chromium', import.meta.url));
export const firefoxExtensionDir = fileURLToPath(new URL('../../dist/firefox', import.meta.url));

export const CHROMIUM_BIN = process.env.WORKPASS_CHROMIUM ?? '/usr/bin/chromium';
export const FIREFOX_BIN = process.env.WORKPASS_FIREFOX ?? '/usr/bin/firefox-esr';

/** Fails early with the command to run when the add-on has not been built. */
export function requireBuilt(dir: string): void {
  if (!existsSync(`${dir}/manifest.json`)) throw new Error(`${dir} is missing: run npm run build:ext first`);
}
