// The command line, bundled with the AWS SDK clients it uses (Lambda, CloudFormation, SSM) into one file,
// dist/cli/main.js: the package's bin runs without them as dependencies, so a receiver that installs the
// package for its kit gets the Secrets Manager client alone.
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ENTRY = fileURLToPath(new URL('../cli/main.ts', import.meta.url));

export async function bundleCli(outdir: string): Promise<void> {
  const outfile = join(outdir, 'cli', 'main.js');
  await build({
    entryPoints: [ENTRY],
    outfile,
    bundle: true,
    platform: 'node',
    // The package's engines: Node.js 20 or later.
    target: 'node20',
    format: 'esm',
    mainFields: ['module', 'main'],
    minify: true,
    logLevel: 'warning',
  });
  // npx links the bin once and never sets the executable bit again.
  chmodSync(outfile, 0o755);
}
