// Storing a Prolific secret as AWSCURRENT only once Prolific confirms it, and settling on Prolific's active
// secret when a concurrent rotation overtakes the write.
import { RotationConflictError, RotationUnconfirmedError, SecretStoreError } from '../errors.js';
import type { ProlificSecret } from '../prolific/types.js';
import type { CurrentVersion } from './result.js';
import { holdsSecret, readOnRecord, serialise, versionIdFor } from './stored-form.js';
import type { ProtocolStep } from '../../contract/report.js';
import type { RotationDependencies, RotationTarget } from './types.js';

/** A run whose Prolific secret keeps changing under it stops after this many store-and-check rounds. */
export const SETTLE_ROUNDS = 3;

/** One target's run in progress: what it works with, and the step it is in (named if it fails). */
export interface TargetRun extends Required<RotationDependencies> {
  readonly target: RotationTarget;
  step: ProtocolStep;
}

/** A secret stored and made AWSCURRENT, and confirmed by Prolific as its active one. */
export interface Settled extends CurrentVersion {
  readonly versionId: string;
  readonly secret: ProlificSecret;
}

/**
 * Stores `secret` as AWSPENDING, confirms with Prolific that it is the active secret, makes it AWSCURRENT,
 * then asks Prolific once more. The first check keeps a secret Prolific does not list (a POST that did not
 * take effect) out of AWSCURRENT and AWSPREVIOUS. The second tells whether a concurrent rotation overtook
 * this run between the check and the label move; if one did, the run stores Prolific's newer secret
 * instead, so concurrent runs converge on the secret Prolific signs with.
 *
 * `replaces` is the id of Prolific's secret before a POST: if Prolific still lists it, the POST did not
 * rotate anything, and the run fails rather than report a rotation without evidence.
 */
export async function storeAsCurrent(run: TargetRun, secret: ProlificSecret, replaces?: string): Promise<Settled> {
  const { workspaceId } = run.target;
  let candidate = secret;
  for (let round = 1; ; round++) {
    const stored = await storePending(run, candidate);
    run.step = 'confirm';
    let active = await run.prolific.getActiveSecret(workspaceId);
    if (active?.id === candidate.id) {
      await run.store.promote(run.target.secretId, stored.versionId);
      active = await run.prolific.getActiveSecret(workspaceId);
      if (active?.id === candidate.id) return stored;
    } else {
      await run.store.dropPending(run.target.secretId, stored.versionId);
    }
    if (active === undefined) {
      throw new RotationConflictError('Prolific reports no active secret right after one was stored.');
    }
    if (replaces !== undefined && active.id === replaces) {
      run.step = 'rotate'; // nothing was rotated: what a failed POST means for receivers applies
      throw new RotationUnconfirmedError(
        `Prolific answered the POST with secret ${candidate.id}, but still lists ${replaces} as ` +
          'its active secret, so nothing was rotated; the answer was not made AWSCURRENT. Run {"action": "rotate"} again later.',
      );
    }
    if (round === SETTLE_ROUNDS) {
      throw new RotationConflictError(
        `Prolific's secret changed ${SETTLE_ROUNDS} times while this run stored it ` +
          '(another rotation running at the same time?). Run {"action": "sync"} once the other run is done.',
      );
    }
    run.logger.warn('Prolific secret changed while it was being stored; storing the newer one', {
      workspace_id: workspaceId,
      rotation_step: run.step,
      prolific_secret_id: active.id,
    });
    candidate = active;
  }
}

/**
 * Writes `secret` as AWSPENDING under its derived version id. When that version exists already (an earlier
 * or concurrent run stored the same Prolific secret), what it holds counts, `rotated_at` included.
 */
async function storePending(run: TargetRun, secret: ProlificSecret): Promise<Settled> {
  const { workspaceId, secretId, format } = run.target;
  run.step = 'store';
  const versionId = versionIdFor(workspaceId, secret.id, format);
  const now = run.now();
  const version = await run.store.putPending(secretId, serialise(format, secret, now), versionId);
  const onRecord = readOnRecord(format, version);
  if (!holdsSecret(onRecord, secret)) {
    throw new SecretStoreError(
      `Version ${versionId} of ${secretId} already exists and holds something other than Prolific's secret ${secret.id}; ` +
        'Secrets Manager never changes a version, so this secret cannot be stored under its id. Replace the secret in ' +
        'the Prolific app (a new secret gets a new version id), then run {"action": "sync"}.',
      'ResourceExistsException',
    );
  }
  return { versionId, secret, rotatedAt: onRecord?.rotatedAt ?? now.toISOString() };
}
