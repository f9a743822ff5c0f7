// Chromium's offscreen document: hosts the hashing Workers for the service worker, which cannot.
import { browser } from '../platform/browser.js';
import { parseOffscreenCommand, type ReportMessage } from '../mining/messages.js';
import { WorkerPool } from '../mining/worker-pool.js';

const pool = new WorkerPool(browser.runtime.getURL('hash-worker.js'));
pool.onReport = (report) => {
  const msg: ReportMessage = { to: 'background', type: 'report', report };
  // The service worker may be restarting; a lost progress report is harmless, a lost share is one share.
  browser.runtime.sendMessage(msg).catch(() => undefined);
};

browser.runtime.onMessage.addListener((raw: unknown) => {
  const cmd = parseOffscreenCommand(raw);
  if (cmd === null) return undefined;
  return (cmd.type === 'setWork' ? pool.setWork(cmd.order) : pool.stop()).then(() => ({ ok: true }));
});
