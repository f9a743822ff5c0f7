import { decodeDescriptor, verifyDescriptor, type Descriptor } from '../../core/protocol/descriptor.js';
import { siteOrigin } from './origin.js';

export { siteOrigin };

/**
 * The user's settings, kept in storage.local under "settings" (version 1). Written only by the
 * background; pages and content scripts ask it through messages.
 */
export interface RelayEntry {
  /** The relay's mining endpoint (the descriptor's endpoints.ws). Also the relay's key in the list. */
  readonly endpoint: string;
  /** Where the descriptor was fetched from. */
  readonly descriptorUrl: string;
  /** A label for the UI (the descriptor's name). */
  readonly name: string;
  /** The signed descriptor as fetched; its key is pinned for later refreshes. */
  readonly descriptor: Descriptor;
}

/** The list entry for a verified descriptor fetched from `descriptorUrl`. */
export function relayEntry(descriptorUrl: string, descriptor: Descriptor): RelayEntry {
  return { endpoint: descriptor.endpoints.ws, descriptorUrl, name: descriptor.name, descriptor };
}

export interface Settings {
  readonly version: 1;
  readonly relays: readonly RelayEntry[];
  /** The endpoint of the relay mined for, or null. */
  readonly activeRelay: string | null;
  readonly mining: boolean;
  readonly donationOnly: boolean;
  /** Share of the machine's CPU to use, in percent (1..100). */
  readonly cpuBudget: number;
  /** Hash-rate randomization band, ± percent of the budget (0..50), re-drawn per session. */
  readonly randomBand: number;
  /** Spend tickets at boosted sites that ask for them (off: never spend). */
  readonly priorityMode: boolean;
  /** Origins ("http://host:port", "https://host") the user boosted; the only places tickets go. */
  readonly boostedSites: readonly string[];
}

export const SETTINGS_KEY = 'settings';

export function defaultSettings(): Settings {
  return { version: 1, relays: [], activeRelay: null, mining: true, donationOnly: false, cpuBudget: 25, randomBand: 10, priorityMode: false, boostedSites: [] };
}

const MAX_RELAYS = 32;
export const MAX_BOOSTED = 64;
const MAX_TEXT = 2048;

function isText(v: unknown, max = MAX_TEXT): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= max;
}

/** True for a ws:// or wss:// URL without credentials. */
export function isRelayEndpoint(v: unknown): v is string {
  if (!isText(v)) return false;
  try {
    const u = new URL(v);
    return (u.protocol === 'ws:' || u.protocol === 'wss:') && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

/** True for an http:// or https:// URL without credentials. */
export function isHttpUrl(v: unknown): v is string {
  if (!isText(v)) return false;
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

function isIntIn(v: unknown, lo: number, hi: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
}

/** A stored relay entry; its descriptor must still verify and agree with the entry. */
export function parseRelayEntry(raw: unknown): RelayEntry | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  if (!isHttpUrl(r.descriptorUrl) || !verifyDescriptor(r.descriptor)) return null;
  const descriptor = decodeDescriptor(r.descriptor);
  const entry = relayEntry(r.descriptorUrl, descriptor);
  if (r.endpoint !== entry.endpoint || r.name !== entry.name || !isRelayEndpoint(entry.endpoint)) return null;
  return entry;
}

/** Validates a stored settings object; null when it is not version-1 settings. */
export function parseSettings(raw: unknown): Settings | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const s = raw as Record<string, unknown>;
  if (s.version !== 1 || !Array.isArray(s.relays) || s.relays.length > MAX_RELAYS) return null;
  const relays: RelayEntry[] = [];
  for (const r of s.relays) {
    const entry = parseRelayEntry(r);
    if (entry === null) return null;
    if (relays.some((x) => x.endpoint === entry.endpoint)) return null;
    relays.push(entry);
  }
  const activeRelay = s.activeRelay;
  if (activeRelay !== null && !relays.some((r) => r.endpoint === activeRelay)) return null;
  if (typeof s.mining !== 'boolean' || typeof s.donationOnly !== 'boolean') return null;
  if (!isIntIn(s.cpuBudget, 1, 100) || !isIntIn(s.randomBand, 0, 50)) return null;
  // Settings written before priority mode existed have neither field: off, nothing boosted.
  const priorityMode = s.priorityMode ?? false;
  const boosted = s.boostedSites ?? [];
  if (typeof priorityMode !== 'boolean' || !Array.isArray(boosted) || boosted.length > MAX_BOOSTED) return null;
  const boostedSites: string[] = [];
  for (const b of boosted) {
    if (siteOrigin(b) !== b || boostedSites.includes(b)) return null;
    boostedSites.push(b);
  }
  return {
    version: 1, relays, activeRelay: activeRelay as string | null, mining: s.mining, donationOnly: s.donationOnly,
    cpuBudget: s.cpuBudget, randomBand: s.randomBand, priorityMode, boostedSites,
  };
}

/** Adds (or replaces, same endpoint) a relay and makes it active when none is. */
export function withRelay(s: Settings, relay: RelayEntry): Settings {
  if (s.relays.length >= MAX_RELAYS && !s.relays.some((r) => r.endpoint === relay.endpoint)) {
    throw new RangeError(`at most ${MAX_RELAYS} relays`);
  }
  const relays = [...s.relays.filter((r) => r.endpoint !== relay.endpoint), relay];
  return { ...s, relays, activeRelay: s.activeRelay ?? relay.endpoint };
}

export function withoutRelay(s: Settings, endpoint: string): Settings {
  const relays = s.relays.filter((r) => r.endpoint !== endpoint);
  const activeRelay = s.activeRelay === endpoint ? (relays[0]?.endpoint ?? null) : s.activeRelay;
  return { ...s, relays, activeRelay };
}

/** Boosts an origin (idempotent). */
export function withBoost(s: Settings, origin: string): Settings {
  if (siteOrigin(origin) !== origin) throw new RangeError('not a site origin (http:// or https://)');
  if (s.boostedSites.includes(origin)) return s;
  if (s.boostedSites.length >= MAX_BOOSTED) throw new RangeError(`at most ${MAX_BOOSTED} boosted sites`);
  return { ...s, boostedSites: [...s.boostedSites, origin] };
}

export function withoutBoost(s: Settings, origin: string): Settings {
  return { ...s, boostedSites: s.boostedSites.filter((o) => o !== origin) };
}
