import { createHash } from 'node:crypto';
import type { History } from '../kernel/history.js';

/**
 * A fingerprint of a history: sha256 of its JSON. Same program and client ⇒ byte-identical
 * history ⇒ the same hash, so two replays (or a replay and the original run) can be compared
 * by eye.
 */
export function historyHash(history: History): string {
  return createHash('sha256').update(JSON.stringify(history), 'utf8').digest('hex');
}
