import { formatCredentials } from '../../relay/gateway/auth-scheme.js';
import type { FetchLike } from '../relays/descriptor-fetch.js';
import { siteOrigin, type Settings } from '../store/settings.js';
import {
  liveSession, withoutExpired, withoutPendingSpend, withoutSession, withPendingSpend, withRecord, withSession,
  type LiveSession, type PendingSpend, type Spends,
} from '../store/spends.js';
import type { TypedStore } from '../store/typed-store.js';
import { withoutTicket, type StoredTicket, type Wallet } from '../store/wallet.js';
import { parseSessionGrant, ticketChallenges } from './challenge.js';

/** A response the browser saw (webRequest.onHeadersReceived), reduced to what the spender reads. */
export interface ObservedResponse {
  readonly url: string;
  readonly method: string;
  /** The tab it belongs to; negative for requests outside tabs (the add-on's own). */
  readonly tabId: number;
  readonly headers: readonly { readonly name: string; readonly value?: string }[];
}

/** The browser's per-origin header rules (declarativeNetRequest session rules in the add-on). */
export interface SessionRules {
  /** Makes the rules exactly "send this session's credential to this origin", one per session. */
  replace(sessions: readonly LiveSession[]): Promise<void>;
}

export interface SpenderDeps {
  readonly settings: TypedStore<Settings>;
  readonly wallet: TypedStore<Wallet>;
  readonly spends: TypedStore<Spends>;
  readonly fetch: FetchLike;
  readonly rules: SessionRules;
  readonly reloadTab: (tabId: number) => Promise<void>;
  /** Asks to be called (sweep) at this time, ms since 1970: the earliest session expiry. */
  readonly wakeAt: (at: number) => void;
  readonly now: () => number;
}

export type ResponseOutcome =
  | 'ignored' | 'no-challenge' | 'session-live' | 'no-ticket' | 'spent' | 'session-lost' | 'refused' | 'unreachable';

/** Codes after which the ticket can never be spent (dropped from the wallet). */
const UNUSABLE = new Set(['ticket_spent', 'invalid_ticket', 'ticket_expired']);
const SESSION_REFUSED = new Set(['session_expired', 'invalid_session']);

/**
 * Spends tickets at boosted sites, in the background only (issue 6 item 5). A challenge is acted on
 * only when priority mode is on and the response's origin is boosted; the ticket goes to exactly
 * that origin. Work is serialized, so concurrent challenges from one page spend one ticket.
 */
export class Spender {
  #queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: SpenderDeps) {}

  /** Acts on one observed response (never throws; errors become outcomes). */
  onResponse(r: ObservedResponse): Promise<ResponseOutcome> {
    return this.#serial(() => this.#onResponse(r));
  }

  /** Start-up: finishes pending spends, drops expired sessions, restores the header rules. */
  recover(): Promise<void> {
    return this.#serial(async () => {
      const { pending } = await this.deps.spends.get();
      const settings = await this.deps.settings.get();
      for (const p of pending) {
        // A site no longer boosted gets nothing more; the ticket stays (spent or not, the next
        // spend will learn which from the gateway).
        if (settings.boostedSites.includes(p.site)) await this.#present(p, true);
        else await this.deps.spends.update((s) => withoutPendingSpend(s, p.ticket));
      }
      await this.#syncRules();
    });
  }

  /** Drops expired sessions and their rules. */
  sweep(): Promise<void> {
    return this.#serial(() => this.#syncRules());
  }

  /** Forgets a site's session (its boost was removed). */
  forget(site: string): Promise<void> {
    return this.#serial(async () => {
      await this.deps.spends.update((s) => withoutSession(s, site));
      await this.#syncRules();
    });
  }

  #serial<T>(f: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(f);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #onResponse(r: ObservedResponse): Promise<ResponseOutcome> {
    const site = siteOrigin(r.url);
    if (site === null || r.tabId < 0) return 'ignored';
    const settings = await this.deps.settings.get();
    if (!settings.priorityMode || !settings.boostedSites.includes(site)) return 'ignored';
    const values = r.headers.filter((h) => h.name.toLowerCase() === 'www-authenticate' && h.value !== undefined).map((h) => h.value!);
    const challenges = ticketChallenges(values);
    if (challenges.length === 0) return 'no-challenge';
    const now = this.deps.now();
    const sessionRefused = challenges.some((c) => c.error !== null && SESSION_REFUSED.has(c.error));
    if (sessionRefused) {
      // Its rule goes first: it would overwrite the Authorization of the ticket about to be sent.
      await this.deps.spends.update((s) => withoutSession(s, site));
      await this.#syncRules();
    }
    const spends = await this.deps.spends.get();
    if (liveSession(spends, site, now) !== undefined) {
      await this.#syncRules();
      return 'session-live';
    }
    if (r.method !== 'GET') return 'ignored';
    // An unfinished spend for this site is finished first, with its own ticket.
    const unfinished = spends.pending.find((p) => p.site === site);
    let outcome: ResponseOutcome;
    if (unfinished !== undefined) outcome = await this.#present(unfinished, true);
    else {
      const ticket = this.#pick(await this.deps.wallet.get(), spends, new Set(challenges.map((c) => c.issuer)), now);
      if (ticket === undefined) {
        // The tab got a 401 for its expired session; without that rule a reload is served free.
        if (sessionRefused) await this.deps.reloadTab(r.tabId).catch(() => undefined);
        return 'no-ticket';
      }
      const p: PendingSpend = { site, url: r.url, ticket: ticket.text, relay: ticket.relay, createdAt: now };
      // Recorded before the ticket leaves the add-on: a crash from here on is resolved at start-up.
      await this.deps.spends.update((s) => withPendingSpend(s, p));
      outcome = await this.#present(p, false);
    }
    if (outcome === 'spent') await this.deps.reloadTab(r.tabId).catch(() => undefined);
    return outcome;
  }

  /** The soonest-expiring spendable ticket of one of the named issuers, not already being spent. */
  #pick(wallet: Wallet, spends: Spends, issuers: ReadonlySet<string>, now: number): StoredTicket | undefined {
    const busy = new Set(spends.pending.map((p) => p.ticket));
    return wallet.tickets
      .filter((t) => issuers.has(t.keyId) && t.expiresAt > now && !busy.has(t.text))
      .sort((a, b) => a.expiresAt - b.expiresAt)[0];
  }

  /** Presents a pending spend's ticket to its site and settles the outcome in storage. */
  async #present(p: PendingSpend, retry: boolean): Promise<ResponseOutcome> {
    if (siteOrigin(p.url) !== p.site) throw new Error('a pending spend for another origin');
    let res: Response;
    try {
      res = await this.deps.fetch(p.url, {
        method: 'GET',
        headers: { Authorization: formatCredentials({ kind: 'ticket', token: p.ticket }) },
        credentials: 'omit', cache: 'no-store', redirect: 'manual', referrerPolicy: 'no-referrer',
      });
    } catch {
      return 'unreachable';
    }
    const now = this.deps.now();
    const grant = parseSessionGrant(res.headers.get('workpass-session'));
    void res.body?.cancel().catch(() => undefined);
    if (res.status !== 401 && grant !== null) {
      await this.deps.wallet.update((w) => withoutTicket(w, p.ticket));
      await this.deps.spends.update((s) => withRecord(
        withSession(withoutPendingSpend(s, p.ticket), { site: p.site, token: grant.token, className: grant.className, expiresAt: now + grant.maxAge * 1000 }),
        { site: p.site, relay: p.relay, at: now, outcome: 'spent', detail: grant.className },
      ));
      await this.#syncRules();
      return 'spent';
    }
    const error = res.status === 401
      ? (ticketChallenges(res.headers.get('www-authenticate') === null ? [] : [res.headers.get('www-authenticate')!]).find((c) => c.error !== null)?.error ?? 'refused')
      : `http_${res.status}`;
    // A retry refused as already spent is our own earlier spend whose answer was lost.
    const spentBefore = retry && error === 'ticket_spent';
    if (UNUSABLE.has(error)) await this.deps.wallet.update((w) => withoutTicket(w, p.ticket));
    await this.deps.spends.update((s) => withRecord(withoutPendingSpend(s, p.ticket), {
      site: p.site, relay: p.relay, at: now, outcome: spentBefore ? 'spent' : 'refused', detail: spentBefore ? 'session_lost' : error,
    }));
    return spentBefore ? 'session-lost' : 'refused';
  }

  async #syncRules(): Promise<void> {
    const now = this.deps.now();
    let s = await this.deps.spends.get();
    if (s.sessions.some((x) => x.expiresAt <= now)) s = await this.deps.spends.update((x) => withoutExpired(x, now));
    await this.deps.rules.replace(s.sessions);
    if (s.sessions.length > 0) this.deps.wakeAt(Math.min(...s.sessions.map((x) => x.expiresAt)));
  }
}
