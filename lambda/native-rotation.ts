import type { RotationTarget } from './config.js';
import { describeError, RotationConflictError, SecretStoreError } from './errors.js';
import type { NativeRotationStep } from './events.js';
import type { RotationDependencies, TargetResult } from './rotation.js';
import { holdsSecret, toStoredSecret } from './stored-secret.js';

/**
 * One step of Secrets Manager's own rotation ("Rotate secret immediately"), which invokes the function
 * four times with the new version's id (`token`). The same protocol in the shape Secrets Manager expects:
 * createSecret asks Prolific for the new secret and stores it at once as AWSPENDING under `token`;
 * setSecret has nothing to do (Prolific already signs with it); testSecret checks Prolific still signs
 * with the pending secret; finishSecret makes it AWSCURRENT. A regular run that finds the pending
 * version (say, finishSecret never came) resumes it.
 */
export async function processNativeStep(
  target: RotationTarget,
  step: NativeRotationStep,
  token: string,
  { prolific, store, now = () => new Date() }: RotationDependencies,
): Promise<TargetResult> {
  const { workspaceId, secretId } = target;
  const done = (outcome: TargetResult['outcome'], prolificSecretId: string | null, rotatedAt: string | null): TargetResult => ({
    workspaceId,
    secretId,
    outcome,
    prolificSecretId,
    versionId: token,
    lastRotatedAt: rotatedAt,
  });

  try {
    const versions = await store.describe(secretId);
    if (versions.currentVersionId === token) return done('unchanged', null, null);
    const pending = await readPendingVersion();

    switch (step) {
      case 'createSecret': {
        if (pending !== undefined) return done('unchanged', pending.id, pending.rotated_at);
        const active = await prolific.getActiveSecret(workspaceId);
        const created = await prolific.createSecret(workspaceId, active?.id);
        const stored = toStoredSecret(created, now());
        await store.putPending(secretId, stored, token);
        return done('rotated', created.id, stored.rotated_at);
      }
      case 'setSecret':
        return done('unchanged', pending?.id ?? null, pending?.rotated_at ?? null);
      case 'testSecret':
      case 'finishSecret': {
        const active = await prolific.getActiveSecret(workspaceId);
        if (!holdsSecret(pending, active) || pending === undefined) {
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
        return done('unchanged', pending.id, pending.rotated_at);
      }
    }
  } catch (error) {
    return { ...done('failed', null, null), versionId: null, failedStep: 'rotate', error: describeError(error) };
  }

  /** The secret stored under `token`, or undefined while Secrets Manager's empty placeholder version is all there is. */
  async function readPendingVersion() {
    try {
      return (await store.readVersion(secretId, token)).secret;
    } catch (error) {
      if (error instanceof SecretStoreError && error.awsErrorName === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  }
}
