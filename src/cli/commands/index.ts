import type { Command } from '../command.js';
import { serveCommand } from './serve.js';
import { exploreCommand } from './explore.js';
import { runCommand } from './run.js';
import { huntCommand } from './hunt.js';
import { replayCommand } from './replay.js';
import { mergeReportsCommand } from './merge-reports.js';
import { selftestCommand } from './selftest.js';
import { soakCommand } from './soak.js';
import { conformanceCommand } from './conformance.js';
import { showReportCommand } from './show-report.js';
import { initCommand } from './init.js';

export const commands: readonly Command[] = [
  runCommand,
  huntCommand,
  replayCommand,
  mergeReportsCommand,
  showReportCommand,
  selftestCommand,
  soakCommand,
  serveCommand,
  exploreCommand,
  conformanceCommand,
  initCommand,
];
