import browser from 'webextension-polyfill';

/** The WebExtension API (promise-based on both Firefox and Chromium). */
export { browser };

/** The slice of chrome.offscreen that the worker host uses (Chromium only; absent in Firefox). */
export interface OffscreenApi {
  createDocument(params: { url: string; reasons: string[]; justification: string }): Promise<void>;
  closeDocument(): Promise<void>;
  hasDocument?: () => Promise<boolean>;
}

/** chrome.offscreen where the browser has it, else undefined. */
export function offscreenApi(): OffscreenApi | undefined {
  const c = (globalThis as { chrome?: { offscreen?: OffscreenApi } }).chrome;
  return c?.offscreen;
}
