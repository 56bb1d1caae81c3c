// Many workspaces in batches, one invocation at a time, gathered into one report; and what is kept when a
// batch cannot run.
import { describe, expect, it } from 'vitest';
import { CouldNotRunError } from '../../cli/errors.js';
import type { FunctionAnswer } from '../../cli/invoke-function.js';
import { runAction } from '../../cli/run-action.js';
import type { TargetResult } from '../../lambda/contract/report.js';

const WORKSPACES = ['a', 'b', 'c', 'd', 'e'];

function result(workspaceId: string, outcome: TargetResult['outcome']): TargetResult {
  return { workspaceId, secretId: `secret-${workspaceId}`, outcome, prolificSecretId: null, versionId: null, lastRotatedAt: null };
}

function recordingProgress() {
  const lines: string[] = [];
  return { lines, update: (line: string) => lines.push(line), finish: () => lines.push('(finished)') };
}

describe('runAction', () => {
  it('sends each batch once, in order, and reports every result, also those of a run that failed', async () => {
    const events: unknown[] = [];
    const progress = recordingProgress();
    const invoke = (event: unknown): Promise<FunctionAnswer> => {
      events.push(event);
      const { workspaceIds } = event as { workspaceIds: string[] };
      const results = workspaceIds.map((id) => result(id, id === 'c' ? 'failed' : 'would-rotate'));
      const report = { action: 'rotate', dryRun: true, results };
      const failed = results.some((entry) => entry.outcome === 'failed');
      return Promise.resolve(failed ? { kind: 'failed-run', report } : { kind: 'answer', payload: report });
    };

    const report = await runAction({ action: 'rotate', dryRun: true, workspaceIds: WORKSPACES, batchSize: 2 }, invoke, progress);

    expect(events).toEqual([
      { action: 'rotate', dryRun: true, workspaceIds: ['a', 'b'] },
      { action: 'rotate', dryRun: true, workspaceIds: ['c', 'd'] },
      { action: 'rotate', dryRun: true, workspaceIds: ['e'] },
    ]);
    expect(report.results.map((entry) => entry.workspaceId)).toEqual(WORKSPACES);
    expect(progress.lines).toEqual([
      'rotate: 2 of 5 workspaces, 0 failed',
      'rotate: 4 of 5 workspaces, 1 failed',
      'rotate: 5 of 5 workspaces, 1 failed',
      '(finished)',
    ]);
  });

  it('shows no progress for a single batch', async () => {
    const progress = recordingProgress();
    const report = { action: 'status', dryRun: false, results: [result('a', 'unchanged')] };
    const invoke = (): Promise<FunctionAnswer> => Promise.resolve({ kind: 'answer', payload: report });

    await runAction({ action: 'status', dryRun: false, workspaceIds: ['a'], batchSize: 25 }, invoke, progress);

    expect(progress.lines).toEqual(['(finished)']);
  });

  it('when a later batch cannot run, keeps the report of the batches before it and says the rest did not run', async () => {
    const invoke = (event: unknown): Promise<FunctionAnswer> => {
      const { workspaceIds } = event as { workspaceIds: string[] };
      if (workspaceIds.includes('c')) return Promise.reject(new CouldNotRunError('The function is already running.'));
      const results = workspaceIds.map((id) => result(id, 'unchanged'));
      return Promise.resolve({ kind: 'answer', payload: { action: 'sync', dryRun: false, results } });
    };

    const run = { action: 'sync', dryRun: false, workspaceIds: WORKSPACES, batchSize: 2 } as const;
    const failure = await runAction(run, invoke, recordingProgress()).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(CouldNotRunError);
    expect((failure as CouldNotRunError).message).toBe(
      'The function is already running.\nStopped after 2 of 5 workspaces (reported above); the others were not run.',
    );
    expect((failure as CouldNotRunError).report?.results.map((entry) => entry.workspaceId)).toEqual(['a', 'b']);
  });

  it('refuses an answer that is not a report', async () => {
    const invoke = (): Promise<FunctionAnswer> => Promise.resolve({ kind: 'answer', payload: 'hello' });
    const run = { action: 'status', dryRun: false, workspaceIds: ['a'], batchSize: 25 } as const;

    await expect(runAction(run, invoke, recordingProgress())).rejects.toThrow(/answered without a report of results/);
  });
});
