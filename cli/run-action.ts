// status, sync or rotate over many workspaces: one invocation per batch (the function runs one at a time),
// each batch's results gathered into one report, a progress line after each batch when there are several.
import type { Action, RotationReport, TargetResult } from '../lambda/contract/report.js';
import { CouldNotRunError } from './errors.js';
import type { FunctionAnswer } from './invoke-function.js';
import type { Progress } from './progress.js';

export interface ActionRun {
  readonly action: Action;
  readonly dryRun: boolean;
  readonly workspaceIds: readonly string[];
  readonly batchSize: number;
}

export async function runAction(
  run: ActionRun,
  invoke: (event: unknown) => Promise<FunctionAnswer>,
  progress: Progress,
): Promise<RotationReport> {
  const { action, dryRun, workspaceIds, batchSize } = run;
  const batches = inBatches(workspaceIds, batchSize);
  const results: TargetResult[] = [];
  const reportSoFar = (): RotationReport => ({ action, dryRun, results: [...results] });
  try {
    for (const batch of batches) {
      const answer = await invoke({ action, ...(dryRun ? { dryRun } : {}), workspaceIds: batch });
      results.push(...resultsOf(answer));
      if (batches.length > 1) {
        const failed = results.filter((result) => result.outcome === 'failed').length;
        progress.update(`${action}: ${results.length} of ${workspaceIds.length} workspaces, ${failed} failed`);
      }
    }
  } catch (error) {
    if (!(error instanceof CouldNotRunError) || results.length === 0) throw error;
    throw new CouldNotRunError(
      `${error.message}\n` +
        `Stopped after ${results.length} of ${workspaceIds.length} workspaces (reported above); the others were not run.`,
      reportSoFar(),
    );
  } finally {
    progress.finish();
  }
  return reportSoFar();
}

function inBatches(ids: readonly string[], size: number): string[][] {
  const batches: string[][] = [];
  for (let start = 0; start < ids.length; start += size) batches.push(ids.slice(start, start + size));
  return batches;
}

function resultsOf(answer: FunctionAnswer): readonly TargetResult[] {
  if (answer.kind === 'failed-run') return answer.report.results;
  const { payload } = answer;
  const results: unknown = typeof payload === 'object' && payload !== null && 'results' in payload ? payload.results : undefined;
  if (!Array.isArray(results)) {
    throw new CouldNotRunError(
      'The function answered without a report of results: is it the rotation function, and deployed from this version?',
    );
  }
  // The function's own report, trusted as the function's type says (its rows are not checked one by one).
  return results as TargetResult[];
}
