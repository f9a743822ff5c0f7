export { parseHtbTree, scaleRates, MAX_DEPTH, MAX_CLASSES, MAX_PRIO, R2Q } from './tree.js';
export type { HtbClassSpec, HtbClass, HtbTree } from './tree.js';
export { allocate } from './allocate.js';
export { HtbShaper } from './shaper.js';
export type { ClassMode, ClassStats, Dequeued } from './shaper.js';
export { HtbPacer, QueueFullError, PacerClosedError } from './pacer.js';
export type { PacerOptions } from './pacer.js';
export { systemClock, ManualClock } from './clock.js';
export type { Clock } from './clock.js';
