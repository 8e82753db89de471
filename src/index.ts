// The public API of syncwright. Each part adds its exports in its own block.

// protocol
export * from './protocol/http.js';
export * from './protocol/records.js';

// backend

// client

// sim
export type { Clock, TimerHandle } from './sim/clock.js';
export { RealClock, ManualClock } from './sim/clock.js';
export type { RandomSource } from './sim/random.js';
export { SeededRandom } from './sim/random.js';
export type * from './sim/driver.js';
export type * from './sim/history.js';

// network

// check

// scenario

// report

// sdk
