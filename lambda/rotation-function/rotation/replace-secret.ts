// The one step that cannot be undone: asking Prolific to replace a workspace's secret. Both entry points
// (a rotate run, and Secrets Manager's createSecret) send the POST through here, and only here.
import { MIN_TIME_TO_ROTATE_MS } from '../../contract/time-budgets.js';
import { DeadlineError } from '../errors.js';
import type { ProlificSecret } from '../prolific/types.js';
import type { TargetRun } from './target-run.js';

/**
 * Sends the POST that replaces Prolific's secret, and returns the new one. From Prolific's answer until it
 * is written to Secrets Manager, the new value exists only in this process, and the old one no longer
 * works. So the POST is sent only once the secret is known to be writable and there is time to store the
 * answer; if the write then fails for good, the run fails loudly and the next run recovers the value from
 * Prolific's GET. `previousSecretId` is Prolific's active secret before the POST (undefined: none).
 */
export async function replaceSecret(run: TargetRun, previousSecretId: string | undefined): Promise<ProlificSecret> {
  run.step = 'write-check';
  await run.store.checkWriteAccess(run.target.secretId);
  run.step = 'rotate';
  ensureTimeToRotate(run);
  return run.prolific.createSecret(run.target.workspaceId, previousSecretId);
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
