import { siteOrigin } from './origin.js';

/**
 * Ticket spending at boosted sites, in storage.local under "spends" (version 1).
 *
 * A pending spend is written BEFORE its ticket is sent to the site: after a crash the background
 * presents the same ticket again (the gateway refuses a second spend with ticket_spent, which then
 * means "spent"), and no other spend can take that ticket meanwhile. A live session is what the
 * site's gateway returned for a spent ticket (a bearer credential for that origin only, until
 * expiresAt). The log keeps the last spends and refusals for the UI.
 */
export interface PendingSpend {
  /** The boosted origin the ticket is presented to. */
  readonly site: string;
  /** The challenged URL (on `site`). */
  readonly url: string;
  /** The ticket's text form (as in the wallet). */
  readonly ticket: string;
  /** The relay that issued it (its mining endpoint). */
  readonly relay: string;
  readonly createdAt: number;
}

export interface LiveSession {
  readonly site: string;
  /** The Workpass-Session token (base64url). */
  readonly token: string;
  /** The gateway class it buys (e.g. group4). */
  readonly className: string;
  /** ms since 1970. */
  readonly expiresAt: number;
}

/** One entry of the UI's history: a ticket spent, or a refusal the user may act on. */
export interface SpendRecord {
  readonly site: string;
  readonly relay: string;
  readonly at: number;
  /** 'spent' with the class bought, or the gateway's error code (e.g. unknown_issuer). */
  readonly outcome: 'spent' | 'refused';
  /** The class for 'spent'; the error code for 'refused'. */
  readonly detail: string;
}

export interface Spends {
  readonly version: 1;
  readonly pending: readonly PendingSpend[];
  readonly sessions: readonly LiveSession[];
  readonly log: readonly SpendRecord[];
}

export const SPENDS_KEY = 'spends';
export const MAX_LOG = 20;
const MAX_PENDING = 16;
const MAX_SESSIONS = 64;
const B64URL = /^[A-Za-z0-9_-]{1,4096}$/;
const DETAIL = /^[a-z0-9_-]{1,64}$/i;

export function emptySpends(): Spends {
  return { version: 1, pending: [], sessions: [], log: [] };
}

function isTime(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isSite(v: unknown): v is string {
  return typeof v === 'string' && siteOrigin(v) === v;
}

function isText(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= 2048;
}

function record(raw: unknown): Record<string, unknown> | null {
  return typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : null;
}

export function parsePendingSpend(raw: unknown): PendingSpend | null {
  const p = record(raw);
  if (p === null || !isSite(p.site) || !isText(p.url) || siteOrigin(p.url) !== p.site) return null;
  if (typeof p.ticket !== 'string' || !B64URL.test(p.ticket) || !isText(p.relay) || !isTime(p.createdAt)) return null;
  return { site: p.site, url: p.url, ticket: p.ticket, relay: p.relay, createdAt: p.createdAt };
}

export function parseLiveSession(raw: unknown): LiveSession | null {
  const s = record(raw);
  if (s === null || !isSite(s.site) || typeof s.token !== 'string' || !B64URL.test(s.token)) return null;
  if (typeof s.className !== 'string' || !DETAIL.test(s.className) || !isTime(s.expiresAt)) return null;
  return { site: s.site, token: s.token, className: s.className, expiresAt: s.expiresAt };
}

export function parseSpendRecord(raw: unknown): SpendRecord | null {
  const r = record(raw);
  if (r === null || !isSite(r.site) || !isText(r.relay) || !isTime(r.at)) return null;
  if ((r.outcome !== 'spent' && r.outcome !== 'refused') || typeof r.detail !== 'string' || !DETAIL.test(r.detail)) return null;
  return { site: r.site, relay: r.relay, at: r.at, outcome: r.outcome, detail: r.detail };
}

function list<T>(raw: unknown, max: number, parse: (v: unknown) => T | null): T[] | null {
  if (!Array.isArray(raw)) return null;
  return raw.slice(0, max).map(parse).filter((x): x is T => x !== null);
}

/** Validates the stored value; entries that do not parse are dropped (never the whole value). */
export function parseSpends(raw: unknown): Spends | null {
  const s = record(raw);
  if (s === null || s.version !== 1) return null;
  const pending = list(s.pending, MAX_PENDING, parsePendingSpend);
  const sessions = list(s.sessions, MAX_SESSIONS, parseLiveSession);
  const log = list(s.log, MAX_LOG, parseSpendRecord);
  if (pending === null || sessions === null || log === null) return null;
  return { version: 1, pending, sessions, log };
}

export function withPendingSpend(s: Spends, p: PendingSpend): Spends {
  if (s.pending.length >= MAX_PENDING) throw new RangeError('too many unfinished ticket spends');
  return { ...s, pending: [...s.pending.filter((x) => x.ticket !== p.ticket), p] };
}

export function withoutPendingSpend(s: Spends, ticket: string): Spends {
  return { ...s, pending: s.pending.filter((x) => x.ticket !== ticket) };
}

/** Stores (or replaces, same site) a live session. */
export function withSession(s: Spends, live: LiveSession): Spends {
  const sessions = [...s.sessions.filter((x) => x.site !== live.site), live].slice(-MAX_SESSIONS);
  return { ...s, sessions };
}

export function withoutSession(s: Spends, site: string): Spends {
  return { ...s, sessions: s.sessions.filter((x) => x.site !== site) };
}

/** Adds a history entry, newest last, keeping the last MAX_LOG. */
export function withRecord(s: Spends, r: SpendRecord): Spends {
  return { ...s, log: [...s.log, r].slice(-MAX_LOG) };
}

/** The live session for `site` at `now`, if any. */
export function liveSession(s: Spends, site: string, now: number): LiveSession | undefined {
  return s.sessions.find((x) => x.site === site && x.expiresAt > now);
}

/** Drops expired sessions. */
export function withoutExpired(s: Spends, now: number): Spends {
  return { ...s, sessions: s.sessions.filter((x) => x.expiresAt > now) };
}
