// `npm test`: Chromium present (installed when it can be), a build, the unit and property tests
// (vitest), then the browser tests (Playwright on Debian's Chromium), each stage timed.
import { runStages } from './stages.mjs';

runStages('test', [
  { name: 'chromium', command: 'node scripts/ensure-chromium.mjs' },
  { name: 'build', command: 'npm run build' },
  { name: 'unit', command: 'vitest run' },
  { name: 'browser', command: 'playwright test' },
]);
