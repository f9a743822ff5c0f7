/** The relay daemon's programmatic entry points (tests, `npm start`, the CLI). */
export { startRelay, type RelayHandle, type RelayStats, type RelayDeps, type Endpoint } from './daemon.js';
export { resolveConfig, loadConfigFile, DEFAULTS, type RelayConfig, type ConfigInputs } from './config.js';
export { Store } from './store/store.js';
