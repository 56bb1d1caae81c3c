// One invocation, once its event is understood: read the token, resolve the secrets' identities, run each
// target through the rotation core, report each result (log line, metrics, event for receivers), and end
// in an error carrying the whole report when any target failed.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { mapConcurrently } from './map-concurrently.js';
import { METRIC_NAMES, WORKSPACE_DIMENSION } from '../contract/metrics.js';
import { MIN_TARGET_START_MS, TARGET_TIME_BUDGET_MS } from '../contract/time-budgets.js';
import { DeadlineError, describeError } from './errors.js';
import type { RotationRequest } from './invocation-event.js';
import { resolveTargets, type ResolvedTarget } from './secret-arns.js';
import type { RotationReport, TargetResult } from '../contract/report.js';
import { emitCondition, emitTargetMetrics, failureOf, logTargetResult } from './result-reporting.js';
import { announceRotation, changedCurrent, type ChangedResult } from './announce-rotation.js';
import { processNativeStep } from './rotation/native-steps.js';
import { processTarget } from './rotation/protocol.js';
import { failedResult } from './rotation/result.js';
import type { RotationDependencies, RotationTarget } from './rotation/types.js';
import type { Dependencies } from './dependencies.js';

/** What an invocation reports to and reads the time from. */
export interface InvocationContext {
  readonly dependencies: Dependencies;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly now: () => Date;
  /** Milliseconds left before Lambda stops the invocation. */
  readonly msLeft: () => number;
}

/** An invocation, once its event is understood: what to report it as, which targets, and how to run each. */
interface InvocationJob {
  readonly action: string;
  readonly dryRun: boolean;
  readonly targets: readonly RotationTarget[];
  run(target: RotationTarget, deps: RotationDependencies): Promise<TargetResult>;
}

export function jobFor(request: RotationRequest): InvocationJob {
  switch (request.kind) {
    case 'action':
      return { ...request, run: (target, deps) => processTarget(target, request, deps) };
    case 'native':
      return {
        action: `native:${request.step}`,
        dryRun: false,
        targets: [request.target],
        run: (target, deps) => processNativeStep(target, request.step, request.clientRequestToken, deps),
      };
  }
}

export async function runInvocation(job: InvocationJob, context: InvocationContext): Promise<RotationReport> {
  const { dependencies, logger, metrics, now, msLeft } = context;
  const { action, dryRun, targets } = job;
  logger.info('Invocation started', {
    action,
    dry_run: dryRun,
    target_count: targets.length,
    ...(dependencies.config.targetsVersion === undefined ? {} : { targets_version: dependencies.config.targetsVersion }),
  });

  // Without a token no target can start; each reports why, so the report still covers every workspace.
  const prolific = await dependencies.prolificClients().catch((error: unknown) => ({ failure: error }));
  const resolved = await resolveTargets(dependencies.identities, targets, dependencies.config.tokenSecretId);
  // Targets are independent: a slow or failing one holds up only its own slot, never the others.
  const results = await mapConcurrently(resolved, dependencies.config.concurrency, async (entry) => {
    const result = await runTarget(entry);
    logTargetResult(logger, result);
    emitTargetMetrics(metrics, result, now());
    if (changedCurrent(result)) await announce(context, result);
    return result;
  });

  const report: RotationReport = { action, dryRun, results };
  const failure = failureOf(report);
  if (failure) {
    // A failed run may have failed on the token (empty, the placeholder, refused by Prolific): the next run
    // reads it again, so the fix the error asks for works at once, not when the cache expires.
    dependencies.forgetCaches();
    throw failure;
  }
  logger.info('Invocation finished', { action, outcomes: results.map((result) => result.outcome) });
  return report;

  async function runTarget({ target, failure }: ResolvedTarget): Promise<TargetResult> {
    if (typeof prolific !== 'function') return failedResult(target, 'pre-flight', prolific.failure);
    if (failure !== undefined) return failedResult(target, 'pre-flight', failure);
    if (msLeft() < MIN_TARGET_START_MS) {
      const deadline = new DeadlineError(
        `Not started: only ${Math.floor(msLeft() / 1000)} s of the invocation were left, less than the ${MIN_TARGET_START_MS / 1000} s ` +
          `a workspace needs. Raise the function timeout, or run this workspace on its own ({"workspaceId": "${target.workspaceId}"}).`,
      );
      return failedResult(target, 'pre-flight', deadline);
    }
    const targetMsLeft = targetClock(msLeft);
    return job.run(target, { prolific: prolific(targetMsLeft), store: dependencies.store, logger, now, msLeft: targetMsLeft });
  }
}

/**
 * A target's own clock: the invocation's time left, but never more than TARGET_TIME_BUDGET_MS from its start,
 * so that the waves of targets the construct sized the timeout for all fit, however slow one target is.
 */
export function targetClock(msLeft: () => number): () => number {
  const leftWhenSpent = msLeft() - TARGET_TIME_BUDGET_MS;
  return leftWhenSpent > 0 && Number.isFinite(leftWhenSpent) ? () => msLeft() - leftWhenSpent : msLeft;
}

/** A missed event is loud (an alarm), but does not fail a run whose secret did change. */
async function announce({ dependencies, logger, metrics }: InvocationContext, result: ChangedResult): Promise<void> {
  try {
    await announceRotation(dependencies.eventBridge, result);
  } catch (error) {
    logger.error('Rotation event not sent: receivers that cache the secret must be refreshed by hand', {
      workspace_id: result.workspaceId,
      version_id: result.versionId,
      error: describeError(error),
    });
    metrics.addDimension(WORKSPACE_DIMENSION, result.workspaceId);
    emitCondition(metrics, METRIC_NAMES.rotationEventFailed, 1);
    metrics.publishStoredMetrics();
  }
}
