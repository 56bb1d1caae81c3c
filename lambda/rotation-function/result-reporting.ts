// What an invocation reports: the result it returns, one log line and one set of metrics per target,
// and the error it ends in when a target failed. Never a secret value or the token.
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { MetricUnit as Unit } from '@aws-lambda-powertools/metrics/types';
import { METRIC_NAMES, WORKSPACE_DIMENSION } from '../contract/metrics.js';
import { RotationFailedError } from './errors.js';
import { REPORT_LINE_PREFIX } from '../contract/report.js';
import type { TargetResult, RotationReport } from '../contract/report.js';

export function logTargetResult(logger: Logger, result: TargetResult): void {
  const attributes = {
    workspace_id: result.workspaceId,
    secret_id: result.secretId,
    outcome: result.outcome,
    prolific_secret_id: result.prolificSecretId,
    version_id: result.versionId,
    last_rotated_at: result.lastRotatedAt,
    ...(result.drift === undefined ? {} : { drift: result.drift }),
    ...(result.plan === undefined ? {} : { plan: result.plan }),
    ...(result.currentMissing === undefined ? {} : { current_missing: result.currentMissing }),
    ...(result.driftHealed === undefined ? {} : { drift_healed: result.driftHealed }),
    ...(result.deliveries === undefined ? {} : { deliveries: result.deliveries }),
    ...(result.deliveriesError === undefined ? {} : { deliveries_error: result.deliveriesError }),
    ...(result.failedStep === undefined ? {} : { rotation_step: result.failedStep, error: result.error }),
  };
  if (result.outcome === 'failed') logger.error('Target failed', attributes);
  else logger.info('Target finished', attributes);
}

/**
 * Publishes one target's metrics (with its own workspace_id dimension) right away, so a later crash
 * cannot swallow them.
 */
export function emitTargetMetrics(metrics: Metrics, result: TargetResult, now: Date): void {
  metrics.addDimension(WORKSPACE_DIMENSION, result.workspaceId);
  // Service-wide too, so the dashboard's totals need no SEARCH over the workspaces (which stops at 500 of them).
  if (result.outcome === 'rotated' || result.outcome === 'resumed') emitCondition(metrics, METRIC_NAMES.rotationSucceeded, 1);
  if (result.outcome === 'failed') emitCondition(metrics, METRIC_NAMES.targetFailed, 1);
  if (result.currentMissing) emitCondition(metrics, METRIC_NAMES.currentVersionMissing, 1);
  if (result.driftHealed) emitCondition(metrics, METRIC_NAMES.driftHealed, 1);
  if (result.deliveries !== undefined) {
    emitCondition(metrics, METRIC_NAMES.subscriptionsDisabled, result.deliveries.disabled);
    emitCondition(metrics, METRIC_NAMES.deliveriesFailedSinceRotation, result.deliveries.failedSinceRotation);
  }
  if (result.deliveriesError !== undefined || zeroIsOnlyALowerBound(result.deliveries)) {
    emitCondition(metrics, METRIC_NAMES.deliveryHealthUnknown, 1);
  }
  if (result.lastRotatedAt !== null) {
    const ageSeconds = Math.max(0, Math.round((now.getTime() - Date.parse(result.lastRotatedAt)) / 1000));
    // Service-wide too: one staleness alarm watches the oldest secret of all workspaces (its Maximum).
    emitCondition(metrics, METRIC_NAMES.secondsSinceLastRotation, ageSeconds, MetricUnit.Seconds);
  }
  metrics.publishStoredMetrics();
}

/**
 * A condition a person must hear of, per workspace (for the dashboard) and once more without the workspace
 * dimension, so that one alarm watches every workspace at once.
 */
export function emitCondition(metrics: Metrics, name: string, value: number, unit: Unit = MetricUnit.Count): void {
  metrics.addMetric(name, unit, value);
  metrics.singleMetric().addMetric(name, unit, value);
}

/**
 * The error an invocation ends in when any target failed, after every target ran; undefined when none did.
 * Its message holds the whole report: a line per workspace for a person reading the console, then the report
 * as JSON on its last line (`reportFromErrorMessage`) for the command line; Lambda returns only the message.
 */
export function failureOf(report: RotationReport): RotationFailedError | undefined {
  const failed = report.results.filter((result) => result.outcome === 'failed').length;
  if (failed === 0) return undefined;
  const lines = [
    `${failed} of ${report.results.length} workspace(s) failed (${report.action}${report.dryRun ? ', dry run' : ''}). Each workspace:`,
    ...report.results.map(describeResult),
    `${REPORT_LINE_PREFIX}${JSON.stringify(report)}`,
  ];
  return new RotationFailedError(lines.join('\n'), report);
}

/** One workspace's line for a person: its outcome and what matters about it, the workspace named once. */
export function describeResult(result: TargetResult): string {
  if (result.outcome === 'failed') {
    return `${result.workspaceId}: failed at step ${result.failedStep ?? 'unknown'}: ${result.error ?? 'no detail'}`;
  }
  const details = [
    result.plan === undefined ? undefined : `would ${result.plan.join(', then ')}`,
    result.prolificSecretId === null ? undefined : `Prolific secret ${result.prolificSecretId}`,
    result.versionId === null ? undefined : `version ${result.versionId}`,
    result.lastRotatedAt === null ? undefined : `last rotated ${result.lastRotatedAt}`,
  ].filter((detail) => detail !== undefined);
  return `${result.workspaceId}: ${result.outcome}${details.length > 0 ? ` (${details.join('; ')})` : ''}`;
}

/**
 * A count of 0 that is only a lower bound (the page bound stopped the read before the failures since the
 * rotation were reached) says nothing: the failure alarm would stay silent, so it counts as unknown.
 */
function zeroIsOnlyALowerBound(deliveries: TargetResult['deliveries']): boolean {
  return deliveries?.failureCount === 'lower-bound' && deliveries.failedSinceRotation === 0;
}
