// What a figure depends on besides the code: the machine, Node, and which tree was measured.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly node: string;
}

export interface TreeState {
  readonly commit: string;
  /** Files changed or added since that commit when the benchmark ran. */
  readonly uncommittedFiles: number;
}

/** The CPU model and the count of logical processors, from /proc/cpuinfo. */
export function describeMachine(): Machine {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const fields = cpuinfo.split('\n').map((line) => line.split(':').map((part) => part.trim()));
  return {
    cpu: fields.find(([key]) => key === 'model name')?.[1] ?? 'unknown',
    cores: fields.filter(([key]) => key === 'processor').length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}

export function describeTree(repoRoot: string): TreeState {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();
  const status = git('status', '--porcelain');
  return { commit: git('rev-parse', '--short=12', 'HEAD'), uncommittedFiles: status === '' ? 0 : status.split('\n').length };
}
