import type { RotationTarget } from './config.js';
import { describeError, RotationConflictError } from './errors.js';
import type { Action } from './events.js';
import type { ProlificClient, ProlificSecret } from './prolific-client.js';
import type { SecretStore, StoredVersion } from './secret-store.js';
import { holdsSecret, toStoredSecret, versionIdFor } from './stored-secret.js';

export type Outcome = 'rotated' | 'healed' | 'resumed' | 'unchanged' | 'would-rotate' | 'would-heal' | 'failed';

/** The step a target was in; logged as `rotation_step`, and named in a failure. */
export type RotationStep = 'pre-flight' | 'resume' | 'reconcile' | 'rotate' | 'store' | 'confirm';

/** One target's line of the result. Never holds a secret value. */
export interface TargetResult {
  readonly workspaceId: string;
  readonly secretId: string;
  readonly outcome: Outcome;
  /** Prolific's active secret id at the end (what AWSCURRENT holds after a successful run). */
  readonly prolificSecretId: string | null;
  /** The AWSCURRENT version id at the end. */
  readonly versionId: string | null;
  /** When AWSCURRENT was written by a rotation or heal (`rotated_at`), if known. */
  readonly lastRotatedAt: string | null;
  /** Read-only runs only: whether AWSCURRENT differs from Prolific's active secret. */
  readonly drift?: boolean;
  /** Failed runs only: the step that failed and why. */
  readonly error?: string;
  readonly failedStep?: RotationStep;
}

/** The slice of Powertools' Logger the core uses. */
export interface RotationLogger {
  warn(message: string, attributes: Record<string, unknown>): void;
}

export interface RotationDependencies {
  readonly prolific: ProlificClient;
  readonly store: SecretStore;
  readonly logger: RotationLogger;
  readonly now?: () => Date;
}

export interface RotationMode {
  readonly action: Action;
  /** Read and report only: no Secrets Manager write, no Prolific POST. `status` is always read-only. */
  readonly dryRun: boolean;
}

/** A run whose Prolific secret keeps changing under it stops after this many store-and-check rounds. */
const SETTLE_ROUNDS = 3;

/**
 * Brings one target to DESIGN.md's invariant, and rotates it if asked: pre-flight, resume, reconcile,
 * rotate. Never throws: a failure becomes an outcome `failed` naming the step, so targets stay independent.
 */
export async function processTarget(target: RotationTarget, mode: RotationMode, deps: RotationDependencies): Promise<TargetResult> {
  const { workspaceId, secretId } = target;
  const { prolific, store, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const readOnly = mode.dryRun || mode.action === 'status';
  let step: RotationStep = 'pre-flight';
  const enter = (next: RotationStep) => {
    step = next;
  };

  /**
   * Stores `secret` as a new version, makes it AWSCURRENT, then asks Prolific whether it still signs with
   * it. The check comes after the write on purpose: once Prolific replaced a secret, the old AWSCURRENT is
   * dead anyway, and only a check made after this run's last write tells whether a concurrent rotation
   * overtook it; if one did, the run stores Prolific's newer secret instead, so concurrent runs converge.
   */
  async function storeAsCurrent(secret: ProlificSecret): Promise<{ versionId: string; secret: ProlificSecret; rotatedAt: string }> {
    let candidate = secret;
    for (let round = 1; round <= SETTLE_ROUNDS; round++) {
      enter('store');
      const versionId = versionIdFor(workspaceId, candidate.id);
      const stored = toStoredSecret(candidate, now());
      await store.putPending(secretId, stored, versionId);
      await store.promote(secretId, versionId);
      enter('confirm');
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

  const result = (outcome: Outcome, prolificSecretId: string | null, current: { versionId: string | null; rotatedAt: string | null }) => ({
    workspaceId,
    secretId,
    outcome,
    prolificSecretId,
    versionId: current.versionId,
    lastRotatedAt: current.rotatedAt,
  });

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
      enter('resume');
      const pending = await store.readVersion(secretId, versions.pendingVersionId);
      active = await prolific.getActiveSecret(workspaceId);
      if (!readOnly && holdsSecret(pending.secret, active) && active) {
        const settled = await storeAsCurrent(active);
        // The version made current may not be the pending one (Secrets Manager's own rotation names its
        // version itself, and a newer secret may have been stored instead). Its label must not stay behind
        // as a lock that every later run would "resume" instead of rotating.
        if (settled.versionId !== pending.versionId) {
          enter('resume');
          await store.dropPending(secretId, pending.versionId);
        }
        return result('resumed', settled.secret.id, settled);
      }
      if (!readOnly) await store.dropPending(secretId, pending.versionId);
    }

    // 3. Reconcile: AWSCURRENT must hold Prolific's active secret; if not (drift, a placeholder, an
    //    earlier run that failed after its POST), store the active one, which Prolific's GET returns.
    enter('reconcile');
    active ??= await prolific.getActiveSecret(workspaceId);
    const inSync = holdsSecret(current?.secret, active);
    const currentNow = { versionId: current?.versionId ?? null, rotatedAt: current?.secret?.rotated_at ?? null };
    if (readOnly) {
      const drift = active !== undefined && !inSync;
      const outcome: Outcome = mode.action === 'rotate' ? 'would-rotate' : drift ? 'would-heal' : 'unchanged';
      return { ...result(outcome, active?.id ?? null, currentNow), drift };
    }
    let healed: Awaited<ReturnType<typeof storeAsCurrent>> | undefined;
    if (active !== undefined && !inSync) {
      healed = await storeAsCurrent(active);
      active = healed.secret;
    }
    if (mode.action !== 'rotate') {
      return healed ? result('healed', healed.secret.id, healed) : result('unchanged', active?.id ?? null, currentNow);
    }

    // 4. Rotate: from Prolific's answer until the write below succeeds, the new value exists only in
    //    this process, and the old one no longer works. Store it at once; if that fails for good, the run
    //    fails loudly and the next run's step 3 recovers the value from Prolific's GET.
    enter('rotate');
    const created = await prolific.createSecret(workspaceId, active?.id);
    const rotated = await storeAsCurrent(created);
    return result('rotated', rotated.secret.id, rotated);
  } catch (error) {
    return {
      ...result('failed', null, { versionId: null, rotatedAt: null }),
      failedStep: step,
      error: `${describeError(error)}${consequenceOf(step)}`,
    };
  }
}

/** What a failure at this step means for receivers, so the alarm's reader knows how urgent it is. */
function consequenceOf(step: RotationStep): string {
  switch (step) {
    case 'pre-flight':
    case 'resume':
    case 'reconcile':
      return ' [Prolific was not asked to replace the secret; receivers keep working with the stored one.]';
    case 'rotate':
      return (
        " [Prolific's secret was not replaced, unless the error says it may have been; then run " +
        '{"action": "sync"} to store the one Prolific signs with.]'
      );
    case 'store':
    case 'confirm':
      return (
        " [Prolific's secret may differ from the one in Secrets Manager: receivers may fail to verify deliveries " +
        'until a run succeeds. Prolific retries deliveries, so run {"action": "sync"} now.]'
      );
  }
}
