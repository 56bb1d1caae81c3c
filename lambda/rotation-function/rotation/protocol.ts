// The rotation protocol for one target: pre-flight, resume, reconcile, rotate. Prolific generates the new
// value and invalidates the old one at once, so between Prolific's answer and the write to Secrets Manager
// the new value exists only in this process; the order of the steps below keeps that window harmless.
import { describeError, SecretFormatError } from '../errors.js';
import type { ProlificSecret } from '../prolific/types.js';
import type { StoredVersion, TargetVersions } from '../secrets/store.js';
import { replaceSecret } from './replace-secret.js';
import { failedResult, targetResult, type CurrentVersion } from './result.js';
import { resumeCutOffRun } from './resume.js';
import { storeAsCurrent, type Settled } from './settle.js';
import { formatConflict, holdsSecret, readOnRecord, type OnRecord } from './stored-form.js';
import { startRun, type TargetRun } from './target-run.js';
import { ensureSecretOfWorkspace } from './workspace-ownership.js';
import type { Outcome, PlannedStep, TargetResult } from '../../contract/report.js';
import type { RotationDependencies, RotationMode, RotationTarget } from './types.js';

/** AWSCURRENT as pre-flight found it: the version, what it holds in the target's format, and how it is reported. */
interface OnRecordNow {
  readonly version: StoredVersion | undefined;
  readonly onRecord: OnRecord | undefined;
  readonly reported: CurrentVersion;
}

/**
 * Brings one target to the invariant (AWSCURRENT holds Prolific's active secret), and rotates it if
 * asked. Never throws: a failure becomes an outcome `failed` naming the step, so targets stay independent.
 */
export async function processTarget(target: RotationTarget, mode: RotationMode, deps: RotationDependencies): Promise<TargetResult> {
  const run = startRun(target, deps, 'pre-flight');
  const readOnly = mode.dryRun || mode.action === 'status';
  let currentMissing: { currentMissing?: true } = {};
  try {
    // 1. Pre-flight: the target secret must be readable, and this workspace's, before Prolific is touched.
    const versions = await run.store.describe(target.secretId);
    const current = await readOnRecordNow(run, versions);
    ensureSecretOfWorkspace(target, current.version);
    if (hasNoCurrentVersion(versions)) currentMissing = { currentMissing: true };

    // 2. Resume: AWSPENDING on another version means an earlier run stopped between its write and its promotion.
    const pendingVersionId = versions.pendingVersionId !== versions.currentVersionId ? versions.pendingVersionId : undefined;
    const resume = pendingVersionId === undefined ? undefined : await resumeCutOffRun(run, pendingVersionId, readOnly);
    if (resume?.settled) return { ...targetResult(target, 'resumed', resume.settled.secret.id, resume.settled), ...currentMissing };
    const resumeStep: PlannedStep | undefined = resume && (resume.pendingIsActive ? 'resume' : 'drop-pending');

    // 3. Reconcile: AWSCURRENT must hold Prolific's active secret; if not (drift, a placeholder, an
    //    earlier run that failed after its POST), store the active one, which Prolific's GET returns.
    run.step = 'reconcile';
    const active = resume?.active ?? (await run.prolific.getActiveSecret(target.workspaceId));
    const drift = active !== undefined && !holdsSecret(current.onRecord, active);
    if (readOnly) {
      return await withDeliveries(run, mode, { ...readOnlyResult(target, mode, active, current, drift, resumeStep), ...currentMissing });
    }
    const healed = drift ? await heal(run, active, current.version) : undefined;
    // Drift from one real secret to another (or a lost AWSCURRENT), not the first sync of a new secret.
    const driftHealed =
      healed !== undefined && (current.onRecord !== undefined || currentMissing.currentMissing === true) ? { driftHealed: true } : {};
    if (mode.action !== 'rotate') {
      const outcome = healed
        ? targetResult(target, 'healed', healed.secret.id, healed)
        : targetResult(target, 'unchanged', active?.id ?? null, current.reported);
      return await withDeliveries(run, mode, { ...outcome, ...currentMissing, ...driftHealed });
    }

    // 4. Rotate: the POST only once the secret is known to be writable and there is time to store the
    //    answer (replace-secret.ts); if the write then fails for good, the run fails loudly and the next
    //    run's step 3 recovers the value from Prolific's GET.
    const before = healed?.secret ?? active;
    const created = await replaceSecret(run, before?.id);
    const rotated = await storeAsCurrent(run, created, before?.id);
    return { ...targetResult(target, 'rotated', rotated.secret.id, rotated), ...currentMissing, ...driftHealed };
  } catch (error) {
    // A run that failed still says that receivers had no AWSCURRENT, so that condition alarms either way.
    return { ...failedResult(target, run.step, error), ...currentMissing };
  }
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

/**
 * What a status or dry run reports: whether AWSCURRENT drifted from Prolific, and what a real run would do.
 * A dry run also lists the steps (`plan`): finish a cut-off rotation (and stop there, as a real run does) or
 * drop its stale pending version, store Prolific's active secret over drift, then rotate.
 */
function readOnlyResult(
  target: RotationTarget,
  mode: RotationMode,
  active: ProlificSecret | undefined,
  current: OnRecordNow,
  drift: boolean,
  resumeStep: PlannedStep | undefined,
): TargetResult {
  const plan: PlannedStep[] = [];
  if (mode.action !== 'status') {
    if (resumeStep !== undefined) plan.push(resumeStep);
    if (resumeStep !== 'resume') {
      if (drift) plan.push('heal');
      if (mode.action === 'rotate') plan.push('rotate');
    }
  }
  const outcome: Outcome = plan.includes('rotate') ? 'would-rotate' : drift || resumeStep === 'resume' ? 'would-heal' : 'unchanged';
  return { ...targetResult(target, outcome, active?.id ?? null, current.reported), drift, ...(mode.dryRun ? { plan } : {}) };
}

/** Versions exist, but none carries AWSCURRENT (hand edits, label races): receivers have no key at all. */
function hasNoCurrentVersion(versions: TargetVersions): boolean {
  return versions.currentVersionId === undefined && Object.keys(versions.stages).length > 0;
}

/** AWSCURRENT read once, at pre-flight: every later step compares with and reports this. */
async function readOnRecordNow({ target, store }: TargetRun, versions: TargetVersions): Promise<OnRecordNow> {
  const version = versions.currentVersionId ? await store.readVersion(target.secretId, versions.currentVersionId) : undefined;
  const onRecord = readOnRecord(target.format, version);
  return { version, onRecord, reported: { versionId: version?.versionId ?? null, rotatedAt: onRecord?.rotatedAt ?? null } };
}

