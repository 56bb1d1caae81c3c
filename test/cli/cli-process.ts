// The command line in a process of its own, as a person runs it. cli/main.ts and everything it imports are
// bundled once with esbuild into one ESM file that every run starts with plain `node`: through
// `node --import tsx` each run took three times as long to start (tsx's loader hooks on hundreds of modules).
// The shipped build (tsc, to dist/) is run as installed by test/cli/package.test.ts.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';

export interface CliRun {
  /** The exit status (null if a signal ended it). */
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliProcesses {
  /** Runs the command line once with these arguments, in an environment of exactly `env`. */
  run(args: readonly string[], env: Record<string, string>): Promise<CliRun>;
  /** Deletes the bundle. */
  close(): Promise<void>;
}

export async function prepareCli(): Promise<CliProcesses> {
  const directory = await mkdtemp(path.join(tmpdir(), 'cli-bundle-'));
  const script = path.join(directory, 'main.mjs');
  try {
    await build({
      entryPoints: ['cli/main.ts'],
      outfile: script,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      mainFields: ['module', 'main'],
      // Bundled CommonJS modules call require() for Node's built-ins; an ES module has none of its own.
      banner: { js: "import { createRequire as cliRequire } from 'node:module'; const require = cliRequire(import.meta.url);" },
      logLevel: 'silent',
    });
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  return {
    run: (args, env) => runOnce(script, args, env),
    close: () => rm(directory, { recursive: true, force: true }),
  };
}

async function runOnce(script: string, args: readonly string[], env: Record<string, string>): Promise<CliRun> {
  const child = spawn(process.execPath, [script, ...args], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const status = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  return { status, stdout, stderr };
}
