import { browser } from './browser.js';

/** Fills every element with data-i18n="<message name>" from _locales (browser.i18n). */
export function localize(root: ParentNode = document): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const text = browser.i18n.getMessage(el.dataset.i18n ?? '');
    if (text !== '') el.textContent = text;
  }
}

export function t(name: string, substitutions?: string | string[]): string {
  return browser.i18n.getMessage(name, substitutions) || name;
}
