import { parseChallenges, SCHEME } from '../../relay/gateway/auth-scheme.js';

/**
 * What the add-on reads from a gateway's responses (docs/gateway.md, "The WorkpassTicket
 * authentication scheme"). Both parsers take attacker bytes and return null instead of throwing.
 *
 *   WWW-Authenticate: WorkpassTicket issuer="<key id hex>", ticket-type="workpass-v1",
 *                     descriptor="<url>", max-age=<dt>[, error="<code>", error-description="<text>"]
 *   Workpass-Session: <token>; max-age=<seconds>; class=<leaf>
 */
export interface TicketChallenge {
  /** The issuer's ticket key id (64 lower-case hex), as a wallet ticket's keyId. */
  readonly issuer: string;
  readonly descriptor: string | null;
  readonly maxAge: number;
  /** The refusal code when the response refused a credential. */
  readonly error: string | null;
}

export const TICKET_TYPE = 'workpass-v1';
const HEX64 = /^[0-9a-f]{64}$/;
const CODE = /^[a-z_]{1,64}$/;

/** Our scheme's challenges for tickets of type workpass-v1 in one or more WWW-Authenticate values. */
export function ticketChallenges(values: readonly string[]): TicketChallenge[] {
  const out: TicketChallenge[] = [];
  for (const value of values) {
    let parsed: ReturnType<typeof parseChallenges>;
    try {
      parsed = parseChallenges(value);
    } catch {
      continue;
    }
    for (const c of parsed) {
      if (c.scheme.toLowerCase() !== SCHEME.toLowerCase()) continue;
      const issuer = c.params.get('issuer') ?? '';
      const maxAge = Number(c.params.get('max-age'));
      const error = c.params.get('error') ?? null;
      if (!HEX64.test(issuer) || c.params.get('ticket-type') !== TICKET_TYPE) continue;
      if (!Number.isSafeInteger(maxAge) || maxAge <= 0 || (error !== null && !CODE.test(error))) continue;
      out.push({ issuer, descriptor: c.params.get('descriptor') ?? null, maxAge, error });
    }
  }
  return out;
}

export interface SessionGrant {
  readonly token: string;
  readonly maxAge: number;
  readonly className: string;
}

/** Parses a Workpass-Session header value; null when it is not one. */
export function parseSessionGrant(value: string | null): SessionGrant | null {
  if (value === null || value.length > 4096) return null;
  const [token, ...params] = value.split(';').map((p) => p.trim());
  if (token === undefined || !/^[A-Za-z0-9_-]{1,1024}$/.test(token)) return null;
  let maxAge: number | null = null;
  let className: string | null = null;
  for (const p of params) {
    const m = /^([a-z-]+)=([A-Za-z0-9_-]{1,64})$/i.exec(p);
    if (m === null) return null;
    const name = m[1]!.toLowerCase();
    if (name === 'max-age' && /^[0-9]{1,9}$/.test(m[2]!)) maxAge = Number(m[2]);
    else if (name === 'class') className = m[2]!;
  }
  if (maxAge === null || maxAge <= 0 || className === null) return null;
  return { token, maxAge, className };
}
