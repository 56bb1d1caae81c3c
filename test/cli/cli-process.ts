// The command line in a process of its own, as a person runs it: cli/main.ts and everything it imports,
// bundled once (test/support/bundled-script.ts), started with plain `node` for each run.
// The shipped build (tsc, to dist/) is run as installed by test/cli/package.test.ts.
import { spawn } from 'node:child_process';
import { bundleScript } from '../support/bundled-script.js';

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
  const { script, close } = await bundleScript('cli/main.ts', 'cli-bundle-');
  return { run: (args, env) => runOnce(script, args, env), close };
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
