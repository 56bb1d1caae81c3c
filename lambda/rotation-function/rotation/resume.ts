// Resume: AWSPENDING on a version other than AWSCURRENT means an earlier run (or Secrets Manager's own
// rotation) stopped between its write and its promotion. Finishing it must never cost a second POST.
import type { ProlificSecret } from '../prolific/types.js';
import { storeAsCurrent, type Settled } from './settle.js';
import { holdsSecret, readOnRecord, readVersionIfWritten } from './stored-form.js';
import type { TargetRun } from './target-run.js';

/** What resuming found: Prolific's active secret, whether the pending version holds it, and what was settled. */
export interface Resumed {
  /** Set when the earlier rotation was completed: the run is done. */
  readonly settled?: Settled;
  readonly active: ProlificSecret | undefined;
  readonly pendingIsActive: boolean;
}

/**
 * If Prolific still signs with the pending secret, finishing the promotion completes the earlier rotation
 * (no second POST); otherwise the pending version is stale and its label goes. Read-only runs only look.
 */
export async function resumeCutOffRun(run: TargetRun, pendingVersionId: string, readOnly: boolean): Promise<Resumed> {
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
