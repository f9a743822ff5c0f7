import type { Answer, Request, State } from '../messages.js';
import type { Miner } from '../mining/miner.js';
import { descriptorUrlFrom, fetchDescriptor, type FetchLike } from '../relays/descriptor-fetch.js';
import { relayEntry, siteOrigin, withBoost, withoutBoost, withoutRelay, withRelay, type Settings } from '../store/settings.js';
import type { Spends } from '../store/spends.js';
import type { MiningStatus } from '../store/status.js';
import type { TypedStore } from '../store/typed-store.js';
import { pruned, type Wallet } from '../store/wallet.js';
import { summarize } from '../store/wallet-summary.js';

/** Who sent a request, as the browser reports it (never as the message claims). */
export interface RequestOrigin {
  /** True for the add-on's own pages (popup, options). */
  readonly extensionPage: boolean;
  /** The URL of the tab a content script runs in, when the sender is one. */
  readonly pageUrl: string | null;
}

export interface ControllerDeps {
  readonly settings: TypedStore<Settings>;
  readonly status: TypedStore<MiningStatus>;
  readonly wallet: TypedStore<Wallet>;
  readonly miner: Pick<Miner, 'apply'>;
  readonly fetch: FetchLike;
  readonly now: () => number;
  readonly spends: TypedStore<Spends>;
  /** True when the add-on holds host access to this origin (asked for by the page on a click). */
  readonly hasHostAccess: (origin: string) => Promise<boolean>;
  /** Gives host access back and forgets the site's session (its boost was removed). */
  readonly unboosted: (origin: string) => Promise<void>;
}

/**
 * The background's request handling: validates each request against its sender and the current
 * settings, writes the settings, and tells the miner to apply them. Bad requests change nothing.
 */
export class Controller {
  constructor(private readonly deps: ControllerDeps) {}

  async state(): Promise<State> {
    const now = this.deps.now();
    // Reading the wallet is also when expired tickets are pruned (written back only if any were).
    let wallet = await this.deps.wallet.get();
    const kept = pruned(wallet, now);
    if (kept.tickets.length !== wallet.tickets.length || kept.pending.length !== wallet.pending.length) {
      wallet = await this.deps.wallet.update((w) => pruned(w, now));
    }
    const spends = await this.deps.spends.get();
    const spending = {
      log: spends.log,
      sessions: spends.sessions.filter((x) => x.expiresAt > now).map(({ site, className, expiresAt }) => ({ site, className, expiresAt })),
      pending: spends.pending.length,
    };
    return { settings: await this.deps.settings.get(), status: await this.deps.status.get(), wallet: summarize(wallet, now), spending };
  }

  async handle(req: Request, origin: RequestOrigin): Promise<Answer> {
    try {
      if (req.type === 'addRelayFromPage') {
        // A content script can only offer the descriptor of the page it runs on.
        if (origin.pageUrl === null) return { ok: false, error: 'addRelayFromPage: only from a relay descriptor page' };
        return await this.#addRelay(origin.pageUrl);
      }
      if (!origin.extensionPage) return { ok: false, error: `${req.type}: not allowed from a web page` };
      switch (req.type) {
        case 'getState':
          return { ok: true, state: await this.state() };
        case 'addRelay':
          return await this.#addRelay(req.input);
        case 'removeRelay':
          return await this.#change((s) => withoutRelay(s, req.endpoint));
        case 'setActiveRelay':
          return await this.#change((s) => {
            if (!s.relays.some((r) => r.endpoint === req.endpoint)) throw new Error('no such relay');
            return { ...s, activeRelay: req.endpoint };
          });
        case 'setMining':
          return await this.#change((s) => ({ ...s, mining: req.on }));
        case 'setDonation':
          return await this.#change((s) => ({ ...s, donationOnly: req.on }));
        case 'setPriority':
          return await this.#change((s) => ({ ...s, priorityMode: req.on }));
        case 'addBoost': {
          const site = siteOrigin(req.origin);
          if (site === null) return { ok: false, error: 'only http:// and https:// sites can be boosted' };
          if (!(await this.deps.hasHostAccess(site))) return { ok: false, error: `no access to ${site} was granted` };
          return await this.#change((s) => withBoost(s, site));
        }
        case 'removeBoost': {
          const answer = await this.#change((s) => withoutBoost(s, req.origin));
          await this.deps.unboosted(req.origin);
          return answer.ok ? { ok: true, state: await this.state() } : answer;
        }
        case 'setBudget':
          if (req.cpuBudget < 1 || req.cpuBudget > 100) return { ok: false, error: 'CPU budget must be 1..100 %' };
          if (req.randomBand < 0 || req.randomBand > 50) return { ok: false, error: 'randomization band must be 0..50 %' };
          return await this.#change((s) => ({ ...s, cpuBudget: req.cpuBudget, randomBand: req.randomBand }));
      }
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  }

  /** Fetches and verifies the descriptor (pinning the key of a relay already known), then adds it. */
  async #addRelay(input: string): Promise<Answer> {
    const url = descriptorUrlFrom(input);
    const known = (await this.deps.settings.get()).relays.find((r) => r.descriptorUrl === url);
    const descriptor = await fetchDescriptor(this.deps.fetch, url, known?.descriptor.descriptorKey);
    return this.#change((s) => withRelay(s, relayEntry(url, descriptor)));
  }

  async #change(f: (s: Settings) => Settings): Promise<Answer> {
    await this.deps.settings.update(f);
    await this.deps.miner.apply();
    return { ok: true, state: await this.state() };
  }
}
