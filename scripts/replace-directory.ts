// Puts a freshly built tree in place of the old one, file by file, so that a concurrent reader (another
// `npm pack` of this repository, which builds too) never sees a missing or half-written file.
import { mkdirSync, readdirSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** Moves every file of `source` to the same place under `target`, then deletes what `target` had that `source` did not. */
export function replaceDirectory(target: string, source: string): void {
  const built = filesUnder(source).map((file) => relative(source, file));
  for (const file of built) {
    mkdirSync(dirname(join(target, file)), { recursive: true });
    // A rename within one file system replaces the file at once: readers see the old file or the new one.
    renameSync(join(source, file), join(target, file));
  }
  const kept = new Set(built);
  for (const file of filesUnder(target).map((path) => relative(target, path))) {
    if (!kept.has(file)) rmSync(join(target, file), { force: true });
  }
  removeEmptyDirectories(target);
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

function removeEmptyDirectories(directory: string): void {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (entry.isDirectory()) removeEmptyDirectories(join(directory, entry.name));
  }
  if (readdirSync(directory).length === 0) rmdirSync(directory);
}
