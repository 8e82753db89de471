/** Reading a JSON file named on the command line through the depth-guarded reader. */
import { readFile, stat } from 'node:fs/promises';
import { JsonTextError, formatBytes, readJson } from '../protocol/safe-json.js';
import { UsageError } from './command.js';

/**
 * The value in `file`; `shown` is how the user named it, `flag` the option that named it ('' for
 * an argument).
 * @throws UsageError naming the flag, the file and what was wrong with it.
 */
export async function readJsonFile(file: string, shown: string, flag: string, maxBytes: number): Promise<unknown> {
  const prefix = flag === '' ? '' : `${flag}: `;
  let text: string;
  try {
    // A file far past the limit is refused before it is read into memory.
    const size = (await stat(file)).size;
    if (size > maxBytes)
      throw new UsageError(
        `${flag}: ${shown}: expected JSON of at most ${formatBytes(maxBytes)}, found ${formatBytes(size)}`,
      );
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${prefix}cannot read ${shown}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return readJson(text, { maxBytes });
  } catch (error) {
    if (error instanceof JsonTextError) throw new UsageError(`${prefix}${shown}: ${error.message}`);
    throw error;
  }
}
