// ESLint: typescript-eslint's recommended rules, plus the simulator's own rule that simulated
// code takes time and randomness from the world, never from the machine.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Folders whose code runs inside the simulation (the kernel holds the real clock, so it is left out). */
const SIMULATED = ['protocol', 'sqlite', 'backend', 'network', 'client', 'sdk', 'world', 'check', 'scenario'];

const machineTimeAndChance = [
  {
    selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
    message: 'Simulated code reads time from the world clock (Clock.now()), never Date.now().',
  },
  {
    selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
    message: "Simulated code draws from the run's seeded RandomSource, never Math.random().",
  },
  {
    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
    message: 'new Date() reads the machine clock; pass the world clock’s time: new Date(clock.now()).',
  },
  {
    selector: 'CallExpression[callee.name=/^(setTimeout|setInterval|setImmediate)$/]',
    message: 'Simulated code arms timers on the world clock (Clock.setTimeout), never on the machine’s.',
  },
  {
    selector:
      'CallExpression[callee.object.name=/^(globalThis|window|global)$/][callee.property.name=/^(setTimeout|setInterval|setImmediate)$/]',
    message: 'Simulated code arms timers on the world clock (Clock.setTimeout), never on the machine’s.',
  },
];

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'reports/',
      'test-results/',
      'playwright-report/',
      'ui/dist/',
      // The pages bundled from ui/ (scripts/build-ui.mjs): generated, linted as their ui/ sources.
      'src/*/generated/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      // Ids, JUnit text and terminal colours are about control characters: the regexes name them on purpose.
      'no-control-regex': 'off',
      // A closure made before the value exists reads a `let` assigned once later on purpose.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      'no-restricted-syntax': 'off',
    },
  },
  {
    files: SIMULATED.map((folder) => `src/${folder}/**/*.ts`),
    rules: { 'no-restricted-syntax': ['error', ...machineTimeAndChance] },
  },
  {
    // Tests poke at JSON bodies of any shape.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['ui/**/*.ts', 'ui/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      // The pages run in a browser: src/ is Node's code, and only its types may cross over
      // (`import type`, which leaves nothing behind in the bundle).
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src/**'],
              allowTypeImports: true,
              message: 'ui/ takes only types from src/ (import type).',
            },
            { group: ['node:*'], message: 'ui/ runs in a browser.' },
          ],
        },
      ],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      'no-restricted-globals': [
        'error',
        ...['process', 'Buffer', 'require', 'global', '__dirname', '__filename'].map((name) => ({
          name,
          message: 'ui/ runs in a browser.',
        })),
      ],
    },
  },
  {
    // The worked example's app: a Cordova page's plain script, with the SDK's global.
    files: ['examples/**/www/**/*.js', 'examples/**/planted-bugs/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser, WindowsAzure: 'readonly' } },
  },
);
