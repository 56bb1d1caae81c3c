// The rotation protocol for one target: pre-flight, resume, reconcile, rotate. Prolific generates the new
// value and invalidates the old one at once, so between Prolific's answer and the write to Secrets Manager
// the new value exists only in this process; the order of the steps below keeps that window harmless.
import { RotationConflictError } from '../errors.js';
import type { ProlificSecret } from '../prolific/types.js';
import type { StoredVersion } from '../secrets/store.js';
import { failedResult, targetResult, type CurrentVersion } from './result.js';
import { holdsSecret, toStoredSecret, versionIdFor } from './stored-form.js';
import type { Outcome, ProtocolStep, RotationDependencies, RotationMode, RotationTarget, TargetResult } from './types.js';

/** A run whose Prolific secret keeps changing under it stops after this many store-and-check rounds. */
export const SETTLE_ROUNDS = 3;

/** A secret stored and made AWSCURRENT, and confirmed by Prolific as its active one. */
interface Settled extends CurrentVersion {
  readonly versionId: string;
  readonly secret: ProlificSecret;
}

/**
 * Brings one target to the invariant (AWSCURRENT holds Prolific's active secret), and rotates it if
 * asked. Never throws: a failure becomes an outcome `failed` naming the step, so targets stay independent.
 */
export async function processTarget(target: RotationTarget, mode: RotationMode, deps: RotationDependencies): Promise<TargetResult> {
  const { workspaceId, secretId } = target;
  const { prolific, store, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const readOnly = mode.dryRun || mode.action === 'status';
  let step: ProtocolStep = 'pre-flight';

  /**
   * Stores `secret` as a new version, makes it AWSCURRENT, then asks Prolific whether it still signs with
   * it. The check comes after the write on purpose: once Prolific replaced a secret, the old AWSCURRENT is
   * dead anyway, and only a check made after this run's last write tells whether a concurrent rotation
   * overtook it; if one did, the run stores Prolific's newer secret instead, so concurrent runs converge.
   */
  async function storeAsCurrent(secret: ProlificSecret): Promise<Settled> {
    let candidate = secret;
    for (let round = 1; round <= SETTLE_ROUNDS; round++) {
      step = 'store';
      const versionId = versionIdFor(workspaceId, candidate.id);
      const stored = toStoredSecret(candidate, now());
      await store.putPending(secretId, stored, versionId);
      await store.promote(secretId, versionId);
      step = 'confirm';
      const active = await prolific.getActiveSecret(workspaceId);
      if (active?.id === candidate.id) return { versionId, secret: candidate, rotatedAt: stored.rotated_at };
      if (active === undefined) {
        throw new RotationConflictError(`Prolific reports no active secret for workspace ${workspaceId} right after one was stored.`);
      }
      logger.warn('Prolific secret changed while it was being stored; storing the newer one', {
        workspace_id: workspaceId,
        rotation_step: step,
        prolific_secret_id: active.id,
      });
      candidate = active;
    }
    throw new RotationConflictError(
      `Prolific's secret for workspace ${workspaceId} changed ${SETTLE_ROUNDS} times while this run stored it ` +
        '(another rotation running at the same time?). Run {"action": "sync"} once the other run is done.',
    );
  }

  try {
    // 1. Pre-flight: the target secret must be readable before Prolific is touched.
    const versions = await store.describe(secretId);
    const current: StoredVersion | undefined = versions.currentVersionId
      ? await store.readVersion(secretId, versions.currentVersionId)
      : undefined;
    let active: ProlificSecret | undefined;

    // 2. Resume: AWSPENDING on another version means an earlier run stopped between its write and its
    //    promotion. If Prolific still signs with that pending secret, finishing the promotion completes the
    //    earlier rotation (no second POST); otherwise the pending version is stale and its label goes.
    if (versions.pendingVersionId !== undefined && versions.pendingVersionId !== versions.currentVersionId) {
      step = 'resume';
      const pending = await store.readVersion(secretId, versions.pendingVersionId);
      active = await prolific.getActiveSecret(workspaceId);
      if (!readOnly && active !== undefined && holdsSecret(pending.secret, active)) {
        const settled = await storeAsCurrent(active);
        // The version made current may not be the pending one (Secrets Manager's own rotation names its
        // version itself, and a newer secret may have been stored instead). Its label must not stay behind
        // as a lock that every later run would "resume" instead of rotating.
        if (settled.versionId !== pending.versionId) {
          step = 'resume';
          await store.dropPending(secretId, pending.versionId);
        }
        return targetResult(target, 'resumed', settled.secret.id, settled);
      }
      if (!readOnly) await store.dropPending(secretId, pending.versionId);
    }

    // 3. Reconcile: AWSCURRENT must hold Prolific's active secret; if not (drift, a placeholder, an
    //    earlier run that failed after its POST), store the active one, which Prolific's GET returns.
    step = 'reconcile';
    active ??= await prolific.getActiveSecret(workspaceId);
    const inSync = holdsSecret(current?.secret, active);
    const currentNow: CurrentVersion = { versionId: current?.versionId ?? null, rotatedAt: current?.secret?.rotated_at ?? null };
    if (readOnly) {
      const drift = active !== undefined && !inSync;
      const outcome: Outcome = mode.action === 'rotate' ? 'would-rotate' : drift ? 'would-heal' : 'unchanged';
      return { ...targetResult(target, outcome, active?.id ?? null, currentNow), drift };
    }
    let healed: Settled | undefined;
    if (active !== undefined && !inSync) {
      healed = await storeAsCurrent(active);
      active = healed.secret;
    }
    if (mode.action !== 'rotate') {
      return healed ? targetResult(target, 'healed', healed.secret.id, healed) : targetResult(target, 'unchanged', active?.id ?? null, currentNow);
    }

    // 4. Rotate: from Prolific's answer until the write below succeeds, the new value exists only in
    //    this process, and the old one no longer works. Store it at once; if that fails for good, the run
    //    fails loudly and the next run's step 3 recovers the value from Prolific's GET.
    step = 'rotate';
    const created = await prolific.createSecret(workspaceId, active?.id);
    const rotated = await storeAsCurrent(created);
    return targetResult(target, 'rotated', rotated.secret.id, rotated);
  } catch (error) {
    return failedResult(target, step, error);
  }
}
