import { decodeDescriptor, DESCRIPTOR_PATH, verifyDescriptor, type Descriptor } from '../../core/protocol/descriptor.js';

/** Why a relay could not be added; `kind` is what the UI shows the user to act on. */
export class DescriptorError extends Error {
  override readonly name = 'DescriptorError';
  constructor(readonly kind: 'bad_url' | 'unreachable' | 'malformed' | 'bad_signature' | 'key_changed', message: string) {
    super(message);
  }
}

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

const MAX_DESCRIPTOR_BYTES = 64 * 1024;
/** A fetch over a fresh onion circuit takes seconds; one that has not answered in a minute never will. */
export const DESCRIPTOR_TIMEOUT_MS = 60_000;

/**
 * A relay's descriptor URL from what the user typed: an http(s) URL whose path is the descriptor
 * path, or a bare relay origin (the descriptor path is appended). No credentials, no fragment.
 */
export function descriptorUrlFrom(input: string): string {
  let u: URL;
  try {
    u = new URL(input);
  } catch {
    throw new DescriptorError('bad_url', 'not a URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new DescriptorError('bad_url', 'the descriptor URL must be http:// or https://');
  if (u.username !== '' || u.password !== '') throw new DescriptorError('bad_url', 'the descriptor URL must not carry credentials');
  if (u.pathname === '/' || u.pathname === '') u.pathname = DESCRIPTOR_PATH;
  if (u.pathname !== DESCRIPTOR_PATH) throw new DescriptorError('bad_url', `the descriptor URL must end in ${DESCRIPTOR_PATH}`);
  u.hash = '';
  u.search = '';
  return u.href;
}

/** The body as text, reading no more than `max` bytes (a hostile relay may send an endless one). */
async function readCapped(res: Response, max: number): Promise<string | null> {
  if (res.body === null) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(all);
}

/**
 * Fetches and verifies a relay descriptor: no cookies or credentials are sent, redirects are refused
 * (the descriptor must come from where the user pointed), the size is capped while reading, the
 * whole fetch is bounded in time (a relay that never answers must not leave the add-on connecting
 * forever), the signature must verify, and, when the relay is already known, its descriptor key must
 * not have changed.
 */
export async function fetchDescriptor(fetchFn: FetchLike, url: string, pinnedKey?: string, timeoutMs = DESCRIPTOR_TIMEOUT_MS): Promise<Descriptor> {
  const signal = AbortSignal.timeout(timeoutMs);
  let res: Response;
  let text: string | null;
  try {
    res = await fetchFn(url, { credentials: 'omit', cache: 'no-store', redirect: 'error', referrerPolicy: 'no-referrer', signal });
    if (!res.ok) throw new DescriptorError('unreachable', `relay answered HTTP ${res.status}`);
    text = await readCapped(res, MAX_DESCRIPTOR_BYTES);
  } catch (e) {
    if (e instanceof DescriptorError) throw e;
    const why = signal.aborted ? `no answer within ${Math.round(timeoutMs / 1000)} s` : e instanceof Error ? e.message : String(e);
    throw new DescriptorError('unreachable', `relay unreachable: ${why}`);
  }
  if (text === null) throw new DescriptorError('malformed', 'descriptor too large');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new DescriptorError('malformed', 'descriptor is not JSON');
  }
  let d: Descriptor;
  try {
    d = decodeDescriptor(doc);
  } catch (e) {
    throw new DescriptorError('malformed', `descriptor malformed: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!verifyDescriptor(doc)) throw new DescriptorError('bad_signature', 'descriptor signature bad');
  if (pinnedKey !== undefined && d.descriptorKey !== pinnedKey) {
    throw new DescriptorError('key_changed', 'the relay\'s descriptor key changed since it was added');
  }
  return d;
}
