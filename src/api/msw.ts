/** `syncwright/msw`: a simulated backend as Mock Service Worker handlers (msw is an optional peer dependency). */
export { createHandlers, type MswHandlerOptions } from '../serve/msw.js';
export type { ServeFaults } from '../serve/serve-faults.js';
