/**
 * The origin of an http(s) URL or origin text without credentials, serialized as the URL standard
 * does ("https://example.onion", "http://127.0.0.1:8080"); null for anything else. A boosted site
 * is kept as this origin, and tickets and sessions go to it only.
 */
export function siteOrigin(v: unknown): string | null {
  if (typeof v !== 'string' || v.length === 0 || v.length > 2048) return null;
  try {
    const u = new URL(v);
    if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.username !== '' || u.password !== '') return null;
    return u.origin;
  } catch {
    return null;
  }
}

/**
 * The host-access pattern asked for to boost `origin`: its scheme and host ("http://h/*"). Match
 * patterns carry no port in Firefox, so access covers the host's ports; the spender still acts on
 * the exact boosted origin only.
 */
export function hostPattern(origin: string): string {
  const u = new URL(origin);
  return `${u.protocol}//${u.hostname}/*`;
}

