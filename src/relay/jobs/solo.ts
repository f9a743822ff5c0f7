import { randomBytes } from 'node:crypto';
import { bytesToHex, hexToBytes, reverseBytes } from '../../core/util/bytes.js';
import { InputError } from '../../core/util/errors.js';
import { hashMeetsTarget, targetFromNbits } from '../../core/pow/target.js';
import type { CheckedShare, ExtranonceLayout, Job, JobSource, JobSourceStats } from './source.js';

/**
 * Solo mining on the relay's own chain tip (the embedded default: no network). Block templates:
 * a coinbase-only block whose coinbase pays the operator's script, with BIP34's height push; ntime
 * rolls every `rollSeconds` (a new job with the same prevhash, clean_jobs false). A share whose hash
 * meets nBits solves a block: the tip moves to that block and every client gets a clean job.
 */
export interface SoloOptions {
  /** scriptPubKey the coinbase pays, hex (config.ts makes it from solo.payoutScript or solo.payoutAddress). */
  readonly payoutScript: string;
  readonly nbits: number;
  readonly rollSeconds: number;
  /** Coinbase value in satoshi. */
  readonly subsidy: bigint;
  readonly tag: string;
  /** Restores the tip across restarts. */
  readonly loadTip: () => { prevhash: string; height: number } | undefined;
  readonly saveTip: (tip: { prevhash: string; height: number }) => void;
  readonly now?: () => number;
  readonly onBlock?: (hashHex: string, height: number) => void;
}

const EXTRANONCE1_BYTES = 4;
const EXTRANONCE2_BYTES = 4;

function u64le(n: bigint): string {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, n, true);
  return bytesToHex(b);
}
function varint(n: number): string {
  if (n < 0xfd) return n.toString(16).padStart(2, '0');
  return 'fd' + bytesToHex(new Uint8Array([n & 0xff, n >> 8]));
}
/** BIP34: the height as a minimal little-endian script number push. */
function heightPush(height: number): string {
  const bytes: number[] = [];
  let h = height;
  while (h > 0) {
    bytes.push(h & 0xff);
    h >>= 8;
  }
  if (bytes.length === 0 || (bytes[bytes.length - 1]! & 0x80) !== 0) bytes.push(0);
  return bytesToHex(new Uint8Array([bytes.length, ...bytes]));
}
/** Header bytes (internal order) -> Stratum's prevhash hex: each 4-byte word byte-swapped. */
function toStratumPrevhash(headerBytes: Uint8Array): string {
  const b = headerBytes.slice();
  for (let w = 0; w < 32; w += 4) b.subarray(w, w + 4).reverse();
  return bytesToHex(b);
}

export class SoloSource implements JobSource {
  readonly kind = 'solo' as const;
  private readonly now: () => number;
  private readonly epoch = randomBytes(3).toString('hex');
  private seq = 0;
  private tip: { prevhash: string; height: number };
  private job: Job | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly jobListeners: Array<(job: Job, clean: boolean) => void> = [];
  private readonly target: bigint;
  private blocks = 0;
  private accepted = 0;

  constructor(private readonly opts: SoloOptions) {
    this.now = opts.now ?? Date.now;
    this.target = targetFromNbits(opts.nbits);
    const script = hexToBytes('payoutScript', opts.payoutScript);
    // An empty script would let anyone take the coinbase; above MAX_SCRIPT_SIZE (10,000 bytes) none can.
    if (script.length === 0 || script.length > 10_000) throw new InputError('payoutScript', `expected 1..10000 bytes, got ${script.length}`);
    this.tip = opts.loadTip() ?? { prevhash: toStratumPrevhash(randomBytes(32)), height: 1 };
  }

  async start(): Promise<void> {
    this.emit(true);
    this.timer = setInterval(() => this.emit(false), this.opts.rollSeconds * 1000);
    this.timer.unref();
  }

  current(): Job | undefined {
    return this.job;
  }

  layout(): ExtranonceLayout {
    return { prefix: '', sliceBytes: EXTRANONCE1_BYTES, extranonce2Size: EXTRANONCE2_BYTES };
  }

  onJob(listener: (job: Job, clean: boolean) => void): void {
    this.jobListeners.push(listener);
  }

  onLayoutChange(): void {
    // The solo layout never changes.
  }

  offer(share: CheckedShare): void {
    this.accepted++;
    if (share.job.prevhash !== this.tip.prevhash || !hashMeetsTarget(share.hash, this.target)) return;
    this.blocks++;
    const blockHash = reverseBytes(share.hash);
    this.opts.onBlock?.(bytesToHex(blockHash), this.tip.height);
    this.tip = { prevhash: toStratumPrevhash(share.hash), height: this.tip.height + 1 };
    this.opts.saveTip(this.tip);
    this.emit(true);
  }

  stats(): JobSourceStats {
    return { kind: 'solo', state: 'ready', accepted: this.accepted, rejected: 0, forwarded: 0, blocks: this.blocks, poolDifficulty: null };
  }

  async close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
  }

  private emit(clean: boolean): void {
    const ntimeValue = Math.floor(this.now() / 1000);
    const tagHex = Buffer.from(this.opts.tag, 'utf8').toString('hex');
    const extranonceBytes = EXTRANONCE1_BYTES + EXTRANONCE2_BYTES;
    const height = heightPush(this.tip.height);
    // scriptSig = height push ‖ push(extranonce1 ‖ extranonce2) ‖ push(tag)
    const scriptLength = height.length / 2 + 1 + extranonceBytes + 1 + tagHex.length / 2;
    const coinb1 = '01000000' + '01' + '00'.repeat(32) + 'ffffffff' + varint(scriptLength) + height + varint(extranonceBytes);
    const script = this.opts.payoutScript;
    const coinb2 = varint(tagHex.length / 2) + tagHex + 'ffffffff' + '01' + u64le(this.opts.subsidy) + varint(script.length / 2) + script + '00000000';
    this.job = {
      jobId: `${this.epoch}${(this.seq++).toString(16)}`,
      prevhash: this.tip.prevhash,
      coinb1,
      coinb2,
      merkleBranches: [],
      version: '20000000',
      nbits: this.opts.nbits.toString(16).padStart(8, '0'),
      ntime: ntimeValue.toString(16).padStart(8, '0'),
      cleanJobs: clean,
      ntimeValue,
      createdAt: this.now(),
    };
    for (const l of this.jobListeners) l(this.job, clean);
  }
}
