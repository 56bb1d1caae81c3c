import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { replaceDirectory } from '../../scripts/replace-directory.js';

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'replace-directory-'));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function write(files: Record<string, string>, under: string): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, under, path)), { recursive: true });
    writeFileSync(join(root, under, path), content);
  }
}

function read(under: string): Record<string, string> {
  const directory = join(root, under);
  return Object.fromEntries(
    readdirSync(directory, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(directory, join(entry.parentPath, entry.name)))
      .sort()
      .map((path) => [path, readFileSync(join(directory, path), 'utf8')]),
  );
}

describe('replaceDirectory', () => {
  it('leaves the target holding exactly the new tree: files updated, added, and those of an older build gone', () => {
    write({ 'cli/main.js': 'old', 'receiver/index.js': 'stale', 'lambda/contract/stack.js': 'old' }, 'dist');
    write({ 'cli/main.js': 'new', 'lambda/contract/stack.js': 'new', 'assets/rotation-function/index.mjs': 'bundle' }, 'staging');

    replaceDirectory(join(root, 'dist'), join(root, 'staging'));

    expect(read('dist')).toEqual({
      'assets/rotation-function/index.mjs': 'bundle',
      'cli/main.js': 'new',
      'lambda/contract/stack.js': 'new',
    });
    expect(readdirSync(join(root, 'dist')).sort()).toEqual(['assets', 'cli', 'lambda']);
  });
});
