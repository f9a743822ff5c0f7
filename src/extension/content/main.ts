// Content script on relay pages (/.well-known/workpass/…): offers "add this relay" on the page itself.
// It reads the relay the page declares and asks the background, which checks that the relay is on
// the page's own host. It sends nothing anywhere else and reads nothing else from the page.
import { browser } from '../platform/browser.js';

function offeredEndpoint(): string | null {
  const meta = document.querySelector('meta[name="workpass-endpoint"]');
  const v = meta?.getAttribute('content');
  return v !== null && v !== undefined && v.length > 0 ? v : null;
}

function offer(endpoint: string): void {
  const button = document.createElement('button');
  button.type = 'button';
  button.id = 'workpass-add-relay';
  button.textContent = browser.i18n.getMessage('addThisRelay');
  button.style.cssText = 'position:fixed;top:1em;right:1em;z-index:2147483647;font:16px sans-serif;padding:.5em 1em';
  const note = document.createElement('output');
  note.id = 'workpass-add-relay-result';
  note.style.cssText = 'position:fixed;top:4em;right:1em;z-index:2147483647;font:14px sans-serif;background:#fff';
  button.addEventListener('click', (ev) => {
    // Only a real user gesture adds a relay; the page's own scripts cannot click this for the user.
    if (!ev.isTrusted) return;
    button.disabled = true;
    browser.runtime.sendMessage({ to: 'background', type: 'addRelayFromPage', endpoint })
      .then((answer: unknown) => {
        const a = answer as { ok?: boolean; error?: string } | undefined;
        note.textContent = a?.ok === true ? browser.i18n.getMessage('relayAdded') : (a?.error ?? 'failed');
        note.dataset.state = a?.ok === true ? 'added' : 'error';
      })
      .catch((e: unknown) => {
        note.textContent = e instanceof Error ? e.message : String(e);
        note.dataset.state = 'error';
      })
      .finally(() => {
        button.disabled = false;
      });
  });
  document.documentElement.append(button, note);
}

const endpoint = offeredEndpoint();
if (endpoint !== null) offer(endpoint);
