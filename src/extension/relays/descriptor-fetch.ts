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

/**
 * Fetches and verifies a relay descriptor: no cookies or credentials are sent, redirects are refused
 * (the descriptor must come from where the user pointed), the size is capped, the signature must
 * verify, and, when the relay is already known, its descriptor key must not have changed.
 */
export async function fetchDescriptor(fetchFn: FetchLike, url: string, pinnedKey?: string): Promise<Descriptor> {
  let res: Response;
  try {
    res = await fetchFn(url, { credentials: 'omit', cache: 'no-store', redirect: 'error', referrerPolicy: 'no-referrer' });
  } catch (e) {
    throw new DescriptorError('unreachable', `relay unreachable: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!res.ok) throw new DescriptorError('unreachable', `relay answered HTTP ${res.status}`);
  const text = await res.text();
  if (text.length > MAX_DESCRIPTOR_BYTES) throw new DescriptorError('malformed', 'descriptor too large');
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
