// What an invocation reports: the result it returns, one log line and one set of metrics per target,
// and the error it ends in when a target failed. Never a secret value or the token.
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { METRIC_NAMES, WORKSPACE_DIMENSION } from './contract.js';
import { RotationFailedError } from './errors.js';
import type { TargetResult } from './rotation/types.js';

/** What an invocation returns. Never holds a secret value or the token. */
export interface RotationReport {
  readonly action: string;
  readonly dryRun: boolean;
  readonly results: readonly TargetResult[];
}

export function logTargetResult(logger: Logger, result: TargetResult): void {
  const attributes = {
    workspace_id: result.workspaceId,
    secret_id: result.secretId,
    outcome: result.outcome,
    prolific_secret_id: result.prolificSecretId,
    version_id: result.versionId,
    last_rotated_at: result.lastRotatedAt,
    ...(result.drift === undefined ? {} : { drift: result.drift }),
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
  if (result.outcome === 'rotated' || result.outcome === 'resumed') metrics.addMetric(METRIC_NAMES.rotationSucceeded, MetricUnit.Count, 1);
  if (result.outcome === 'failed') metrics.addMetric(METRIC_NAMES.targetFailed, MetricUnit.Count, 1);
  if (result.currentMissing) emitCondition(metrics, METRIC_NAMES.currentVersionMissing, 1);
  if (result.driftHealed) emitCondition(metrics, METRIC_NAMES.driftHealed, 1);
  if (result.deliveries !== undefined) {
    emitCondition(metrics, METRIC_NAMES.subscriptionsDisabled, result.deliveries.disabled);
    emitCondition(metrics, METRIC_NAMES.deliveriesFailedSinceRotation, result.deliveries.failedSinceRotation);
  }
  if (result.deliveriesError !== undefined) emitCondition(metrics, METRIC_NAMES.deliveryHealthUnknown, 1);
  if (result.lastRotatedAt !== null) {
    const ageSeconds = Math.max(0, Math.round((now.getTime() - Date.parse(result.lastRotatedAt)) / 1000));
    metrics.addMetric(METRIC_NAMES.secondsSinceLastRotation, MetricUnit.Seconds, ageSeconds);
  }
  metrics.publishStoredMetrics();
}

/**
 * A condition a person must hear of, per workspace (for the dashboard) and once more without the workspace
 * dimension, so that one alarm watches every workspace at once.
 */
export function emitCondition(metrics: Metrics, name: string, value: number): void {
  metrics.addMetric(name, MetricUnit.Count, value);
  metrics.singleMetric().addMetric(name, MetricUnit.Count, value);
}

/** The error an invocation ends in when any target failed, after every target ran; undefined when none did. */
export function failureOf(report: RotationReport): RotationFailedError | undefined {
  const failed = report.results.filter((result) => result.outcome === 'failed');
  if (failed.length === 0) return undefined;
  return new RotationFailedError(
    `${failed.length} of ${report.results.length} target(s) failed: ` +
      report.results.map((result) => `${result.workspaceId} ${result.outcome}${result.error ? ` (${result.error})` : ''}`).join('; '),
  );
}
