/**
 * How far V8 lets its old generation grow past what survived the last full collection before it
 * collects again. V8 adapts the factor between 1.1× and 4×, and a simulation process settles
 * near the top: every run leaves a few MB behind (an SDK app's sandbox, its module objects, the
 * history) that outlive the young generation and die in the old one. A process hunting on the
 * real SDK held about 45 MB of live heap and committed about 230 MB, and its RSS followed the
 * committed heap, not the live one (`npm run bench -- memory` prints both).
 *
 * The command line's processes collect at 2× instead: RSS then stays close to the live heap over
 * thousands of runs. V8 flags are process-wide, so only the CLI's own process sets it (its
 * worker threads share it); a program that imports syncwright as a library keeps its own.
 */
import v8 from 'node:v8';

/** `--heap-growing-percent`: the old generation grows to (1 + this / 100) × the live heap. */
export const HEAP_GROWING_PERCENT = 100;

/** Sets {@link HEAP_GROWING_PERCENT} for this process (the CLI and the bench's probes call it). */
export function limitHeapGrowth(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
