import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/browser/**', 'test/leak/**', 'node_modules/**'],
          pool: 'threads',
        },
      },
      {
        // Tests that count what garbage collection leaves: a process of their own with gc().
        extends: true,
        test: {
          name: 'leak',
          include: ['test/leak/**/*.test.ts'],
          pool: 'forks',
          execArgv: ['--expose-gc'],
        },
      },
    ],
  },
});
