// Starts invoke-in-child.mjs in a fresh Node process with only the environment given (and PATH), and
// returns what it measured. The function's own output is drained and kept only to explain a failure.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface InvocationTiming {
  /** Wall time of the handler call. */
  readonly ms: number;
  /** CPU time (user and system) the process spent during it. */
  readonly cpuMs: number;
  /** Outcome counts (`{"rotated": 1}`), or the result if it is not a rotation report. */
  readonly outcomes?: Record<string, unknown>;
  /** `Name: message` of what the handler threw. */
  readonly error?: string;
}

export interface ChildRun {
  /** Milliseconds from the process's start to the start of the import, and to its end. */
  readonly importStartMs: number;
  readonly readyMs: number;
  readonly invocations: readonly InvocationTiming[];
  /** process.resourceUsage().maxRSS at the end: the process's peak resident set, in KiB. */
  readonly maxRssKb: number;
}

export interface ChildSpec {
  readonly module: string;
  readonly invocations: readonly { readonly event: unknown; readonly times: number }[];
  readonly env: Record<string, string>;
}

const RUNNER = fileURLToPath(new URL('invoke-in-child.mjs', import.meta.url));
const KEPT_OUTPUT_CHARS = 4_000;

export function runInChild({ module, invocations, env }: ChildSpec): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUNNER, JSON.stringify({ module, invocations })], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    let output = '';
    let result = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-KEPT_OUTPUT_CHARS);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.stdio[3]?.on('data', (chunk: Buffer) => {
      result += chunk.toString('utf8');
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0 && result.trim() !== '') {
        resolve(JSON.parse(result) as ChildRun);
      } else {
        reject(new Error(`The function process exited with ${code} before reporting. Its last output:\n${output}`));
      }
    });
  });
}
