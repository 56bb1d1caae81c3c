// The version the command line prints: its package.json's, found by walking up from this module, which is
// cli/ when run from source and dist/cli/ when built (in this repository or where the package is installed).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CouldNotRunError } from './errors.js';
import { COMMAND_NAME } from './usage.js';

/** The package is named as its command. */
const PACKAGE_NAME = COMMAND_NAME;

export function packageVersion(moduleUrl: string = import.meta.url): string {
  const start = dirname(fileURLToPath(moduleUrl));
  for (let directory = start; ; directory = dirname(directory)) {
    const found = versionIn(join(directory, 'package.json'));
    if (found !== undefined) return found;
    if (dirname(directory) === directory) break;
  }
  throw new CouldNotRunError(`The package.json of ${PACKAGE_NAME} was not found above ${start}.`);
}

/** The version in `file` if it is this package's package.json; undefined if it is missing, unreadable or another's. */
function versionIn(file: string): string | undefined {
  try {
    const { name, version } = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
    return name === PACKAGE_NAME && typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}
