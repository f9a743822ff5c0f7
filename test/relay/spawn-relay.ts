import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A daemon spawned from source (test/relay/fixtures/run-relay.ts) and the endpoints it printed. */
export interface SpawnedRelay {
  readonly child: ChildProcess;
  readonly ws: string;
  readonly http: string;
}

const RUN_RELAY = fileURLToPath(new URL('./fixtures/run-relay.ts', import.meta.url));

/**
 * Spawns the daemon on ephemeral loopback ports over `dataDir`, with message limits far above any
 * burst a test sends (a crash test pipelines hundreds of submits), and resolves once it printed
 * "ready". `extra` are further flags. The caller owns the child (kill it, wait with exited()).
 */
export function spawnRelay(dataDir: string, extra: readonly string[] = []): Promise<SpawnedRelay> {
  const child = spawn(process.execPath, ['--import', 'tsx', RUN_RELAY,
    '--ws', '127.0.0.1:0', '--stratum', '127.0.0.1:0', '--http', '127.0.0.1:0', '--data-dir', dataDir,
    '--difficulty', '0.0000001', '--log-level', 'silent', ...extra], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, WORKPASS_LIMITS_MESSAGES_PER_SECOND: '1000000', WORKPASS_LIMITS_MESSAGE_BURST: '1000000' },
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('ready\n')) {
        const get = (k: string) => new RegExp(`^${k} (\\S+)$`, 'm').exec(out)![1]!;
        resolve({ child, ws: get('ws'), http: get('http') });
      }
    });
    child.once('exit', (code) => reject(new Error(`relay exited early (${code}): ${out}`)));
  });
}
