/**
 * `syncwright/sdk`: the real azure-mobile-apps-client 2.0.1 — in Node against `syncwright serve` or
 * any backend (`loadRealSdk`), and inside the simulator as a World's ClientDriver (`createSdkDriver`).
 */
export * from '../sdk/node/index.js';
export { createSdkDriver, createSdkDriverFactory, SdkDriver, type SdkDriverOptions } from '../sdk/driver.js';
export { AbandonedOperationError, SdkError } from '../sdk/app.js';
export { DEFAULT_SYSTEM_COLUMNS, type SystemColumn } from '../sdk/records.js';
