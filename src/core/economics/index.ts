export { relayEconomics, economicsParams, rentEur, PAPER_PARAMS, CALIBRATION } from './model.js';
export type { EconomicsParams, RelayEconomics, RentTier } from './model.js';
export { plotSvg } from './plot.js';
export type { PlotOptions } from './plot.js';
