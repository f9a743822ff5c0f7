/**
 * Circuit isolation evidence from a tor client's control port: CIRC and STREAM events (control-spec
 * 4.1.1 "Circuit status changed", 4.1.2 "Stream status changed") mapped so that a SOCKS connection,
 * known by its local port (the event's SOURCE_ADDR), is tied to the circuit that carried it.
 */
import { parseKeywords, type ControlReply } from './control-reply.js';
import type { TorControl } from './control.js';

export interface CircuitInfo {
  readonly id: string;
  status: string;
  /** Relay fingerprints of the hops, first hop first ("$FP~nick" or "$FP=nick" in the event). */
  path: string[];
  purpose: string | undefined;
  socksUsername: string | undefined;
}

export interface StreamInfo {
  readonly id: string;
  status: string;
  circuitId: string;
  target: string;
  sourceAddr: string | undefined;
  socksUsername: string | undefined;
}

export class CircuitLog {
  readonly circuits = new Map<string, CircuitInfo>();
  readonly streams = new Map<string, StreamInfo>();
  private readonly waiters = new Set<() => void>();
  private readonly unsubscribe: Array<() => void>;

  private constructor(control: TorControl) {
    this.unsubscribe = [
      control.on('CIRC', (event) => this.circ(event)),
      control.on('STREAM', (event) => this.stream(event)),
    ];
  }

  /**
   * Subscribes `control` (a connection of its own: SETEVENTS replaces its event set) to CIRC and STREAM,
   * then reads the circuits built before (GETINFO circuit-status: one "CircuitID CircStatus [Path] ..."
   * per line, the same fields as a CIRC event).
   */
  static async attach(control: TorControl): Promise<CircuitLog> {
    const log = new CircuitLog(control);
    await control.setEvents(['CIRC', 'STREAM']);
    const status = await control.getInfo('circuit-status');
    for (const line of status.split('\n')) {
      if (line.trim() !== '') log.circuitLine(`CIRC ${line}`, false);
    }
    return log;
  }

  detach(): void {
    for (const off of this.unsubscribe) off();
  }

  /**
   * The circuit that carried the stream opened from 127.0.0.1:`localPort` (a SOCKS client socket's
   * localPort), once tor has reported it attached (SENTCONNECT or SUCCEEDED). Times out otherwise.
   */
  async circuitOfLocalPort(localPort: number, timeoutMs = 10_000): Promise<CircuitInfo> {
    const source = `127.0.0.1:${localPort}`;
    return this.waitFor(() => {
      for (const s of this.streams.values()) {
        if (s.sourceAddr !== source || s.circuitId === '0') continue;
        return this.circuits.get(s.circuitId) ?? { id: s.circuitId, status: 'UNKNOWN', path: [], purpose: undefined, socksUsername: undefined };
      }
      return undefined;
    }, timeoutMs, `no stream from ${source} attached to a circuit`);
  }

  /** The stream opened from 127.0.0.1:`localPort`, once tor has reported it (its NEW event). */
  async streamOfLocalPort(localPort: number, timeoutMs = 10_000): Promise<StreamInfo> {
    const source = `127.0.0.1:${localPort}`;
    return this.waitFor(() => [...this.streams.values()].find((s) => s.sourceAddr === source), timeoutMs, `no stream from ${source}`);
  }

  private waitFor<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const now = probe();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const value = probe();
        if (value === undefined) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  private notify(): void {
    for (const check of [...this.waiters]) check();
  }

  // 650 CIRC CircuitID CircStatus [Path] [BUILD_FLAGS=..] [PURPOSE=..] ... [SOCKS_USERNAME=".."] ...
  private circ(event: ControlReply): void {
    this.circuitLine(event.lines[0]?.text ?? '', true);
  }

  private circuitLine(text: string, isEvent: boolean): void {
    const { positional, keywords } = parseKeywords(text);
    const [, id, status, maybePath] = positional;
    if (id === undefined || status === undefined) return;
    // A snapshot line never overwrites what an event already said.
    if (!isEvent && this.circuits.has(id)) return;
    const path = maybePath?.startsWith('$') ? maybePath.split(',').map((hop) => hop.slice(1, 41)) : [];
    const known = this.circuits.get(id);
    const info: CircuitInfo = known ?? { id, status, path, purpose: undefined, socksUsername: undefined };
    info.status = status;
    if (path.length > 0) info.path = path;
    info.purpose = keywords.get('PURPOSE') ?? info.purpose;
    info.socksUsername = keywords.get('SOCKS_USERNAME') ?? info.socksUsername;
    this.circuits.set(id, info);
    this.notify();
  }

  // 650 STREAM StreamID StreamStatus CircuitID Target [REASON=..] ... [SOURCE_ADDR=..] [SOCKS_USERNAME=".."] ...
  private stream(event: ControlReply): void {
    const { positional, keywords } = parseKeywords(event.lines[0]?.text ?? '');
    const [, id, status, circuitId, target] = positional;
    if (id === undefined || status === undefined || circuitId === undefined || target === undefined) return;
    const known = this.streams.get(id);
    const info: StreamInfo = known ?? { id, status, circuitId, target, sourceAddr: undefined, socksUsername: undefined };
    info.status = status;
    if (circuitId !== '0') info.circuitId = circuitId;
    info.sourceAddr = keywords.get('SOURCE_ADDR') ?? info.sourceAddr;
    info.socksUsername = keywords.get('SOCKS_USERNAME') ?? info.socksUsername;
    this.streams.set(id, info);
    this.notify();
  }
}
