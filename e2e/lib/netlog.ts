import { readFileSync } from 'node:fs';

export interface NetLogRequest {
  readonly url: string;
  /** The origin that started the request ("not an origin" for the browser's own requests). */
  readonly initiator: string;
}

/**
 * Every URL request in a Chromium NetLog file (written with --log-net-log; complete once the browser
 * has closed): the URL_REQUEST_START_JOB events, which carry the URL and the initiating origin.
 * WebSocket handshakes are URL requests too.
 */
export function netLogRequests(path: string): NetLogRequest[] {
  const text = readFileSync(path, 'utf8');
  // A NetLog cut short (browser killed) lacks the closing brackets; the events so far still parse.
  const json = JSON.parse(text.trimEnd().endsWith('}') ? text : text.replace(/,?\s*$/, ']}')) as {
    constants: { logEventTypes: Record<string, number> };
    events?: { type: number; params?: Record<string, unknown> }[];
  };
  const startJob = json.constants.logEventTypes['URL_REQUEST_START_JOB'];
  const out: NetLogRequest[] = [];
  for (const e of json.events ?? []) {
    if (e.type !== startJob) continue;
    const url = e.params?.['url'];
    const initiator = e.params?.['initiator'];
    if (typeof url === 'string') out.push({ url, initiator: typeof initiator === 'string' ? initiator : '' });
  }
  return out;
}
