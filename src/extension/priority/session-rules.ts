import type { DeclarativeNetRequest } from 'webextension-polyfill';
import { formatCredentials } from '../../relay/gateway/auth-scheme.js';
import type { LiveSession } from '../store/spends.js';
import type { SessionRules } from './spender.js';

/** The slice of declarativeNetRequest the rules use (tests pass a fake). */
export interface DnrLike {
  getSessionRules(): Promise<{ id: number }[]>;
  updateSessionRules(options: { removeRuleIds?: number[]; addRules?: DeclarativeNetRequest.Rule[] }): Promise<void>;
}

const RESOURCE_TYPES: DeclarativeNetRequest.ResourceType[] = [
  'main_frame', 'sub_frame', 'stylesheet', 'script', 'image', 'font', 'object', 'xmlhttprequest', 'ping', 'media', 'websocket', 'other',
];

/**
 * One session rule per live session: every request to exactly that origin (the urlFilter is
 * anchored at the start and ends with the origin's "/", so no other host, port or scheme matches)
 * carries `Authorization: WorkpassTicket session="<token>"`. Session rules die with the browser;
 * the background restores them from storage at start-up.
 */
export function sessionRule(id: number, s: LiveSession): DeclarativeNetRequest.Rule {
  return {
    id,
    priority: 1,
    action: {
      type: 'modifyHeaders',
      requestHeaders: [{ header: 'authorization', operation: 'set', value: formatCredentials({ kind: 'session', session: s.token }) }],
    },
    // Without resourceTypes a rule matches everything except main_frame: list them, page included.
    condition: { urlFilter: `|${s.site}/`, resourceTypes: RESOURCE_TYPES },
  };
}

export class DnrSessionRules implements SessionRules {
  constructor(private readonly dnr: DnrLike) {}

  async replace(sessions: readonly LiveSession[]): Promise<void> {
    const old = await this.dnr.getSessionRules();
    await this.dnr.updateSessionRules({
      removeRuleIds: old.map((r) => r.id),
      addRules: sessions.map((s, i) => sessionRule(i + 1, s)),
    });
  }
}
