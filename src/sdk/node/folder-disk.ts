/**
 * The device's databases folder for the real SDK in Node: one file per database, named as the
 * app names it (`new MobileServiceSqliteStore('todo.db')` → `<folder>/todo.db`). Each commit
 * replaces the file with one rename, so the file always holds a whole committed database: a
 * process killed while writing leaves the previous commit, never half of the next one. (No
 * fsync: a killed process is the crash this stands for, not a power cut.)
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PluginDisk } from '../sqlite-plugin.js';

/** Plain file names only: no separators, no `..`, nothing hidden (the temporary files are). */
const DATABASE_NAME = /^(?!\.)[\w.-]{1,200}$/;

export function folderDisk(folder: string): PluginDisk {
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw new Error(`${folder}: expected a folder for the databases, found: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const fileOf = (name: string): string => {
    if (!DATABASE_NAME.test(name))
      throw new Error(
        `${folder}: database name: expected letters, digits, '.', '_' or '-' (not starting with '.'), found ${JSON.stringify(name)}`,
      );
    return path.join(folder, name);
  };
  return {
    read(name) {
      const file = fileOf(name);
      try {
        return new Uint8Array(readFileSync(file));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    write(name, bytes) {
      const file = fileOf(name);
      const temporary = path.join(folder, `.${name}.committing`);
      writeFileSync(temporary, bytes);
      renameSync(temporary, file);
    },
    remove(name) {
      rmSync(fileOf(name), { force: true });
    },
  };
}
