// The version printed: the package.json of this package, found upward from the module, wherever it runs from.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { packageVersion } from '../../cli/package-version.js';

describe('packageVersion', () => {
  it('reads this repository\'s version from source (cli/)', () => {
    expect(packageVersion()).toBe((JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version);
  });

  it('reads it two folders up from dist/cli/, past another package\'s package.json', () => {
    const root = mkdtempSync(join(tmpdir(), 'cli-version-'));
    try {
      mkdirSync(join(root, 'dist', 'cli'), { recursive: true });
      writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'prolific-webhook-secret-rotation', version: '9.8.7' }));
      writeFileSync(join(root, 'dist', 'package.json'), JSON.stringify({ name: 'something-else', version: '1.0.0' }));

      expect(packageVersion(pathToFileURL(join(root, 'dist', 'cli', 'main.js')).href)).toBe('9.8.7');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
