// The one place a target's line of the report is built, so every path (protocol, native steps, a run
// that could not start) reports the same fields and the same consequences.
import { describeError } from '../errors.js';
import type { Outcome, RotationStep, TargetResult } from '../../contract/report.js';
import type { RotationTarget } from './types.js';

/** Where AWSCURRENT stands at the end of a step: its version and when it was rotated. */
export interface CurrentVersion {
  readonly versionId: string | null;
  readonly rotatedAt: string | null;
}

const NO_VERSION: CurrentVersion = { versionId: null, rotatedAt: null };

export function targetResult(
  target: RotationTarget,
  outcome: Outcome,
  prolificSecretId: string | null,
  current: CurrentVersion,
): TargetResult {
  return {
    workspaceId: target.workspaceId,
    secretId: target.secretId,
    outcome,
    prolificSecretId,
    versionId: current.versionId,
    lastRotatedAt: current.rotatedAt,
  };
}

/** A failed target: the error, followed by what the failure at `step` means for receivers. */
export function failedResult(target: RotationTarget, step: RotationStep, error: unknown): TargetResult {
  return { ...targetResult(target, 'failed', null, NO_VERSION), failedStep: step, error: `${describeError(error)}${consequenceOf(step)}` };
}

const NOT_CALLED = ' [Prolific was not called; receivers keep working with the stored secret.]';
const NOT_REPLACED = ' [Prolific was not asked to replace the secret; receivers keep working with the stored one.]';
const MAYBE_REPLACED =
  " [Prolific's secret was not replaced, unless the error says it may have been; then run " +
  '{"action": "sync"} to store the one Prolific signs with.]';
const MAYBE_DIFFERENT =
  " [Prolific's secret may differ from the one in Secrets Manager: receivers may fail to verify deliveries " +
  'until a run succeeds. Prolific retries deliveries, so run {"action": "sync"} now.]';

/** What a failure at this step means for receivers, so the alarm's reader knows how urgent it is. */
function consequenceOf(step: RotationStep): string {
  switch (step) {
    case 'pre-flight':
      return NOT_CALLED;
    case 'resume':
    case 'reconcile':
    case 'write-check':
      return NOT_REPLACED;
    case 'rotate':
    case 'createSecret':
      return MAYBE_REPLACED;
    // Native rotation replaced Prolific's secret in createSecret: from then on only the pending version works.
    case 'store':
    case 'confirm':
    case 'setSecret':
    case 'testSecret':
    case 'finishSecret':
      return MAYBE_DIFFERENT;
  }
}
