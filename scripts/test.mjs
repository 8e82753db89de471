// `npm test`: Chromium present (installed when it can be), a build, the unit and property tests
// (vitest), a light soak (every generated scenario, 1,000 runs at seed 42, on the unmodified
// reference client: no checker may blame it), then the browser tests (Playwright on Debian's
// Chromium), each stage timed.
import { runStages } from './stages.mjs';

runStages('test', [
  { name: 'chromium', command: 'node scripts/ensure-chromium.mjs' },
  { name: 'build', command: 'npm run build' },
  { name: 'unit', command: 'vitest run' },
  { name: 'soak', command: 'node bin/syncwright.js soak --runs 1000 --seeds 42' },
  { name: 'browser', command: 'playwright test' },
]);
