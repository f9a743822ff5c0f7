import { connect, type Socket } from 'node:net';
import { CellStream } from '../../src/core/protocol/cells/cell-stream.js';
import type { MiningJob } from '../../src/core/protocol/cells/job.js';
import type { MiningMessage } from '../../src/core/protocol/cells/message.js';
import { jobToStratum } from '../../src/core/protocol/cells/stratum-bridge.js';
import type { Algorithm } from '../../src/core/pow/registry.js';
import { buildHeader, nonceToHex } from '../../src/core/pow/stratum.js';
import { hashMeetsTarget } from '../../src/core/pow/target.js';
import { bytesToHex } from '../../src/core/util/bytes.js';

type Of<T extends MiningMessage['type']> = Extract<MiningMessage, { type: T }>;

/** A client of the relay's cells listener over a raw TCP socket, speaking CellStream. */
export class CellClient {
  readonly stream = new CellStream();
  private readonly inbox: MiningMessage[] = [];
  private waiter: (() => void) | undefined;
  closed = false;
  readonly whenClosed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.inbox.push(...this.stream.decode(new Uint8Array(chunk), Date.now()));
      this.waiter?.();
    });
    socket.on('error', () => undefined);
    this.whenClosed = new Promise((resolve) => socket.once('close', () => {
      this.closed = true;
      this.waiter?.();
      resolve();
    }));
  }

  static async connect(port: number): Promise<CellClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new CellClient(socket);
  }

  send(m: MiningMessage): void {
    this.socket.write(this.stream.encode(m));
  }

  write(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** The next message of `type`, skipping others (e.g. keep-alive jobs while waiting for a result). */
  async next<T extends MiningMessage['type']>(type: T, timeoutMs = 10_000): Promise<Of<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex((m) => m.type === type);
      if (i >= 0) return this.inbox.splice(i, 1)[0] as Of<T>;
      if (this.closed) throw new Error(`connection closed while waiting for ${type}`);
      if (Date.now() > deadline) throw new Error(`no ${type} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/**
 * Mines a share for a cell job with the algorithm's reference hash: the first nonce from
 * `startNonce` whose header hash meets the job's share target (or, with `miss`, fails it).
 */
export function mineCellShare(algorithm: Algorithm, job: MiningJob, extranonce2: Uint8Array, opts: { startNonce?: number; miss?: boolean } = {}): number {
  const { job: sj } = jobToStratum(job);
  const target = BigInt('0x' + bytesToHex(job.shareTarget));
  const en1 = bytesToHex(job.extranonce1);
  const en2 = bytesToHex(extranonce2);
  for (let n = opts.startNonce ?? 0; n < 0x100000000; n++) {
    const hash = algorithm.referenceHash(buildHeader(sj, en1, en2, sj.ntime, nonceToHex(n)));
    if (hashMeetsTarget(hash, target) !== (opts.miss === true)) return n;
  }
  throw new Error('no nonce found');
}
