// Storing a Prolific secret as AWSCURRENT, and settling on Prolific's active secret when a concurrent
// rotation overtakes the write.
import { RotationConflictError } from '../errors.js';
import type { ProlificSecret } from '../prolific/types.js';
import type { CurrentVersion } from './result.js';
import { toStoredSecret, versionIdFor } from './stored-form.js';
import type { ProtocolStep, RotationDependencies, RotationTarget } from './types.js';

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
  readonly rotatedAt: string;
  readonly secret: ProlificSecret;
}

/**
 * Stores `secret` as a new version, makes it AWSCURRENT, then asks Prolific whether it still signs with
 * it. The check comes after the write on purpose: once Prolific replaced a secret, the old AWSCURRENT is
 * dead anyway, and only a check made after this run's last write tells whether a concurrent rotation
 * overtook it; if one did, the run stores Prolific's newer secret instead, so concurrent runs converge.
 */
export async function storeAsCurrent(run: TargetRun, secret: ProlificSecret): Promise<Settled> {
  const { workspaceId, secretId } = run.target;
  let candidate = secret;
  for (let round = 1; ; round++) {
    run.step = 'store';
    const versionId = versionIdFor(workspaceId, candidate.id);
    const stored = toStoredSecret(candidate, run.now());
    await run.store.putPending(secretId, stored, versionId);
    await run.store.promote(secretId, versionId);
    run.step = 'confirm';
    const active = await run.prolific.getActiveSecret(workspaceId);
    if (active?.id === candidate.id) return { versionId, secret: candidate, rotatedAt: stored.rotated_at };
    if (active === undefined) {
      throw new RotationConflictError(`Prolific reports no active secret for workspace ${workspaceId} right after one was stored.`);
    }
    if (round === SETTLE_ROUNDS) {
      throw new RotationConflictError(
        `Prolific's secret for workspace ${workspaceId} changed ${SETTLE_ROUNDS} times while this run stored it ` +
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
