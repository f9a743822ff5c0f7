import type { MiningStatus } from '../store/status.js';
import { t } from './i18n.js';

export function formatHashRate(hps: number): string {
  if (hps >= 1e6) return `${(hps / 1e6).toFixed(2)} MH/s`;
  if (hps >= 1e3) return `${(hps / 1e3).toFixed(1)} kH/s`;
  return `${hps.toFixed(0)} H/s`;
}

export function stateText(s: MiningStatus): string {
  return t(`state_${s.state}`);
}

/** Subscribes `render` to changes of the status in storage.session (and calls it once now). */
export function onStatusChange(browserStorage: { onChanged: { addListener(f: (changes: Record<string, unknown>, area: string) => void): void } }, key: string, render: () => void): void {
  browserStorage.onChanged.addListener((changes, area) => {
    if (area === 'session' && key in changes) render();
    if (area === 'local') render();
  });
  render();
}
