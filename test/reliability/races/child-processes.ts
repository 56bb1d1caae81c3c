// Runs of the function in processes of their own (invoke-child.ts), as separate Lambda execution
// environments would run them: all spawned, all started at once once every one is ready, all awaited.
//
// invoke-child.ts, the handler and everything they import (the AWS SDK, Powertools) are bundled once
// (test/support/bundled-script.ts), as the deployed function is, and every child runs that file with plain
// `node`: through tsx, ten children at once on a loaded two-CPU machine outlasted their test's 30 s timeout.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bundleScript } from '../../support/bundled-script.js';
import type { ErrorSummary, InvocationOutcome } from '../../../local/invoke-handler.js';
import { CHILD_EVENT_VARIABLE, CHILD_MARKER } from './child-protocol.js';

const CHILD_SOURCE = fileURLToPath(new URL('./invoke-child.ts', import.meta.url));

export interface ChildRun {
  readonly outcome: InvocationOutcome<ErrorSummary>;
  /** Everything the child printed (stdout and stderr): its log lines and metrics. */
  readonly output: string;
}

export interface ChildProcesses {
  /**
   * Invokes the function once per event, each in its own process configured only by `functionEnv` (plus
   * PATH and HOME). Children that are still running when anything fails are killed.
   */
  invoke(events: readonly unknown[], functionEnv: Record<string, string>): Promise<ChildRun[]>;
  /** Deletes the bundle. */
  close(): Promise<void>;
}

interface Child {
  readonly process: ChildProcessWithoutNullStreams;
  readonly ready: Promise<void>;
  readonly closed: Promise<ChildRun>;
}

/** Bundles invoke-child.ts into a temporary directory; close() deletes it. */
export async function prepareChildProcesses(): Promise<ChildProcesses> {
  const { script, close } = await bundleScript(CHILD_SOURCE, 'reliability-child-');
  return { invoke: (events, functionEnv) => invokeInChildren(script, events, functionEnv), close };
}

async function invokeInChildren(script: string, events: readonly unknown[], functionEnv: Record<string, string>): Promise<ChildRun[]> {
  const children = events.map((event) => spawnChild(script, event, functionEnv));
  try {
    await Promise.all(children.map((child) => child.ready));
    for (const child of children) child.process.stdin.end('go\n');
    return await Promise.all(children.map((child) => child.closed));
  } finally {
    for (const child of children) {
      if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    }
  }
}

function spawnChild(script: string, event: unknown, functionEnv: Record<string, string>): Child {
  const env = {
    PATH: process.env.PATH ?? '',
    ...(process.env.HOME === undefined ? {} : { HOME: process.env.HOME }),
    ...functionEnv,
    [CHILD_EVENT_VARIABLE]: JSON.stringify(event),
  };
  const child = spawn(process.execPath, [script], { env, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });

  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      if (messagesIn(stdout).includes('ready')) resolve();
    });
    child.once('error', reject);
    child.once('close', (code) => { reject(new Error(`A child exited (code ${code}) before it was ready. Its stderr:\n${stderr}`)); });
  });
  const closed = new Promise<ChildRun>((resolve, reject) => {
    child.once('close', (code) => {
      const result = childLines(stdout).find((line) => line[CHILD_MARKER] === 'result');
      if (code !== 0 || result === undefined) {
        reject(new Error(`A child ended (code ${code}) without printing its outcome. Its stderr:\n${stderr}`));
        return;
      }
      resolve({ outcome: result.outcome as InvocationOutcome<ErrorSummary>, output: `${stdout}\n${stderr}` });
    });
  });
  // Rejections are handled by whoever awaits these; a child that fails before being awaited must not
  // surface as an unhandled rejection.
  ready.catch(() => undefined);
  closed.catch(() => undefined);
  return { process: child, ready, closed };
}

function childLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.includes(CHILD_MARKER))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function messagesIn(stdout: string): unknown[] {
  return childLines(stdout).map((line) => line[CHILD_MARKER]);
}
