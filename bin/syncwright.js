#!/usr/bin/env node
// The CLI is compiled to dist/ by `npm run build` (run on `npm ci` through `prepare`).
import { main } from '../dist/cli/main.js';
import { limitHeapGrowth } from '../dist/kernel/heap-growth.js';

// Long hunts and soaks: V8 collects at 2× the live heap, not up to 4× (see the module).
limitHeapGrowth();

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 2;
  },
);
