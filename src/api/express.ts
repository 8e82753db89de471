/** `syncwright/express`: a simulated backend as an Express app, for a real server in tests. */
export { createApp, type ExpressAppOptions } from '../serve/express.js';
