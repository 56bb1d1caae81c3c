// The rotation protocol for one target: pre-flight, resume, reconcile, rotate. Prolific generates the new
// value and invalidates the old one at once, so between Prolific's answer and the write to Secrets Manager
// the new value exists only in this process; the order of the steps below keeps that window harmless.
import { MIN_PROLIFIC_CALL_MS, REPORT_RESERVE_MS, STORE_RESERVE_MS } from '../../contract/time-budgets.js';
import { DeadlineError, describeError, SecretFormatError } from '../errors.js';
import type { ProlificSecret } from '../prolific/types.js';
import type { StoredVersion, TargetVersions } from '../secrets/store.js';
import { failedResult, targetResult, type CurrentVersion } from './result.js';
import { storeAsCurrent, type Settled, type TargetRun } from './settle.js';
import { formatConflict, holdsSecret, readOnRecord, readVersionIfWritten } from './stored-form.js';
import type { Outcome, PlannedStep, TargetResult } from '../../contract/report.js';
import type { RotationDependencies, RotationMode, RotationTarget } from './types.js';

/** The least time left at which the POST is sent: the POST itself, then storing its answer. */
export const MIN_TIME_TO_ROTATE_MS = MIN_PROLIFIC_CALL_MS + STORE_RESERVE_MS + REPORT_RESERVE_MS;

/**
 * Brings one target to the invariant (AWSCURRENT holds Prolific's active secret), and rotates it if
 * asked. Never throws: a failure becomes an outcome `failed` naming the step, so targets stay independent.
 */
export async function processTarget(target: RotationTarget, mode: RotationMode, deps: RotationDependencies): Promise<TargetResult> {
  const run: TargetRun = { target, msLeft: () => Infinity, now: () => new Date(), ...deps, step: 'pre-flight' };
  const readOnly = mode.dryRun || mode.action === 'status';
  let currentMissing: { currentMissing?: true } = {};
  try {
    // 1. Pre-flight: the target secret must be readable before Prolific is touched.
    const versions = await run.store.describe(target.secretId);
    const current = versions.currentVersionId ? await run.store.readVersion(target.secretId, versions.currentVersionId) : undefined;
    if (hasNoCurrentVersion(versions)) currentMissing = { currentMissing: true };

    // 2. Resume: AWSPENDING on another version means an earlier run stopped between its write and its promotion.
    let active: ProlificSecret | undefined;
    let resumeStep: PlannedStep | undefined;
    if (versions.pendingVersionId !== undefined && versions.pendingVersionId !== versions.currentVersionId) {
      const resume = await resumeCutOffRun(run, versions.pendingVersionId, readOnly);
      if (resume.settled) return { ...targetResult(target, 'resumed', resume.settled.secret.id, resume.settled), ...currentMissing };
      active = resume.active;
      resumeStep = resume.pendingIsActive ? 'resume' : 'drop-pending';
    }

    // 3. Reconcile: AWSCURRENT must hold Prolific's active secret; if not (drift, a placeholder, an
    //    earlier run that failed after its POST), store the active one, which Prolific's GET returns.
    run.step = 'reconcile';
    active ??= await run.prolific.getActiveSecret(target.workspaceId);
    if (readOnly) {
      return await withDeliveries(run, mode, { ...readOnlyResult(target, mode, active, current, resumeStep), ...currentMissing });
    }
    const onRecord = readOnRecord(target.format, current);
    const healed = active !== undefined && !holdsSecret(onRecord, active) ? await heal(run, active, current) : undefined;
    // Drift from one real secret to another (or a lost AWSCURRENT), not the first sync of a new secret.
    const driftHealed = healed !== undefined && (onRecord !== undefined || currentMissing.currentMissing === true) ? { driftHealed: true } : {};
    if (mode.action !== 'rotate') {
      const outcome = healed ? targetResult(target, 'healed', healed.secret.id, healed) : targetResult(target, 'unchanged', active?.id ?? null, currentOf(target, current));
      return await withDeliveries(run, mode, { ...outcome, ...currentMissing, ...driftHealed });
    }

    // 4. Rotate: from Prolific's answer until the write below succeeds, the new value exists only in
    //    this process, and the old one no longer works. So the POST is sent only once the secret is known to
    //    be writable and there is time to store the answer; if the write then fails for good, the run fails
    //    loudly and the next run's step 3 recovers the value from Prolific's GET.
    const before = healed?.secret ?? active;
    run.step = 'write-check';
    await run.store.checkWriteAccess(target.secretId);
    run.step = 'rotate';
    ensureTimeToRotate(run);
    const created = await run.prolific.createSecret(target.workspaceId, before?.id);
    const rotated = await storeAsCurrent(run, created, before?.id);
    return { ...targetResult(target, 'rotated', rotated.secret.id, rotated), ...currentMissing, ...driftHealed };
  } catch (error) {
    // A run that failed still says that receivers had no AWSCURRENT, so that condition alarms either way.
    return { ...failedResult(target, run.step, error), ...currentMissing };
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
): Promise<{ settled?: Settled; active: ProlificSecret | undefined; pendingIsActive: boolean }> {
  const { target, store, prolific } = run;
  run.step = 'resume';
  // A pending version with no value (a native rotation whose createSecret never wrote it) holds nothing.
  const pending = await readVersionIfWritten(store, target.secretId, pendingVersionId);
  const active = await prolific.getActiveSecret(target.workspaceId);
  const pendingIsActive = active !== undefined && holdsSecret(readOnRecord(target.format, pending), active);
  if (readOnly) return { active, pendingIsActive };
  if (pendingIsActive) {
    const settled = await storeAsCurrent(run, active);
    // The version made current may not be the pending one (Secrets Manager's own rotation names its
    // version itself, and a newer secret may have been stored instead). Its label must not stay behind
    // as a lock that every later run would "resume" instead of rotating.
    if (settled.versionId !== pendingVersionId) {
      run.step = 'resume';
      await store.dropPending(target.secretId, pendingVersionId);
    }
    return { settled, active, pendingIsActive };
  }
  await store.dropPending(target.secretId, pendingVersionId);
  return { active, pendingIsActive };
}

/**
 * `status` and `sync` also report what Prolific knows of the workspace's deliveries since the current
 * secret was rotated in. Reading it is advisory: a failure is reported beside the outcome, never instead.
 */
async function withDeliveries(run: TargetRun, mode: RotationMode, result: TargetResult): Promise<TargetResult> {
  if (mode.action === 'rotate') return result;
  try {
    return { ...result, deliveries: await run.prolific.getDeliveryHealth(run.target.workspaceId, result.lastRotatedAt ?? undefined) };
  } catch (error) {
    return { ...result, deliveriesError: describeError(error) };
  }
}

/** Stores Prolific's active secret over drift, unless that would change an adopted secret's format. */
async function heal(run: TargetRun, active: ProlificSecret, current: StoredVersion | undefined): Promise<Settled> {
  const conflict = formatConflict(run.target.format, current);
  if (conflict !== undefined) {
    throw new SecretFormatError(`Secret ${run.target.secretId} was not overwritten: ${conflict}.`);
  }
  return storeAsCurrent(run, active);
}

function ensureTimeToRotate(run: TargetRun): void {
  const msLeft = run.msLeft();
  if (msLeft >= MIN_TIME_TO_ROTATE_MS) return;
  throw new DeadlineError(
    `Only ${Math.floor(msLeft / 1000)} s of the invocation were left, less than the ${MIN_TIME_TO_ROTATE_MS / 1000} s needed to ` +
      "send the POST and store its answer, so Prolific's secret was not replaced. Raise the function timeout, or rotate " +
      `this workspace on its own: {"action": "rotate", "workspaceId": "${run.target.workspaceId}"}.`,
  );
}

/**
 * What a status or dry run reports: whether AWSCURRENT drifted from Prolific, and what a real run would do.
 * A dry run also lists the steps (`plan`): finish a cut-off rotation (and stop there, as a real run does) or
 * drop its stale pending version, store Prolific's active secret over drift, then rotate.
 */
function readOnlyResult(
  target: RotationTarget,
  mode: RotationMode,
  active: ProlificSecret | undefined,
  current: StoredVersion | undefined,
  resumeStep: PlannedStep | undefined,
): TargetResult {
  const drift = active !== undefined && !holdsSecret(readOnRecord(target.format, current), active);
  const plan: PlannedStep[] = [];
  if (mode.action !== 'status') {
    if (resumeStep !== undefined) plan.push(resumeStep);
    if (resumeStep !== 'resume') {
      if (drift) plan.push('heal');
      if (mode.action === 'rotate') plan.push('rotate');
    }
  }
  const outcome: Outcome = plan.includes('rotate') ? 'would-rotate' : drift || resumeStep === 'resume' ? 'would-heal' : 'unchanged';
  return { ...targetResult(target, outcome, active?.id ?? null, currentOf(target, current)), drift, ...(mode.dryRun ? { plan } : {}) };
}

/** Versions exist, but none carries AWSCURRENT (hand edits, label races): receivers have no key at all. */
function hasNoCurrentVersion(versions: TargetVersions): boolean {
  return versions.currentVersionId === undefined && Object.keys(versions.stages).length > 0;
}

function currentOf(target: RotationTarget, current: StoredVersion | undefined): CurrentVersion {
  return { versionId: current?.versionId ?? null, rotatedAt: readOnRecord(target.format, current)?.rotatedAt ?? null };
}

