/**
 * Onion services made with ADD_ONION (control-spec 3.27) on the network's onion host, the equivalent of
 * torrc `HiddenServiceDir` + `HiddenServicePort VIRTPORT 127.0.0.1:TARGET` lines. Ready means the
 * descriptor was uploaded (HS_DESC UPLOADED, control-spec 4.1.25) and a SOCKS connection from the
 * network's client reached the first port.
 */
import { parseKeywords, type ControlReply } from './control-reply.js';
import type { TorControl } from './control.js';
import { SocksProtocolError, SocksReplyError, socksConnect } from './socks.js';

export interface OnionPort {
  /** The port clients connect to on the .onion address. */
  readonly virtualPort: number;
  /** The port on 127.0.0.1 the service forwards to. */
  readonly target: number;
}

export interface OnionService {
  /** "<56 base32 chars>.onion" */
  readonly onion: string;
  readonly ports: readonly OnionPort[];
  /** "ED25519-V3:<base64>": pass back as privateKey to publish the same address again. */
  readonly privateKey: string;
  /** Milliseconds from ADD_ONION to the first successful connection. */
  readonly readyMs: number;
  /** DEL_ONION: the address stops answering. */
  remove(): Promise<void>;
}

export interface AddOnionOptions {
  /** Control connection to the tor that hosts the service. */
  readonly host: TorControl;
  /** Opens a second control connection to the host, for HS_DESC events. */
  readonly openHostControl: () => Promise<TorControl>;
  /** SOCKS port of the client that checks reachability. */
  readonly socksPort: number;
  readonly ports: readonly OnionPort[];
  readonly privateKey?: string;
  readonly timeoutMs: number;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

export class OnionServiceError extends Error {
  override readonly name = 'OnionServiceError';
}

const KEY = /^ED25519-V3:[A-Za-z0-9+/]{86}==$/;
const SERVICE_ID = /^[a-z2-7]{56}$/;

export async function addOnionService(o: AddOnionOptions): Promise<OnionService> {
  if (o.ports.length < 1 || o.ports.length > 32) throw new RangeError('ports: 1..32 entries');
  for (const p of o.ports) {
    for (const [name, v] of [['virtualPort', p.virtualPort], ['target', p.target]] as const) {
      if (!Number.isInteger(v) || v < 1 || v > 65535) throw new RangeError(`ports.${name}: not a TCP port: ${v}`);
    }
  }
  if (o.privateKey !== undefined && !KEY.test(o.privateKey)) {
    throw new RangeError('privateKey: expected "ED25519-V3:" and a base64 expanded ed25519 key');
  }
  const started = Date.now();
  const deadline = started + o.timeoutMs;
  const log = o.log ?? ((): void => {});
  const events = await o.openHostControl();
  try {
    const uploads = new UploadWatch();
    events.on('HS_DESC', (e) => uploads.event(e));
    await events.setEvents(['HS_DESC']);

    const key = o.privateKey ?? 'NEW:ED25519-V3';
    const portArgs = o.ports.map((p) => `Port=${p.virtualPort},127.0.0.1:${p.target}`).join(' ');
    // Detach: the service outlives this control connection; DEL_ONION removes it.
    const reply = await o.host.command(`ADD_ONION ${key} Flags=Detach ${portArgs}`);
    const fields = replyFields(reply);
    const serviceId = fields.get('ServiceID') ?? '';
    if (!SERVICE_ID.test(serviceId)) throw new OnionServiceError(`ADD_ONION gave no ServiceID: ${serviceId}`);
    const privateKey = o.privateKey ?? fields.get('PrivateKey') ?? '';
    const onion = `${serviceId}.onion`;
    const remove = async (): Promise<void> => {
      await o.host.command(`DEL_ONION ${serviceId}`);
    };

    try {
      await uploads.settled(serviceId, deadline);
      log(`${onion}: descriptor uploaded (${Date.now() - started} ms)`);
      const attempts = await waitReachable(o.socksPort, onion, o.ports[0]!.virtualPort, deadline);
      log(`${onion}: reachable after ${attempts} attempt(s) (${Date.now() - started} ms)`);
    } catch (err) {
      await remove().catch(() => {});
      throw err;
    }
    return { onion, ports: [...o.ports], privateKey, readyMs: Date.now() - started, remove };
  } finally {
    events.close();
  }
}

/** The "Key=Value" lines of a reply. */
function replyFields(reply: ControlReply): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of reply.lines) {
    const eq = line.text.indexOf('=');
    if (eq > 0) map.set(line.text.slice(0, eq), line.text.slice(eq + 1));
  }
  return map;
}

/**
 * Tracks `650 HS_DESC UPLOAD|UPLOADED|FAILED <address> <auth> <HsDir> ...`. Settled: at least one
 * upload succeeded and every HSDir that an upload was started for has answered, so a client's fetch
 * does not hit an HSDir that is still waiting for the descriptor.
 */
export class UploadWatch {
  private readonly pending = new Map<string, Set<string>>();
  private readonly uploaded = new Map<string, number>();
  private wake: (() => void) | undefined;

  event(e: ControlReply): void {
    const { positional } = parseKeywords(e.lines[0]?.text ?? '');
    const [, action, address, , hsDir] = positional;
    if (address === undefined || hsDir === undefined) return;
    let pending = this.pending.get(address);
    if (pending === undefined) this.pending.set(address, (pending = new Set()));
    if (action === 'UPLOAD') pending.add(hsDir);
    else if (action === 'UPLOADED') {
      pending.delete(hsDir);
      this.uploaded.set(address, (this.uploaded.get(address) ?? 0) + 1);
    } else if (action === 'FAILED') pending.delete(hsDir);
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async settled(address: string, deadline: number): Promise<void> {
    while (!((this.uploaded.get(address) ?? 0) > 0 && (this.pending.get(address)?.size ?? 0) === 0)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new OnionServiceError(`${address}.onion: descriptor not uploaded in time`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}

/**
 * Connects through SOCKS until the service answers; retries while tor reports onion failures or an
 * attempt stalls. Each attempt uses fresh SOCKS credentials, so tor builds it a new rendezvous circuit
 * instead of queueing it behind a stuck one. Returns the number of attempts.
 */
export async function waitReachable(socksPort: number, onion: string, port: number, deadline: number, attemptMs = 20_000): Promise<number> {
  let last: unknown;
  let attempts = 0;
  while (Date.now() < deadline) {
    attempts++;
    const auth = { username: `workpass-reach-${attempts}-${Date.now()}`, password: 'x' };
    try {
      const timeoutMs = Math.max(1, Math.min(attemptMs, deadline - Date.now()));
      const { socket } = await socksConnect({ proxyPort: socksPort, host: onion, port, auth, timeoutMs });
      socket.destroy();
      return attempts;
    } catch (err) {
      last = err;
      if (!(err instanceof SocksReplyError) && !(err instanceof SocksProtocolError && /within/.test(err.message))) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000, Math.max(0, deadline - Date.now()))));
    }
  }
  throw new OnionServiceError(`${onion}:${port} not reachable in time (last: ${String(last)})`);
}
