/**
 * sql.js is WebAssembly: compiling it costs tens of milliseconds, so a process loads it once and
 * the backend and every virtual device's sqlite plugin share the module (each opens its own
 * databases). The backend owns the loader.
 */
export { loadSqlJs } from '../backend/sqljs.js';
