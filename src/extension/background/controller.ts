import type { Answer, Request, State } from '../messages.js';
import type { Miner } from '../mining/miner.js';
import {
  isRelayEndpoint, withRelay, withoutRelay, type RelayEntry, type Settings,
} from '../store/settings.js';
import type { MiningStatus } from '../store/status.js';
import type { TypedStore } from '../store/typed-store.js';

/** Who sent a request, as the browser reports it (never as the message claims). */
export interface RequestOrigin {
  /** True for the add-on's own pages (popup, options, offscreen). */
  readonly extensionPage: boolean;
  /** The URL of the tab a content script runs in, when the sender is one. */
  readonly pageUrl: string | null;
}

function relayFromEndpoint(endpoint: string): RelayEntry {
  return { endpoint, descriptorUrl: null, name: new URL(endpoint).host, algorithms: ['sha256d'] };
}

/**
 * The background's request handling: validates each request against its sender and the current
 * settings, writes the settings, and tells the miner to apply them. Bad requests change nothing.
 */
export class Controller {
  constructor(
    private readonly settings: TypedStore<Settings>,
    private readonly status: TypedStore<MiningStatus>,
    private readonly miner: Pick<Miner, 'apply'>,
  ) {}

  async state(): Promise<State> {
    return { settings: await this.settings.get(), status: await this.status.get() };
  }

  async handle(req: Request, origin: RequestOrigin): Promise<Answer> {
    try {
      if (req.type === 'addRelayFromPage') {
        if (origin.pageUrl === null) return { ok: false, error: 'addRelayFromPage: only from a relay page' };
        return await this.#change((s) => withRelay(s, this.#relayOfferedBy(origin.pageUrl!, req.endpoint)));
      }
      if (!origin.extensionPage) return { ok: false, error: `${req.type}: not allowed from a web page` };
      switch (req.type) {
        case 'getState':
          return { ok: true, state: await this.state() };
        case 'addRelay':
          if (!isRelayEndpoint(req.input)) return { ok: false, error: 'not a ws:// or wss:// relay endpoint' };
          return await this.#change((s) => withRelay(s, relayFromEndpoint(req.input)));
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
        case 'setBudget':
          if (req.cpuBudget < 1 || req.cpuBudget > 100) return { ok: false, error: 'CPU budget must be 1..100 %' };
          if (req.randomBand < 0 || req.randomBand > 50) return { ok: false, error: 'randomization band must be 0..50 %' };
          return await this.#change((s) => ({ ...s, cpuBudget: req.cpuBudget, randomBand: req.randomBand }));
      }
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  }

  /** A relay page may offer only a relay on its own host (a page cannot point users elsewhere). */
  #relayOfferedBy(pageUrl: string, endpoint: string): RelayEntry {
    if (!isRelayEndpoint(endpoint)) throw new Error('the page offers no valid relay endpoint');
    if (new URL(endpoint).hostname !== new URL(pageUrl).hostname) {
      throw new Error('a page may only offer a relay on its own host');
    }
    return relayFromEndpoint(endpoint);
  }

  async #change(f: (s: Settings) => Settings): Promise<Answer> {
    await this.settings.update(f);
    await this.miner.apply();
    return { ok: true, state: await this.state() };
  }
}
