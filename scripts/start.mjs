// `npm start`: the whole main job on one machine. Installs what is missing, builds, then runs one job
// until SIGINT/SIGTERM, printing live progress (hash rate, shares accepted, tickets):
//   npm start                          the relay daemon in-process on its embedded defaults and a headless
//                                      Chromium (Debian's /usr/bin/chromium) with the add-on mining against it
//   npm start -- --browser firefox     Firefox ESR with Tor Browser's preferences instead
//   npm start -- --tor                 over a private Tor network on 127.0.0.1: the daemon behind an onion
//                                      service, Firefox ESR with Tor Browser's network preferences
//   npm start -- --once                exit 0 after the first share from the add-on is accepted
//   npm start -- --no-build            skip the build (use what dist/ has)
// The jobs are TypeScript modules (scripts/start-local.ts, scripts/start-tor.ts), loaded through tsx.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const USAGE = 'usage: npm start -- [--browser chromium|firefox] [--tor] [--once] [--no-build] [--timeout SECONDS]';

function usage(message) {
  process.stderr.write(`start: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parseFlags(argv) {
  const flags = { browser: undefined, tor: false, once: false, build: true, timeout: 300 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--once') flags.once = true;
    else if (a === '--tor') flags.tor = true;
    else if (a === '--no-build') flags.build = false;
    else if (a === '--browser' || a === '--timeout') {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      if (a === '--browser') {
        if (v !== 'chromium' && v !== 'firefox') usage(`--browser must be chromium or firefox, not '${v}'`);
        flags.browser = v;
      } else {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1) usage(`--timeout must be a whole number of seconds >= 1, not '${v}'`);
        flags.timeout = n;
      }
    } else if (a === '--help' || a === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else usage(`unknown option '${a}'`);
  }
  // Over Tor the browser is Tor Browser's base, Firefox ESR. Chromium has no setting that keeps every
  // connection (DNS, WebRTC, the add-on's own) on the SOCKS proxy, so it is not offered.
  if (flags.tor && flags.browser === 'chromium') usage('--tor runs Firefox ESR (Tor Browser\'s base); --browser chromium cannot be used with it');
  flags.browser ??= flags.tor ? 'firefox' : 'chromium';
  return flags;
}

function run(cmd, args) {
  process.stdout.write(`start: ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });
  if (r.status !== 0) {
    process.stderr.write(`start: '${cmd} ${args.join(' ')}' failed (${r.error?.message ?? `exit ${r.status}`})\n`);
    process.exit(1);
  }
}

/** True if `bin` is an executable path, or a name found on PATH (plus the sbin directories tor lives in). */
function haveBinary(bin) {
  const dirs = isAbsolute(bin) ? [''] : [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin'];
  return dirs.some((dir) => {
    try {
      accessSync(join(dir, bin), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** What a job needs: { bin, pkg, env } (a binary named by `env` is the user's choice, not apt-get's). */
function requirements(flags) {
  const need = (env, fallback, pkg) => ({ bin: process.env[env] ?? fallback, pkg, env: process.env[env] === undefined ? null : env });
  const browser = flags.browser === 'chromium'
    ? need('WORKPASS_CHROMIUM', '/usr/bin/chromium', 'chromium')
    : need('WORKPASS_FIREFOX', '/usr/bin/firefox-esr', 'firefox-esr');
  if (!flags.tor) return [browser];
  return [browser, need('WORKPASS_TOR', 'tor', 'tor'), need('WORKPASS_TOR_GENCERT', 'tor-gencert', 'tor')];
}

/** Installs what is missing: node_modules (npm ci), and the browser and tor (apt-get, when root). */
function install(flags) {
  if (!existsSync(join(root, 'node_modules'))) run('npm', ['ci']);
  const missing = requirements(flags).filter(({ bin }) => !haveBinary(bin));
  for (const { bin, env } of missing) {
    if (env !== null) {
      process.stderr.write(`start: ${env}=${bin}: no such executable\n`);
      process.exit(1);
    }
  }
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.map(({ pkg }) => pkg))];
  if (process.getuid?.() !== 0) {
    process.stderr.write(`start: ${missing.map(({ bin }) => bin).join(', ')} missing; install with: sudo apt-get install -y ${pkgs.join(' ')}\n`);
    process.exit(1);
  }
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', ...pkgs]);
}

const flags = parseFlags(process.argv.slice(2));
install(flags);
if (flags.build) run('npm', ['run', 'build']);

const { tsImport } = await import('tsx/esm/api');
const job = await tsImport(flags.tor ? './start-tor.ts' : './start-local.ts', import.meta.url);
await job.run(flags);
