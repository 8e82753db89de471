/** Folders made one level at a time: every refusal is an error naming the folder, never a loop. */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { checkDirectoryCanBeMade, DirectoryError, makeDirectory } from '../../src/kernel/make-directory.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'syncwright-mkdir-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('makeDirectory', () => {
  test('creates the missing parents, outermost first, and nothing when the folder exists', async () => {
    const target = path.join(root, 'a', 'b', 'c');
    expect(await makeDirectory(target)).toEqual([path.join(root, 'a'), path.join(root, 'a', 'b'), target]);
    expect(existsSync(target)).toBe(true);
    expect(await makeDirectory(target)).toEqual([]);
  });

  test('a file on the way is named', async () => {
    await writeFile(path.join(root, 'file'), 'x');
    const target = path.join(root, 'file', 'reports', 'deeper');
    await expect(makeDirectory(target)).rejects.toThrow(
      new DirectoryError(`cannot create ${target}: ${path.join(root, 'file')} is a file, not a folder`),
    );
  });

  test('checkDirectoryCanBeMade leaves nothing behind', async () => {
    const target = path.join(root, 'x', 'y');
    await checkDirectoryCanBeMade(target);
    expect(existsSync(path.join(root, 'x'))).toBe(false);
  });

  // The folder that made Node 20's recursive mkdir spin: /proc answers "no such file" for a child
  // of a folder that exists. Only Linux has /proc; elsewhere there is nothing to show.
  test.runIf(existsSync('/proc/self'))('a folder the system refuses (/proc/x) is an error, at once', async () => {
    await expect(makeDirectory('/proc/syncwright-cannot-be-here/reports')).rejects.toThrow(
      /^cannot create \/proc\/syncwright-cannot-be-here\/reports: (the system refuses to create|permission denied for) \/proc\/syncwright-cannot-be-here$/,
    );
  });
});
