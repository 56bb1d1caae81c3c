// Every configured secret resolved to its full ARN before anything is written, so that one secret named
// two ways (a name and an ARN, a partial and a full ARN) is recognised: two workspaces must never share a
// secret, no workspace may write over the API token, and none may write a secret tagged for another.
import { WORKSPACE_ID_TAG } from '../contract/secret-tags.js';
import { secretConflicts, type SecretConflict } from '../contract/workspaces.js';
import { mapConcurrently } from './map-concurrently.js';
import { ConfigurationError, WorkspaceMismatchError } from './errors.js';
import type { RotationTarget } from './rotation/types.js';
import type { SecretStore } from './secrets/store.js';

/** A target ready to run (its `secretId` now the full ARN), or the reason it may not run. */
export interface ResolvedTarget {
  readonly target: RotationTarget;
  /** Why the target may not run; undefined when it may. */
  readonly failure?: unknown;
}

/** A secret's full ARN and the workspace it is tagged for (if tagged), or the error that describing it gave. */
export type Identity = { readonly arn: string; readonly workspaceTag?: string } | { readonly error: unknown };

export interface SecretIdentities {
  /** The identity of each secret id. */
  resolve(secretIds: readonly string[]): Promise<ReadonlyMap<string, Identity>>;
  /** Forgets what was resolved (a secret may have been recreated under the same name). */
  forget(): void;
}

/**
 * Resolves through DescribeSecret, at most `concurrency` at once (Secrets Manager throttles a burst of hundreds),
 * remembering each identity while the execution environment lives.
 */
export function createSecretIdentities(store: SecretStore, concurrency: number): SecretIdentities {
  const known = new Map<string, Identity>();
  return {
    async resolve(secretIds) {
      const identityOf = async (secretId: string): Promise<Identity> => {
        const cached = known.get(secretId);
        if (cached !== undefined) return cached;
        try {
          const { arn, workspaceTag } = await store.describe(secretId);
          const identity = workspaceTag === undefined ? { arn } : { arn, workspaceTag };
          known.set(secretId, identity);
          return identity;
        } catch (error) {
          return { error };
        }
      };
      const unique = [...new Set(secretIds)];
      return new Map(await mapConcurrently(unique, concurrency, async (secretId) => [secretId, await identityOf(secretId)] as const));
    },
    forget: () => {
      known.clear();
    },
  };
}

/**
 * Each target with its secret's full ARN, or the reason it may not run: its secret could not be described,
 * it is the token secret, another workspace uses the same secret, or it is tagged for another workspace.
 */
export async function resolveTargets(
  identities: SecretIdentities,
  targets: readonly RotationTarget[],
  tokenSecretId: string,
): Promise<ResolvedTarget[]> {
  const resolved = await identities.resolve([tokenSecretId, ...targets.map((target) => target.secretId)]);
  const arnOf = (secretId: string) => {
    const entry = resolved.get(secretId);
    return entry !== undefined && 'arn' in entry ? entry.arn : undefined;
  };
  const tokenArn = arnOf(tokenSecretId);
  const conflicts = new Map(
    secretConflicts(targets, (target) => arnOf(target.secretId), tokenArn).map((conflict) => [conflict.workspaceId, conflict]),
  );

  return targets.map((target): ResolvedTarget => {
    // resolve() answers for every id it is given.
    const entry = resolved.get(target.secretId) as Identity;
    if ('error' in entry) return { target, failure: entry.error };
    if (tokenArn === undefined) return { target, failure: tokenUnresolved(tokenSecretId, resolved.get(tokenSecretId)) };
    const conflict = conflicts.get(target.workspaceId);
    if (conflict !== undefined) return { target, failure: conflictError(target, conflict) };
    if (entry.workspaceTag !== undefined && entry.workspaceTag !== target.workspaceId) {
      return { target, failure: taggedForAnother(target, entry.arn, entry.workspaceTag) };
    }
    return { target: { ...target, secretId: entry.arn } };
  });
}

function conflictError(target: RotationTarget, conflict: SecretConflict): ConfigurationError {
  if (conflict.kind === 'token-secret') {
    return new ConfigurationError(
      `Its secret (${target.secretId}) is the API token secret ${conflict.identity}; rotating ` +
        'would write webhook JSON over the token. Give each workspace a secret of its own.',
    );
  }
  return new ConfigurationError(
    `Its secret ${conflict.identity} is also configured for workspace ${conflict.sharedWith.join(' and ')}; ` +
      'each would overwrite the other. Give each workspace a secret of its own.',
  );
}

function taggedForAnother(target: RotationTarget, arn: string, taggedWorkspaceId: string): WorkspaceMismatchError {
  return new WorkspaceMismatchError(
    `Its secret ${arn} is tagged ${WORKSPACE_ID_TAG}=${taggedWorkspaceId}: it is the secret of workspace ${taggedWorkspaceId}, ` +
      `not of ${target.workspaceId}, so nothing was written to it. The target list may have been changed (two workspaces' ` +
      'secrets swapped): deploy the stack again to write its list back, or correct ROTATION_TARGETS; if the secret was ' +
      `adopted for workspace ${target.workspaceId}, correct its tag.`,
  );
}

function tokenUnresolved(tokenSecretId: string, entry: Identity | undefined): ConfigurationError {
  const cause = entry !== undefined && 'error' in entry ? entry.error : undefined;
  const reason = cause instanceof Error ? ` (${cause.message})` : '';
  return new ConfigurationError(
    `Could not describe the API token secret ${tokenSecretId}${reason}, so it is unknown whether a workspace's secret is ` +
      'the token secret; nothing was written. The function needs secretsmanager:DescribeSecret on the token secret.',
    { cause },
  );
}
