// Secrets Manager's own rotation ("Rotate secret immediately") invokes the function four times with the
// new version's id (`token`). The same protocol in the shape Secrets Manager expects: createSecret asks
// Prolific for the new secret and stores it at once as AWSPENDING under `token`; setSecret has nothing to
// do (Prolific already signs with it); testSecret checks Prolific still signs with the pending secret;
// finishSecret makes it AWSCURRENT. A regular run that finds the pending version (say, finishSecret never
// came) resumes it.
import { RotationConflictError, SecretStoreError } from '../errors.js';
import type { StoredSecret } from '../secrets/stored-secret.js';
import { failedResult, targetResult } from './result.js';
import { holdsSecret, toStoredSecret } from './stored-form.js';
import type { NativeStep, Outcome, RotationDependencies, RotationTarget, TargetResult } from './types.js';

export async function processNativeStep(
  target: RotationTarget,
  step: NativeStep,
  token: string,
  { prolific, store, now = () => new Date() }: RotationDependencies,
): Promise<TargetResult> {
  const { workspaceId, secretId } = target;
  const done = (outcome: Outcome, secret: StoredSecret | undefined) =>
    targetResult(target, outcome, secret?.id ?? null, { versionId: token, rotatedAt: secret?.rotated_at ?? null });

  try {
    const versions = await store.describe(secretId);
    if (versions.currentVersionId === token) return done('unchanged', undefined);
    const pending = await readPendingVersion();

    switch (step) {
      case 'createSecret': {
        if (pending !== undefined) return done('unchanged', pending);
        const active = await prolific.getActiveSecret(workspaceId);
        const stored = toStoredSecret(await prolific.createSecret(workspaceId, active?.id), now());
        await store.putPending(secretId, stored, token);
        return done('rotated', stored);
      }
      case 'setSecret':
        return done('unchanged', pending);
      case 'testSecret':
      case 'finishSecret': {
        const active = await prolific.getActiveSecret(workspaceId);
        if (pending === undefined || !holdsSecret(pending, active)) {
          throw new RotationConflictError(
            `The pending version ${token} no longer holds Prolific's active secret for workspace ${workspaceId}. ` +
              'Cancel this rotation and run {"action": "sync"}.',
          );
        }
        if (step === 'finishSecret') {
          await store.promote(secretId, token);
          // As in a regular run, only a check made after the write tells whether a rotation running at the
          // same time replaced Prolific's secret in between, leaving AWSCURRENT on a secret that no longer works.
          if (!holdsSecret(pending, await prolific.getActiveSecret(workspaceId))) {
            throw new RotationConflictError(
              `Prolific's secret for workspace ${workspaceId} changed while version ${token} was made current ` +
                '(another rotation at the same time?). Run {"action": "sync"} to store the one Prolific signs with.',
            );
          }
        }
        return done('unchanged', pending);
      }
    }
  } catch (error) {
    return failedResult(target, step, error);
  }

  /** The secret stored under `token`, or undefined while Secrets Manager's empty placeholder version is all there is. */
  async function readPendingVersion(): Promise<StoredSecret | undefined> {
    try {
      return (await store.readVersion(secretId, token)).secret;
    } catch (error) {
      if (error instanceof SecretStoreError && error.awsErrorName === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  }
}
