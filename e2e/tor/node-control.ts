/**
 * Getting hold of a started tor node's control port: tor picks the port ("ControlPort 127.0.0.1:auto"),
 * writes it to ControlPortWriteToFile and writes the authentication cookie; both appear just after
 * the listener's log line, so they are polled for briefly.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TorControl, type ControlAuth } from './control.js';
import type { TorProcess } from './process.js';

export class NodeControlError extends Error {
  override readonly name = 'NodeControlError';
}

export interface NodeControl {
  readonly control: TorControl;
  readonly port: number;
  readonly auth: ControlAuth;
}

/** Waits for the control listener, reads its port and cookie, connects and authenticates. */
export async function connectNode(p: TorProcess, dataDir: string, portFile: string, left: () => number): Promise<NodeControl> {
  await p.waitForLog(/Opened Control listener/, left());
  const port = parseControlPortFile((await readWhenWritten(portFile, (b) => b.at(-1) === 0x0a, p, left)).toString());
  const auth: ControlAuth = { method: 'cookie', cookieFile: join(dataDir, 'control_auth_cookie') };
  // control-spec 3.24: the cookie file holds 32 bytes.
  await readWhenWritten(auth.cookieFile, (b) => b.length === 32, p, left);
  const control = await TorControl.connect(port, auth, left());
  return { control, port, auth };
}

/** Polls GETINFO status/bootstrap-phase until PROGRESS=100 (control-spec 5.5, bootstrap status events). */
export async function waitBootstrapped(control: TorControl, p: TorProcess, left: () => number): Promise<void> {
  for (;;) {
    const phase = await control.getInfo('status/bootstrap-phase');
    if (/\bPROGRESS=100\b/.test(phase)) return;
    if (left() <= 1) throw new NodeControlError(`${p.name}: not bootstrapped in time: ${phase}\n${p.logTail()}`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(200, left())));
  }
}

/** Reads `path` once `complete` holds for its bytes; tor's exit or the time running out ends the wait. */
export async function readWhenWritten(
  path: string,
  complete: (bytes: Buffer) => boolean,
  p: TorProcess,
  left: () => number,
): Promise<Buffer> {
  for (;;) {
    try {
      const bytes = await readFile(path);
      if (complete(bytes)) return bytes;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (!p.running) throw new NodeControlError(`${p.name}: tor ended before writing ${path}\n${p.logTail()}`);
    if (left() <= 1) throw new NodeControlError(`${p.name}: ${path} not written in time\n${p.logTail()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function parseControlPortFile(text: string): number {
  // ControlPortWriteToFile writes "PORT=127.0.0.1:NNNN".
  const m = /^PORT=127\.0\.0\.1:([0-9]{1,5})$/m.exec(text);
  if (m === null) throw new NodeControlError(`unexpected control port file: ${text.trim()}`);
  return Number(m[1]);
}
