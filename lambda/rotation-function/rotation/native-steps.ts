// Secrets Manager's own rotation ("Rotate secret immediately") invokes the function four times with the
// new version's id (`token`), which RotateSecret has already labelled AWSPENDING. The same protocol, through
// the same steps, in the shape Secrets Manager expects: createSecret asks Prolific for the new secret
// (replaceSecret: write check, time check, POST) and stores it at once under `token`; setSecret has nothing
// to do (Prolific already signs with it); testSecret checks Prolific still signs with the pending secret;
// finishSecret makes it AWSCURRENT (promoteConfirmed: confirm, promote, confirm). A regular run that finds
// the pending version (say, finishSecret never came) resumes it. Each step first applies the guards of
// AWS's own rotation functions, so an event that RotateSecret did not start changes nothing.
import { ConfigurationError, RotationConflictError } from '../errors.js';
import { AWSCURRENT, AWSPENDING } from '../../contract/staging-labels.js';
import type { TargetVersions } from '../secrets/store.js';
import { replaceSecret } from './replace-secret.js';
import { failedResult, targetResult } from './result.js';
import { confirmActive, promoteConfirmed, type IsExpected } from './settle.js';
import { holdsSecret, readOnRecord, readVersionIfWritten, serialise, type OnRecord } from './stored-form.js';
import { startRun } from './target-run.js';
import { ensureCurrentOfWorkspace } from './workspace-ownership.js';
import type { NativeStep, Outcome, TargetResult } from '../../contract/report.js';
import type { RotationDependencies, RotationTarget } from './types.js';

export async function processNativeStep(
  target: RotationTarget,
  step: NativeStep,
  token: string,
  deps: RotationDependencies,
): Promise<TargetResult> {
  const { workspaceId, secretId, format } = target;
  // The shared steps name the protocol's steps; a failure here is reported as the native step it failed in.
  const run = startRun(target, deps, 'pre-flight');
  const done = (outcome: Outcome, onRecord: OnRecord | undefined, prolificSecretId = onRecord?.prolificSecretId) =>
    targetResult(target, outcome, prolificSecretId ?? null, { versionId: token, rotatedAt: onRecord?.rotatedAt ?? null });

  try {
    const versions = await run.store.describe(secretId);
    const stages = guardToken(versions, secretId, step, token);
    if (stages.includes(AWSCURRENT)) return done('unchanged', undefined);
    const pending = readOnRecord(format, await readVersionIfWritten(run.store, secretId, token));
    const holdsPending: IsExpected = (active) => holdsSecret(pending, active);

    switch (step) {
      case 'createSecret': {
        if (pending !== undefined) return done('unchanged', pending);
        await ensureCurrentOfWorkspace(run.store, target, versions);
        const active = await run.prolific.getActiveSecret(workspaceId);
        const created = await replaceSecret(run, active?.id);
        const rotatedAt = run.now();
        await run.store.putPending(secretId, serialise(format, created, rotatedAt), token);
        // Not `rotated` yet: AWSCURRENT moves, once Prolific confirms the secret, in finishSecret.
        return done('unchanged', { value: created.value, prolificSecretId: created.id, rotatedAt: rotatedAt.toISOString() });
      }
      case 'setSecret':
        return done('unchanged', pending);
      case 'testSecret': {
        const { confirmed, active } = await confirmActive(run, holdsPending);
        if (!confirmed) throw pendingNotActive(token);
        return done('unchanged', pending, active?.id);
      }
      case 'finishSecret': {
        // As in a regular run, only the check made after the label move tells whether a rotation running at
        // the same time replaced Prolific's secret in between, leaving AWSCURRENT on a secret that no longer works.
        const { promoted, confirmed, active } = await promoteConfirmed(run, token, holdsPending);
        if (!promoted) throw pendingNotActive(token);
        if (!confirmed) {
          throw new RotationConflictError(
            `Prolific's secret changed while version ${token} was made current ` +
              '(another rotation at the same time?). Run {"action": "sync"} to store the one Prolific signs with.',
          );
        }
        return done('rotated', pending, active?.id);
      }
    }
  } catch (error) {
    return failedResult(target, step, error);
  }
}

function pendingNotActive(token: string): RotationConflictError {
  return new RotationConflictError(
    `The pending version ${token} no longer holds Prolific's active secret. Cancel this rotation and run {"action": "sync"}.`,
  );
}

/**
 * AWS's guards: rotation must be enabled on the secret, and `token` must be one of its versions labelled
 * AWSPENDING (or already AWSCURRENT, when the step is done). Returns the token's labels.
 */
function guardToken(versions: TargetVersions, secretId: string, step: NativeStep, token: string): readonly string[] {
  if (!versions.rotationEnabled) {
    throw new ConfigurationError(
      `Secret ${secretId} does not have Secrets Manager rotation enabled, so this ${step} event did not come from its rotation. ` +
        'Nothing was changed; use {"action": "rotate"} to rotate, or enable rotation on the secret with this function.',
    );
  }
  const stages = versions.stages[token];
  if (stages === undefined || (!stages.includes(AWSPENDING) && !stages.includes(AWSCURRENT))) {
    throw new ConfigurationError(
      `Version ${token} of secret ${secretId} is not labelled AWSPENDING, so no rotation of this secret started it. ` +
        'Nothing was changed; start a rotation with "Rotate secret immediately", or use {"action": "rotate"}.',
    );
  }
  return stages;
}
