/**
 * The package's entry points by the specifier a user imports, each loaded on demand. The
 * TypeScript scenario loader hands a scenario file the running copy's modules through this table;
 * package.json "exports" names the same entries (test/api/entry-points.test.ts keeps them equal).
 * It sits beside src/index.ts, outside the layers, because it reaches every entry above the loader.
 */
export const ENTRY_POINTS = {
  syncwright: () => import('./index.js'),
  'syncwright/backend': () => import('./api/backend.js'),
  'syncwright/check': () => import('./api/check.js'),
  'syncwright/client': () => import('./api/client.js'),
  'syncwright/cordova-browser': () => import('./browser/cordova-browser.js'),
  'syncwright/explorer': () => import('./api/explorer.js'),
  'syncwright/express': () => import('./api/express.js'),
  'syncwright/msw': () => import('./api/msw.js'),
  'syncwright/playwright': () => import('./browser/playwright.js'),
  'syncwright/scenario': () => import('./api/scenario.js'),
  'syncwright/sdk': () => import('./api/sdk.js'),
  'syncwright/vitest': () => import('./api/vitest.js'),
  'syncwright/world': () => import('./api/world.js'),
} as const satisfies Record<string, () => Promise<object>>;

export type EntryPoint = keyof typeof ENTRY_POINTS;

export function isEntryPoint(specifier: string): specifier is EntryPoint {
  return Object.hasOwn(ENTRY_POINTS, specifier);
}
