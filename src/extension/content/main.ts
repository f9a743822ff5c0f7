// Content script on relay descriptor pages (/.well-known/workpass/descriptor.json): offers "add this
// relay" on the page itself. The background fetches and verifies the descriptor from the page's URL
// as the browser reports it; this script sends nothing else and reads nothing from the page.
import { browser } from '../platform/browser.js';

function offer(): void {
  const button = document.createElement('button');
  button.type = 'button';
  button.id = 'workpass-add-relay';
  button.textContent = browser.i18n.getMessage('addThisRelay');
  button.style.cssText = 'position:fixed;top:1em;right:1em;z-index:2147483647;font:16px sans-serif;padding:.5em 1em';
  const note = document.createElement('output');
  note.id = 'workpass-add-relay-result';
  note.setAttribute('role', 'status');
  note.style.cssText = 'position:fixed;top:4em;right:1em;z-index:2147483647;font:14px sans-serif;background:#fff;color:#000';
  button.addEventListener('click', (ev) => {
    // Only a real user gesture adds a relay; the page's own scripts cannot click this for the user.
    if (!ev.isTrusted) return;
    button.disabled = true;
    browser.runtime.sendMessage({ to: 'background', type: 'addRelayFromPage' })
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
  (document.body ?? document.documentElement).append(button, note);
}

offer();
