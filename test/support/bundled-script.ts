// A TypeScript entry bundled once with esbuild into one ESM file in a temporary directory, for tests that
// start it in many processes of their own with plain `node`: through `node --import tsx` every process
// loaded hundreds of modules through tsx's loader hooks and took about three times as long to start.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';

export interface BundledScript {
  /** The bundled file, to run with `node <script>`. */
  readonly script: string;
  /** Deletes it. */
  readonly close: () => Promise<void>;
}

export async function bundleScript(entry: string, directoryPrefix: string): Promise<BundledScript> {
  const directory = await mkdtemp(path.join(tmpdir(), directoryPrefix));
  const script = path.join(directory, 'main.mjs');
  try {
    await build({
      entryPoints: [entry],
      outfile: script,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      mainFields: ['module', 'main'],
      // Bundled CommonJS modules call require() for Node's built-ins; an ES module has none of its own.
      banner: {
        js: "import { createRequire as bundledScriptRequire } from 'node:module'; " +
          'const require = bundledScriptRequire(import.meta.url);',
      },
      logLevel: 'silent',
    });
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  return { script, close: () => rm(directory, { recursive: true, force: true }) };
}
