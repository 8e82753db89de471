import type { Command } from '../command.js';
import { serveCommand } from './serve.js';
import { exploreCommand } from './explore.js';

export const commands: readonly Command[] = [serveCommand, exploreCommand];
