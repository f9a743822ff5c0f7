import { HEADER_FROM, HEADER_SEQ, HEADER_SIGNATURE, HEADER_TIME, verifyResponse, type ExchangeKey } from './envelope.js';
import type { PartnerConfig } from './config.js';
import type { Ledger } from './ledger.js';
import type { PartnerKeys } from './partner-keys.js';
import { decodeResponse, encodeRequest, type ExchangeRequest, type ExchangeResponse } from './messages.js';
import { EXCHANGE_PATH } from './service.js';

/**
 * The calling side of Protocol 2: pulls a partner's spend log from the persisted cursor (so a
 * relay that was offline resumes where it stopped), then delivers queued PAYMENT_REQUESTs and
 * payment notices. Every step is idempotent, so a lost response just means it is repeated.
 * Requests to one partner are sent one at a time (their sequence numbers must arrive in order).
 * With `partnerKeys`, each round ends by fetching the partner's signed descriptor, which bounds
 * its pinned ticket keys to the days it lists (./partner-keys.ts); the log pull never waits on it.
 */
export class ExchangeError extends Error {
  override readonly name = 'ExchangeError';
}

export interface SyncResult {
  readonly pulled: number;
  readonly applied: number;
  readonly conflicts: number;
  readonly requestsDelivered: number;
  readonly paymentsDelivered: number;
  /** Whether a newer signed descriptor of the partner was taken this round. */
  readonly descriptor: boolean;
}

const PAGE = 500;
/** Pages pulled per sync round at most (a partner answering "more" forever cannot hold us). */
const MAX_PAGES = 200;
const MAX_RESPONSE_BYTES = 1 << 20;

export class ExchangeClient {
  readonly #key: ExchangeKey;
  readonly #ledger: Ledger;
  readonly #now: () => number;
  readonly #nowMs: () => number;
  readonly #busy = new Map<string, Promise<SyncResult>>();
  readonly #partnerKeys: PartnerKeys | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;

  /** `nowMs`: the clock in milliseconds; `now` (unix seconds) defaults to it. */
  constructor(key: ExchangeKey, ledger: Ledger, nowMs: () => number = Date.now, partnerKeys?: PartnerKeys) {
    this.#key = key;
    this.#ledger = ledger;
    this.#partnerKeys = partnerKeys;
    this.#nowMs = nowMs;
    this.#now = () => Math.floor(nowMs() / 1000);
  }

  /** Sends one signed request and checks the partner's signed response. */
  async request(partner: PartnerConfig, m: ExchangeRequest): Promise<ExchangeResponse> {
    const body = encodeRequest(m);
    const auth = this.#key.signRequest(partner.publicKey, this.#ledger.nextOutSeq(partner.publicKey, this.#nowMs()), this.#now(), body);
    const res = await fetch(partner.url + EXCHANGE_PATH, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [HEADER_FROM]: auth.from,
        [HEADER_SEQ]: String(auth.seq),
        [HEADER_TIME]: String(auth.time),
        [HEADER_SIGNATURE]: auth.signature,
      },
      body: Buffer.from(body),
      signal: AbortSignal.timeout(10_000),
    });
    const declared = Number(res.headers.get('content-length') ?? '0');
    if (declared > MAX_RESPONSE_BYTES) throw new ExchangeError(`response too large (${declared} bytes)`);
    const out = new Uint8Array(await res.arrayBuffer());
    if (out.length > MAX_RESPONSE_BYTES) throw new ExchangeError('response too large');
    if (!verifyResponse(res.headers.get(HEADER_SIGNATURE), partner.publicKey, auth.signature, res.status, out)) {
      throw new ExchangeError(`unauthenticated response (HTTP ${res.status})`);
    }
    if (res.status !== 200) throw new ExchangeError(`partner refused ${m.type}: HTTP ${res.status} ${new TextDecoder().decode(out).slice(0, 200)}`);
    return decodeResponse(out);
  }

  /** One full sync with `partner`; concurrent calls for the same partner share one run. */
  syncOnce(partner: PartnerConfig): Promise<SyncResult> {
    const running = this.#busy.get(partner.publicKey);
    if (running !== undefined) return running;
    const run = this.#sync(partner).finally(() => this.#busy.delete(partner.publicKey));
    this.#busy.set(partner.publicKey, run);
    return run;
  }

  async #sync(partner: PartnerConfig): Promise<SyncResult> {
    let pulled = 0;
    let applied = 0;
    let conflicts = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const after = this.#ledger.pullCursor(partner.publicKey);
      const res = await this.request(partner, { type: 'spent_query', after, limit: PAGE });
      if (res.type !== 'spent_records') throw new ExchangeError(`expected spent_records, got ${res.type}`);
      if (res.records.some((r) => r.seq <= after)) throw new ExchangeError('partner returned records at or before the cursor');
      const r = this.#ledger.applyRemote(partner.publicKey, res.records, this.#now());
      pulled += res.records.length;
      applied += r.applied;
      conflicts += r.conflicts;
      if (!res.more || res.records.length === 0) break;
    }
    let requestsDelivered = 0;
    let paymentsDelivered = 0;
    for (const p of this.#ledger.payments(partner.publicKey)) {
      if (p.direction === 'out' && !p.delivered) {
        const ack = await this.request(partner, { type: 'payment_request', id: p.id, issuer: p.issuer, tickets: p.tickets, firstSeq: p.firstSeq, lastSeq: p.lastSeq });
        if (ack.type !== 'ack' || ack.id !== p.id) throw new ExchangeError('payment_request not acknowledged');
        this.#ledger.markDelivered(partner.publicKey, 'out', p.id);
        requestsDelivered++;
      } else if (p.direction === 'in' && p.paidReference !== null && !p.paidDelivered) {
        const ack = await this.request(partner, { type: 'payment', id: p.id, reference: p.paidReference });
        if (ack.type !== 'ack' || ack.id !== p.id) throw new ExchangeError('payment not acknowledged');
        this.#ledger.markPaymentDelivered(partner.publicKey, p.id);
        paymentsDelivered++;
      }
    }
    let descriptor = false;
    if (this.#partnerKeys !== undefined) {
      const res = await this.request(partner, { type: 'descriptor_query' });
      if (res.type !== 'descriptor') throw new ExchangeError(`expected descriptor, got ${res.type}`);
      const taken = this.#partnerKeys.update(partner.publicKey, res.descriptor);
      if (taken === 'refused') throw new ExchangeError("descriptor not signed by the partner's pinned key");
      descriptor = taken === 'taken';
    }
    return { pulled, applied, conflicts, requestsDelivered, paymentsDelivered, descriptor };
  }

  /** Syncs with every partner every `intervalMs`; failures are reported and retried next round. */
  start(intervalMs: number, onError: (partner: PartnerConfig, err: unknown) => void): void {
    if (this.#timer !== undefined) return;
    const round = () => {
      for (const p of this.#ledger.partners) this.syncOnce(p).catch((err: unknown) => onError(p, err));
    };
    this.#timer = setInterval(round, intervalMs);
    this.#timer.unref();
    round();
  }

  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await Promise.allSettled([...this.#busy.values()]);
  }
}
