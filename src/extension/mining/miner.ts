import type { SessionMode } from '../../core/protocol/workpass.js';
import type { TypedStore } from '../store/typed-store.js';
import type { Settings } from '../store/settings.js';
import type { MiningStatus } from '../store/status.js';
import type { Transport } from '../transport/transport.js';
import type { Wallet } from '../store/wallet.js';
import type { Descriptor } from '../../core/protocol/descriptor.js';
import { planPool, uniformFrom } from './budget.js';
import { RelaySession, type SessionEvent } from './relay-session.js';
import { finishPendingIssues } from './ticket-client.js';
import { RpcClient } from '../transport/rpc-client.js';
import type { WorkerHost } from './worker-host.js';
import type { WakeUp } from './wake-alarm.js';

export interface MinerDeps {
  readonly transport: Transport;
  readonly host: WorkerHost;
  readonly settings: TypedStore<Settings>;
  readonly status: TypedStore<MiningStatus>;
  readonly random: (n: number) => Uint8Array;
  /** Logical cores to size the pool for (navigator.hardwareConcurrency; spoofed to 2 in Tor Browser). */
  readonly cores: number;
  readonly now: () => number;
  readonly wallet: TypedStore<Wallet>;
  /** Fetches the relay's descriptor again (its pinned key) and stores it; resolves to the new one. */
  readonly refreshRelay: (endpoint: string) => Promise<Descriptor>;
  /** Reconnect delays: base and cap, in ms. */
  readonly backoffMs?: { readonly base: number; readonly max: number };
  /** Wakes an unloaded background while mining is wanted (the browser's alarm); none in tests that need none. */
  readonly wake?: WakeUp;
}

const HASH_RATE_WINDOW_MS = 5000;

/**
 * What a mining session is started from: the same key means the session that is connecting,
 * running or waiting to reconnect is still the right one. Null when no session is wanted. The
 * descriptor is not part of it: the session refreshes it itself, and that must not restart it.
 */
function sessionKey(s: Settings): string | null {
  if (!s.mining || s.activeRelay === null) return null;
  return JSON.stringify([s.activeRelay, s.cpuBudget, s.randomBand, s.donationOnly]);
}

interface ProgressSample {
  readonly at: number;
  readonly hashes: number;
  readonly busyMs: number;
  readonly wallMs: number;
}

/**
 * Mining lifecycle: reads the settings, keeps one RelaySession to the active relay while mining is
 * on, reconnects with exponential backoff (with jitter) when the connection fails, and mirrors what
 * happens into the status store. All it keeps in memory belongs to the live connection; the
 * settings and counters live in storage, so a background that is unloaded and started again picks
 * up where it was (with a fresh anonymous session).
 */
export class Miner {
  #session: RelaySession | null = null;
  /** The key of the session connecting, running or waiting to reconnect; null when there is none. */
  #key: string | null = null;
  #applies = 0;
  #generation = 0;
  #failures = 0;
  #retry: ReturnType<typeof setTimeout> | null = null;
  #nextOrder: number;
  #window: ProgressSample[] = [];

  constructor(private readonly deps: MinerDeps) {
    // Order ids start at a random point so reports from an earlier life of this background are ignored.
    this.#nextOrder = Math.floor(uniformFrom(deps.random(4)) * 2 ** 40);
    deps.host.onReport = (r) => this.#session?.handleReport(r);
  }

  /**
   * Applies the current settings: starts connecting (without waiting for it), or stops. Idempotent:
   * while the session the settings ask for is connecting, running or waiting to reconnect, it does
   * nothing, so the wake-up alarm (and any setting that does not concern mining) can call it freely.
   */
  async apply(): Promise<void> {
    const call = ++this.#applies;
    const s = await this.deps.settings.get();
    // A later call read the settings after this one: it decides.
    if (call !== this.#applies) return;
    const key = sessionKey(s);
    if (key !== null && key === this.#key) return;
    const gen = ++this.#generation;
    this.#teardown();
    this.#key = key;
    await this.#setWake(key !== null);
    if (gen !== this.#generation) return;
    if (!s.mining) {
      await this.deps.host.release();
      await this.#setStatus({ state: 'idle', error: null, hashRate: 0, cpu: 0 });
      return;
    }
    if (s.activeRelay === null) {
      await this.deps.host.release();
      await this.#setStatus({ state: 'no_relay', error: null, hashRate: 0, cpu: 0, relay: null });
      return;
    }
    // A fault before the connection is tried (storage) is a failed attempt like any other: it is
    // retried, instead of leaving #key set with nothing connecting.
    void this.#connect(gen, s, s.activeRelay).catch(async (e: unknown) => {
      if (gen === this.#generation) await this.#fail(gen, e instanceof Error ? e.message : String(e));
    });
  }

  async stop(): Promise<void> {
    ++this.#generation;
    this.#teardown();
    await this.deps.host.release();
  }

  /** Sets the wake-up alarm on or off; a failure (no alarms API) does not stop mining here. */
  async #setWake(on: boolean): Promise<void> {
    try {
      await this.deps.wake?.set(on);
    } catch {
      // Without the alarm only an unloaded background stops mining; this one mines on.
    }
  }

  #teardown(): void {
    this.#key = null;
    if (this.#retry !== null) clearTimeout(this.#retry);
    this.#retry = null;
    const old = this.#session;
    this.#session = null;
    old?.close();
    this.#window = [];
  }

  async #connect(gen: number, s: Settings, endpoint: string): Promise<void> {
    await this.#setStatus({ state: 'connecting', relay: endpoint, error: null, hashRate: 0 });
    const plan = planPool(this.deps.cores, s.cpuBudget, s.randomBand, uniformFrom(this.deps.random(4)));
    const mode: SessionMode = s.donationOnly ? 'donation' : 'tickets';
    const entry = s.relays.find((r) => r.endpoint === endpoint);
    if (entry === undefined) return;
    let descriptor = entry.descriptor;
    const refreshDescriptor = async () => (descriptor = await this.deps.refreshRelay(endpoint));
    await this.#finishPending(gen, endpoint, () => descriptor, refreshDescriptor);
    if (gen !== this.#generation) return;
    try {
      const session = await RelaySession.open(endpoint, {
        transport: this.deps.transport,
        host: this.deps.host,
        plan,
        mode,
        random: this.deps.random,
        nextOrderId: () => this.#nextOrder++,
        tickets: mode === 'donation' ? null : {
          wallet: this.deps.wallet,
          relay: endpoint,
          descriptor: () => descriptor,
          refreshDescriptor,
          now: this.deps.now,
        },
        onEvent: (e) => {
          if (gen === this.#generation) void this.#event(gen, e);
        },
      });
      if (gen !== this.#generation) {
        session.close();
        return;
      }
      this.#session = session;
      this.#failures = 0;
    } catch (e) {
      if (gen !== this.#generation) return;
      await this.#fail(gen, e instanceof Error ? e.message : String(e));
    }
  }

  /**
   * Finishes ticket issuances a crash or a lost reply left unfinished, on a short connection of its
   * own: the old session's token is not shown on the connection of the new mining session.
   */
  async #finishPending(gen: number, endpoint: string, descriptor: () => Descriptor, refreshDescriptor: () => Promise<Descriptor>): Promise<void> {
    if (!(await this.deps.wallet.get()).pending.some((p) => p.relay === endpoint)) return;
    let rpc: RpcClient | null = null;
    try {
      rpc = new RpcClient(await this.deps.transport.open(endpoint));
      await finishPendingIssues({
        rpc, wallet: this.deps.wallet, relay: endpoint, descriptor, refreshDescriptor, random: this.deps.random, now: this.deps.now,
        onTicket: () => {
          if (gen === this.#generation) void this.#event(gen, { type: 'ticket', relay: endpoint, day: '' });
        },
        onError: (message) => {
          if (gen === this.#generation) void this.#setStatus({ error: message });
        },
      });
    } catch (e) {
      if (gen === this.#generation) await this.#setStatus({ error: `ticket: ${e instanceof Error ? e.message : String(e)}` });
    } finally {
      rpc?.close();
    }
  }

  async #fail(gen: number, message: string): Promise<void> {
    // The retry below must come even if these fail: while #key is set, apply() (and so the wake-up
    // alarm) does nothing, and mining would stay stopped until a mining setting changed.
    await this.deps.host.stop().catch(() => undefined);
    await this.#setStatus({ state: 'error', error: message, hashRate: 0, cpu: 0 }).catch(() => undefined);
    if (gen !== this.#generation) return;
    const { base, max } = this.deps.backoffMs ?? { base: 1000, max: 60_000 };
    const delay = Math.min(max, base * 2 ** Math.min(this.#failures, 16)) * (0.5 + uniformFrom(this.deps.random(4)) / 2);
    this.#failures++;
    this.#retry = setTimeout(() => {
      this.#retry = null;
      if (gen !== this.#generation) return;
      // The failed session is over: apply() starts the one the settings ask for now.
      this.#key = null;
      void this.apply();
    }, delay);
  }

  async #event(gen: number, e: SessionEvent): Promise<void> {
    switch (e.type) {
      case 'ready':
        await this.#setStatus({ state: 'mining', algorithm: e.algorithm, error: null });
        break;
      case 'difficulty':
        await this.#setStatus({ difficulty: e.difficulty });
        break;
      case 'accepted':
        await this.deps.status.update((s) => ({ ...s, accepted: s.accepted + 1, updatedAt: this.#now() }));
        break;
      case 'rejected':
        await this.deps.status.update((s) => ({
          ...s, rejected: s.rejected + 1, error: `share rejected: ${e.message}`, updatedAt: this.#now(),
        }));
        break;
      case 'progress': {
        // Each worker reports about once a second; the window sums them over the last few seconds.
        const now = this.deps.now();
        this.#window.push({ at: now, hashes: e.hashes, busyMs: e.busyMs, wallMs: e.wallMs });
        this.#window = this.#window.filter((w) => now - w.at <= HASH_RATE_WINDOW_MS);
        const sum = (f: (w: ProgressSample) => number) => this.#window.reduce((a, w) => a + f(w), 0);
        const span = Math.max(1000, now - this.#window[0]!.at + 1000);
        await this.deps.status.update((s) => ({
          ...s,
          hashes: s.hashes + e.hashes,
          hashRate: (sum((w) => w.hashes) * 1000) / span,
          cpu: Math.min(1, sum((w) => w.busyMs) / (span * this.deps.cores)),
          updatedAt: this.#now(),
        }));
        break;
      }
      case 'ticket':
        await this.deps.status.update((s) => ({ ...s, tickets: s.tickets + 1, error: null, updatedAt: this.#now() }));
        break;
      case 'failed':
        await this.#setStatus({ error: e.message });
        break;
      case 'closed':
        this.#session = null;
        await this.#fail(gen, `relay connection ${e.reason}`);
        break;
    }
  }

  #now(): number {
    return Math.max(0, Math.floor(this.deps.now()));
  }

  #setStatus(patch: Partial<Omit<MiningStatus, 'version'>>): Promise<MiningStatus> {
    return this.deps.status.update((s) => ({ ...s, ...patch, updatedAt: this.#now() }));
  }
}
