/** The conformance suite: each profile's case table and the runner that holds a server to it. */
export { CONFORMANCE_CASES, CONFORMANCE_TABLE, runConformance, type ConformanceOptions } from './run.js';
export type { ConformanceCase, ConformanceReport, Difference } from './types.js';
