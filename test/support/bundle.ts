// A function's bundle from the cloud assembly, run as Lambda runs it: copied where no node_modules is above
// it, imported alone in a child process with only the environment Lambda would give it, and invoked once.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const OUTCOME_PREFIX = '::outcome::';

/** What one invocation of a bundle gave back (its result or the error it threw), and everything it printed. */
export interface BundleInvocation<Result> {
  readonly result?: Result;
  readonly error?: string;
  readonly output: string;
}

// Runs in the child process: import the bundle alone, invoke it once as Lambda would, report on stdout.
const INVOKE_SCRIPT = `
import { handler } from './index.mjs';
const context = {
  functionName: 'bundled-function',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-2:123456789012:function:bundled-function',
  memoryLimitInMB: '256',
  awsRequestId: 'bundle-test',
  logGroupName: '/aws/lambda/bundled-function',
  logStreamName: 'bundle-test',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 900000,
};
let outcome;
try {
  outcome = { result: await handler(JSON.parse(process.argv[2]), context) };
} catch (error) {
  outcome = { error: error instanceof Error ? error.message : String(error) };
}
console.log('${OUTCOME_PREFIX}' + JSON.stringify(outcome));
`;

/** Copies the bundle in `assetDirectory` to a new temporary directory, with the script that invokes it. */
export function copyBundle(assetDirectory: string, prefix: string): string {
  const bundleDirectory = mkdtempSync(join(tmpdir(), prefix));
  for (const file of readdirSync(assetDirectory)) {
    copyFileSync(join(assetDirectory, file), join(bundleDirectory, file));
  }
  writeFileSync(join(bundleDirectory, 'invoke.mjs'), INVOKE_SCRIPT);
  return bundleDirectory;
}

/** Invokes the bundle copied by copyBundle once with `event`, in a process whose environment is `env` and PATH. */
export async function invokeBundle<Result>(
  bundleDirectory: string,
  event: unknown,
  env: Record<string, string>,
): Promise<BundleInvocation<Result>> {
  const { stdout, stderr } = await execFileAsync(process.execPath, ['invoke.mjs', JSON.stringify(event)], {
    cwd: bundleDirectory,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  const output = `${stdout}\n${stderr}`;
  const outcomeLine = stdout.split('\n').find((line) => line.startsWith(OUTCOME_PREFIX));
  if (outcomeLine === undefined) {
    throw new Error(`The bundle reported no outcome. Output:\n${output}`);
  }
  return { ...(JSON.parse(outcomeLine.slice(OUTCOME_PREFIX.length)) as object), output };
}
