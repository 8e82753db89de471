// `npm run check`: types of sources, tests and the browser UI (ui/, bundled first: src/ inlines the
// bundles); lint (with the rule that simulated code never reads the machine's clock or chance);
// formatting; the layer rule; unused exports; the public API against its report (api/*.api.md).
import { runStages } from './stages.mjs';

runStages(
  'check',
  [
    {
      name: 'types',
      command: [
        'node scripts/build-ui.mjs',
        'tsc -p tsconfig.json --noEmit',
        'tsc -p test/browser/tsconfig.json',
        'tsc -p examples/cordova-todo/tests/tsconfig.json',
        'tsc -p ui/tsconfig.json',
      ].join(' && '),
    },
    { name: 'lint', command: 'eslint --max-warnings 0 .' },
    { name: 'format', command: 'prettier --check --log-level warn .' },
    { name: 'layers', command: 'depcruise src --config .dependency-cruiser.cjs' },
    { name: 'unused', command: 'knip' },
    { name: 'api', command: 'node scripts/api-report.mjs --check' },
  ],
  { keepGoing: true },
);
