// A target secret holds one workspace's signing secret, and its receivers read it. A target list changed
// under the function (two workspaces' secrets swapped in the SSM parameters) would have a run write one
// workspace's secret into the other's, readable by the other's receivers. What the secret holds says whose
// it is: a run never writes over JSON stored for another workspace.
import { WorkspaceMismatchError } from '../errors.js';
import type { SecretStore, StoredVersion, TargetVersions } from '../secrets/store.js';
import { readVersionIfWritten } from './stored-form.js';
import type { RotationTarget } from './types.js';

/** Throws WorkspaceMismatchError when `current` (the AWSCURRENT version) holds JSON stored for another workspace. */
export function ensureSecretOfWorkspace(target: RotationTarget, current: StoredVersion | undefined): void {
  const owner = storedWorkspaceId(current?.secretString);
  if (owner === undefined || owner === target.workspaceId) return;
  throw new WorkspaceMismatchError(
    `Secret ${target.secretId} holds the signing secret of workspace ${owner} (the workspace_id of its AWSCURRENT JSON), ` +
      `not of ${target.workspaceId}, so nothing was written to it. The target list may have been changed (two workspaces' ` +
      'secrets swapped): deploy the stack again to write its list back, or correct ROTATION_TARGETS. If the secret ' +
      `now belongs to workspace ${target.workspaceId}, put {} in it and run {"action": "sync"}.`,
  );
}

/** Reads AWSCURRENT (if any) and checks it as `ensureSecretOfWorkspace` does, for steps that did not read it. */
export async function ensureCurrentOfWorkspace(store: SecretStore, target: RotationTarget, versions: TargetVersions): Promise<void> {
  if (versions.currentVersionId === undefined) return;
  ensureSecretOfWorkspace(target, await readVersionIfWritten(store, target.secretId, versions.currentVersionId));
}

/**
 * The `workspace_id` of a stored JSON object, however complete the rest is (a hand-edited secret still says
 * whose it was); undefined for anything else: a bare value, the placeholder, JSON without one.
 */
function storedWorkspaceId(secretString: string | undefined): string | undefined {
  if (secretString === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(secretString);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { workspace_id: workspaceId } = parsed as Record<string, unknown>;
    return typeof workspaceId === 'string' && workspaceId !== '' ? workspaceId : undefined;
  } catch {
    return undefined;
  }
}
