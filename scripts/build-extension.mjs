// Builds the browser add-on: every entry of vite.config.ts as one self-contained script, the static
// pages and _locales, and a manifest per browser derived from the root manifest.json. Output:
// dist/firefox/ (+ dist/workpass-firefox-<version>.xpi via web-ext) and dist/chromium/.
// Usage: node scripts/build-extension.mjs [--no-xpi]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');
const staticDir = join(root, 'src', 'extension', 'static');
const localesDir = join(root, 'src', 'extension', '_locales');
const entries = ['background', 'offscreen', 'hash-worker', 'popup', 'options', 'content'];
const wantXpi = !process.argv.includes('--no-xpi');

// The kernels are embedded from src/core/pow/kernels/*.wasm.generated.ts: build them if absent.
const genDir = join(root, 'src', 'core', 'pow', 'kernels');
if (!existsSync(genDir) || !readdirSync(genDir).some((f) => f.endsWith('.wasm.generated.ts'))) {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build-wasm.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8'));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
if (manifest.version !== pkg.version) {
  console.error(`manifest.json version ${manifest.version} differs from package.json ${pkg.version}`);
  process.exit(1);
}

/**
 * Firefox (and Tor Browser) has no offscreen API and warns on the unknown permission; it runs
 * background.scripts as an event page and ignores (with a lint warning) background.service_worker.
 */
function firefoxManifest(m) {
  const out = structuredClone(m);
  out.permissions = out.permissions.filter((p) => p !== 'offscreen');
  out.background = { scripts: m.background.scripts };
  return out;
}

/**
 * Chromium ignores browser_specific_settings and warns on it; it runs the service worker. Its proxy
 * API has no per-request credentials, so circuit isolation (proxy, and ws:// wss:// access to
 * relays) is Firefox's alone.
 */
function chromiumManifest(m) {
  const out = structuredClone(m);
  delete out.browser_specific_settings;
  out.permissions = out.permissions.filter((p) => p !== 'proxy');
  out.optional_host_permissions = out.optional_host_permissions.filter((p) => !/^wss?:/.test(p));
  out.background = { service_worker: m.background.service_worker };
  return out;
}

const firefoxDir = join(dist, 'firefox');
const chromiumDir = join(dist, 'chromium');
rmSync(firefoxDir, { recursive: true, force: true });
rmSync(chromiumDir, { recursive: true, force: true });
mkdirSync(firefoxDir, { recursive: true });

for (const entry of entries) {
  process.env.WORKPASS_ENTRY = entry;
  process.env.WORKPASS_OUT_DIR = firefoxDir;
  await build({ configFile: join(root, 'vite.config.ts'), root, logLevel: 'warn' });
}
delete process.env.WORKPASS_ENTRY;
delete process.env.WORKPASS_OUT_DIR;

cpSync(staticDir, firefoxDir, { recursive: true });
cpSync(localesDir, join(firefoxDir, '_locales'), { recursive: true });
cpSync(firefoxDir, chromiumDir, { recursive: true });
writeFileSync(join(firefoxDir, 'manifest.json'), JSON.stringify(firefoxManifest(manifest), null, 2) + '\n');
writeFileSync(join(chromiumDir, 'manifest.json'), JSON.stringify(chromiumManifest(manifest), null, 2) + '\n');

for (const f of readdirSync(firefoxDir).filter((n) => n.endsWith('.js')).sort()) {
  const bytes = readFileSync(join(firefoxDir, f));
  const sha = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  console.log(`extension ${f.padEnd(18)} ${String(bytes.length).padStart(8)} bytes  sha256 ${sha}…`);
}

if (wantXpi) {
  const name = `workpass-firefox-${manifest.version}.xpi`;
  rmSync(join(dist, name), { force: true });
  const webExt = join(root, 'node_modules', 'web-ext', 'bin', 'web-ext.js');
  const r = spawnSync(process.execPath, [webExt, 'build', '--source-dir', firefoxDir, '--artifacts-dir', dist,
    '--filename', name, '--overwrite-dest', '--no-config-discovery'], { stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) {
    process.stdout.write(r.stdout);
    process.exit(r.status ?? 1);
  }
  console.log(`extension ${name} ${statSync(join(dist, name)).size} bytes`);
}
console.log(`extension built: ${firefoxDir} ${chromiumDir}`);
