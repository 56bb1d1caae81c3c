// The rotation protocol for one target: pre-flight, resume, reconcile, rotate. Prolific generates the new
// value and invalidates the old one at once, so between Prolific's answer and the write to Secrets Manager
// the new value exists only in this process; the order of the steps below keeps that window harmless.
import type { ProlificSecret } from '../prolific/types.js';
import type { StoredVersion } from '../secrets/store.js';
import { failedResult, targetResult, type CurrentVersion } from './result.js';
import { storeAsCurrent, type Settled, type TargetRun } from './settle.js';
import { holdsSecret } from './stored-form.js';
import type { Outcome, RotationDependencies, RotationMode, RotationTarget, TargetResult } from './types.js';

/**
 * Brings one target to the invariant (AWSCURRENT holds Prolific's active secret), and rotates it if
 * asked. Never throws: a failure becomes an outcome `failed` naming the step, so targets stay independent.
 */
export async function processTarget(target: RotationTarget, mode: RotationMode, deps: RotationDependencies): Promise<TargetResult> {
  const run: TargetRun = { target, ...deps, now: deps.now ?? (() => new Date()), step: 'pre-flight' };
  const { store, prolific } = run;
  const readOnly = mode.dryRun || mode.action === 'status';
  try {
    // 1. Pre-flight: the target secret must be readable before Prolific is touched.
    const versions = await store.describe(target.secretId);
    const current = versions.currentVersionId ? await store.readVersion(target.secretId, versions.currentVersionId) : undefined;

    // 2. Resume: AWSPENDING on another version means an earlier run stopped between its write and its promotion.
    let active: ProlificSecret | undefined;
    if (versions.pendingVersionId !== undefined && versions.pendingVersionId !== versions.currentVersionId) {
      const resume = await resumeCutOffRun(run, versions.pendingVersionId, readOnly);
      if (resume.settled) return targetResult(target, 'resumed', resume.settled.secret.id, resume.settled);
      active = resume.active;
    }

    // 3. Reconcile: AWSCURRENT must hold Prolific's active secret; if not (drift, a placeholder, an
    //    earlier run that failed after its POST), store the active one, which Prolific's GET returns.
    run.step = 'reconcile';
    active ??= await prolific.getActiveSecret(target.workspaceId);
    if (readOnly) return readOnlyResult(target, mode, active, current);
    const healed = active !== undefined && !holdsSecret(current?.secret, active) ? await storeAsCurrent(run, active) : undefined;
    if (mode.action !== 'rotate') {
      return healed ? targetResult(target, 'healed', healed.secret.id, healed) : targetResult(target, 'unchanged', active?.id ?? null, currentOf(current));
    }

    // 4. Rotate: from Prolific's answer until the write below succeeds, the new value exists only in
    //    this process, and the old one no longer works. Store it at once; if that fails for good, the run
    //    fails loudly and the next run's step 3 recovers the value from Prolific's GET.
    run.step = 'rotate';
    const created = await prolific.createSecret(target.workspaceId, (healed?.secret ?? active)?.id);
    const rotated = await storeAsCurrent(run, created);
    return targetResult(target, 'rotated', rotated.secret.id, rotated);
  } catch (error) {
    return failedResult(target, run.step, error);
  }
}

/**
 * If Prolific still signs with the pending secret, finishing the promotion completes the earlier rotation
 * (no second POST); otherwise the pending version is stale and its label goes. Read-only runs only look.
 */
async function resumeCutOffRun(
  run: TargetRun,
  pendingVersionId: string,
  readOnly: boolean,
): Promise<{ settled?: Settled; active: ProlificSecret | undefined }> {
  const { target, store, prolific } = run;
  run.step = 'resume';
  const pending = await store.readVersion(target.secretId, pendingVersionId);
  const active = await prolific.getActiveSecret(target.workspaceId);
  if (readOnly) return { active };
  if (active !== undefined && holdsSecret(pending.secret, active)) {
    const settled = await storeAsCurrent(run, active);
    // The version made current may not be the pending one (Secrets Manager's own rotation names its
    // version itself, and a newer secret may have been stored instead). Its label must not stay behind
    // as a lock that every later run would "resume" instead of rotating.
    if (settled.versionId !== pending.versionId) {
      run.step = 'resume';
      await store.dropPending(target.secretId, pending.versionId);
    }
    return { settled, active };
  }
  await store.dropPending(target.secretId, pending.versionId);
  return { active };
}

/** What a status or dry run reports: whether AWSCURRENT drifted from Prolific, and what a real run would do. */
function readOnlyResult(target: RotationTarget, mode: RotationMode, active: ProlificSecret | undefined, current: StoredVersion | undefined): TargetResult {
  const drift = active !== undefined && !holdsSecret(current?.secret, active);
  const outcome: Outcome = mode.action === 'rotate' ? 'would-rotate' : drift ? 'would-heal' : 'unchanged';
  return { ...targetResult(target, outcome, active?.id ?? null, currentOf(current)), drift };
}

function currentOf(current: StoredVersion | undefined): CurrentVersion {
  return { versionId: current?.versionId ?? null, rotatedAt: current?.secret?.rotated_at ?? null };
}
