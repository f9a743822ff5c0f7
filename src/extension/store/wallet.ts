import { parseDay } from '../../core/tickets/day.js';
import { ticketFromText } from '../../core/tickets/ticket.js';
import { bytesToHex } from '../../core/util/bytes.js';

/**
 * The ticket wallet, in storage.local under "wallet" (version 1). Tickets are stored only after
 * they verified. A pending issuance holds what is needed to finish a blind signature after a crash
 * or a dropped connection: it is written BEFORE the challenge e is sent, and the relay answers a
 * repeated ticket.sign with the same (sid, e) with the same response, so a ticket paid for is never
 * lost. Pending entries are dropped when finished, refused, or too old to finish.
 */
export interface StoredTicket {
  /** The relay that issued it (its mining endpoint, the relay list's key). */
  readonly relay: string;
  /** The ticket's text form (base64url of its 229-byte encoding). */
  readonly text: string;
  readonly day: string;
  readonly keyId: string;
  /** When it stops being spendable (end of its day + the relay's grace), ms since 1970. */
  readonly expiresAt: number;
}

export interface PendingIssue {
  readonly relay: string;
  /** The session token the credit belongs to (a bearer secret of that session only). */
  readonly token: string;
  readonly sid: string;
  readonly keyId: string;
  readonly day: string;
  /** The ticket secret x (base64url, 32 bytes). */
  readonly x: string;
  /** The challenge e sent (base64url, 32 bytes) and the blinding scalars t1..t4 (base64url each). */
  readonly e: string;
  readonly t: readonly [string, string, string, string];
  readonly createdAt: number;
}

export interface Wallet {
  readonly version: 1;
  readonly tickets: readonly StoredTicket[];
  readonly pending: readonly PendingIssue[];
}

export const WALLET_KEY = 'wallet';
export const MAX_TICKETS = 10_000;
export const MAX_PENDING = 16;
/** A pending issuance older than this cannot be finished (the relay keeps answers for 7 days). */
export const PENDING_MAX_AGE_MS = 6 * 86_400_000;

const B64URL = /^[A-Za-z0-9_-]+$/;
const HEX64 = /^[0-9a-f]{64}$/;
/** Signing-session ids as relays send them (base64url or hex). */
const SID = /^[A-Za-z0-9_-]{16,64}$/;

export function emptyWallet(): Wallet {
  return { version: 1, tickets: [], pending: [] };
}

function b64(v: unknown, chars: number): v is string {
  return typeof v === 'string' && v.length === chars && B64URL.test(v);
}

function isDay(v: unknown): v is string {
  try {
    parseDay('day', v);
    return true;
  } catch {
    return false;
  }
}

function isTime(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isText(v: unknown, max = 2048): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= max;
}

export function parseStoredTicket(raw: unknown): StoredTicket | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const t = raw as Record<string, unknown>;
  if (!isText(t.relay) || typeof t.text !== 'string' || !isTime(t.expiresAt)) return null;
  try {
    const ticket = ticketFromText(t.text);
    if (t.day !== ticket.day || t.keyId !== bytesToHex(ticket.keyId)) return null;
  } catch {
    return null;
  }
  return { relay: t.relay, text: t.text, day: t.day as string, keyId: t.keyId as string, expiresAt: t.expiresAt };
}

export function parsePendingIssue(raw: unknown): PendingIssue | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const p = raw as Record<string, unknown>;
  if (!isText(p.relay) || !b64(p.token, 22) || typeof p.sid !== 'string' || !SID.test(p.sid) || typeof p.keyId !== 'string' || !HEX64.test(p.keyId)) return null;
  if (!isDay(p.day) || !b64(p.x, 43) || !b64(p.e, 43) || !isTime(p.createdAt)) return null;
  if (!Array.isArray(p.t) || p.t.length !== 4 || !p.t.every((v) => b64(v, 43))) return null;
  return {
    relay: p.relay, token: p.token, sid: p.sid, keyId: p.keyId, day: p.day, x: p.x, e: p.e,
    t: [p.t[0], p.t[1], p.t[2], p.t[3]] as [string, string, string, string], createdAt: p.createdAt,
  };
}

/** Validates a stored wallet; entries that do not parse are dropped (never the whole wallet). */
export function parseWallet(raw: unknown): Wallet | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const w = raw as Record<string, unknown>;
  if (w.version !== 1 || !Array.isArray(w.tickets) || !Array.isArray(w.pending)) return null;
  const tickets = w.tickets.slice(0, MAX_TICKETS).map(parseStoredTicket).filter((t): t is StoredTicket => t !== null);
  const pending = w.pending.slice(0, MAX_PENDING).map(parsePendingIssue).filter((p): p is PendingIssue => p !== null);
  return { version: 1, tickets, pending };
}

/** Records a pending issuance (before its challenge is sent). */
export function withPending(w: Wallet, p: PendingIssue): Wallet {
  if (w.pending.length >= MAX_PENDING) throw new RangeError('too many unfinished ticket issuances');
  return { ...w, pending: [...w.pending.filter((x) => x.sid !== p.sid), p] };
}

/** Stores a verified ticket and drops its pending entry, in one write. */
export function withTicket(w: Wallet, t: StoredTicket, sid: string): Wallet {
  if (w.tickets.some((x) => x.text === t.text)) return { ...w, pending: w.pending.filter((p) => p.sid !== sid) };
  if (w.tickets.length >= MAX_TICKETS) throw new RangeError('the wallet is full');
  return { ...w, tickets: [...w.tickets, t], pending: w.pending.filter((p) => p.sid !== sid) };
}

export function withoutPending(w: Wallet, sid: string): Wallet {
  return { ...w, pending: w.pending.filter((p) => p.sid !== sid) };
}

/** Drops expired tickets and pending issuances too old to finish. */
export function pruned(w: Wallet, now: number): Wallet {
  return {
    ...w,
    tickets: w.tickets.filter((t) => t.expiresAt > now),
    pending: w.pending.filter((p) => now - p.createdAt < PENDING_MAX_AGE_MS),
  };
}

/** Removes a ticket (spent, or refused as unusable). */
export function withoutTicket(w: Wallet, text: string): Wallet {
  return { ...w, tickets: w.tickets.filter((t) => t.text !== text) };
}
