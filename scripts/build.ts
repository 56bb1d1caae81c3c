// `npm run build`, and `npm pack` through `prepack`: everything the package ships, into dist/. The receiver
// kit and the constructs compiled by tsc (with their types), the command line and the functions bundled by
// esbuild. Built aside first, then put in place of dist/ (see replace-directory.ts), so stale files go and
// concurrent builds do not disturb one another.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleCli } from './bundle-cli.js';
import { bundleFunctions } from './bundle-functions.js';
import { replaceDirectory } from './replace-directory.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(REPO_ROOT, 'dist');
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const COMPILED = ['tsconfig.receiver.json', 'tsconfig.construct.json'];

// Inside the repository, on the file system of dist/: a rename from here is atomic.
const staging = mkdtempSync(join(REPO_ROOT, '.build-'));
try {
  for (const project of COMPILED) {
    execFileSync(process.execPath, [TSC, '-p', project, '--outDir', staging], { cwd: REPO_ROOT, stdio: 'inherit' });
  }
  await bundleCli(staging);
  bundleFunctions(staging);
  mkdirSync(DIST, { recursive: true });
  replaceDirectory(DIST, staging);
} finally {
  rmSync(staging, { recursive: true, force: true });
}
