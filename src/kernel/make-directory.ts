/**
 * Creating a folder and its missing parents, one level at a time. Node 20's
 * `mkdir(path, { recursive: true })` spins for ever when the system answers "no such file" for a
 * folder whose parent exists (as /proc does: `--out /proc/x` kept a CPU at 100%): it creates the
 * parent again, finds it there and retries the child. Here each level is one plain `mkdir`, so
 * every refusal is an error that names the folder.
 */
import { mkdir, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** A folder that cannot be created, and why, in plain words. */
export class DirectoryError extends Error {
  override readonly name = 'DirectoryError';
}

/**
 * Creates `directory` and whatever parents it lacks; nothing when it exists. Returns the folders
 * it created, outermost first.
 * @throws DirectoryError naming the folder and the reason.
 */
export async function makeDirectory(directory: string): Promise<string[]> {
  const absolute = path.resolve(directory);
  const missing: string[] = [];
  for (let current = absolute; ; current = path.dirname(current)) {
    const info = await stat(current).catch((error: NodeJS.ErrnoException) => error);
    if (!(info instanceof Error)) {
      if (!info.isDirectory())
        throw new DirectoryError(`cannot create ${directory}: ${current} is a file, not a folder`);
      break;
    }
    // ENOTDIR: a file on the way up, which the walk reaches and names.
    if (info.code !== 'ENOENT' && info.code !== 'ENOTDIR')
      throw new DirectoryError(`cannot create ${directory}: ${reason(info, current)}`);
    if (path.dirname(current) === current)
      throw new DirectoryError(`cannot create ${directory}: ${current} is missing`);
    missing.unshift(current);
  }
  const created: string[] = [];
  for (const folder of missing) {
    try {
      await mkdir(folder);
      created.push(folder);
    } catch (error) {
      // Another process may have made it meanwhile; anything else is the answer.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && (await stat(folder)).isDirectory()) continue;
      throw new DirectoryError(`cannot create ${directory}: ${reason(error as NodeJS.ErrnoException, folder)}`);
    }
  }
  return created;
}

/**
 * Whether `directory` can be created (or exists), found by creating it and removing again what
 * was created, so that a command can fail before its work instead of after it.
 * @throws DirectoryError
 */
export async function checkDirectoryCanBeMade(directory: string): Promise<void> {
  const created = await makeDirectory(directory);
  for (const folder of created.reverse()) await rmdir(folder).catch(() => undefined);
}

function reason(error: NodeJS.ErrnoException, folder: string): string {
  switch (error.code) {
    case 'EACCES':
    case 'EPERM':
      return `permission denied for ${folder}`;
    case 'ENOTDIR':
      return `a part of ${folder} is a file, not a folder`;
    case 'EROFS':
      return `${folder} is on a read-only file system`;
    case 'ENOENT':
      return `the system refuses to create ${folder}`;
    default:
      return `${folder}: ${error.message}`;
  }
}
