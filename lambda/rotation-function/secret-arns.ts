// Every configured secret resolved to its full ARN before anything is written, so that one secret named
// two ways (a name and an ARN, a partial and a full ARN) is recognised: two workspaces must never share a
// secret, and no workspace may write over the API token.
import { mapConcurrently } from './map-concurrently.js';
import { ConfigurationError } from './errors.js';
import type { RotationTarget } from './rotation/types.js';
import type { SecretStore } from './secrets/store.js';

/** A target ready to run (its `secretId` now the full ARN), or the reason it may not run. */
export interface ResolvedTarget {
  readonly target: RotationTarget;
  /** Why the target may not run; undefined when it may. */
  readonly failure?: unknown;
}

/** A secret's full ARN, or the error that describing it gave. */
export type Identity = { readonly arn: string } | { readonly error: unknown };

export interface SecretIdentities {
  /** The identity of each secret id. */
  resolve(secretIds: readonly string[]): Promise<ReadonlyMap<string, Identity>>;
  /** Forgets what was resolved (a secret may have been recreated under the same name). */
  forget(): void;
}

/**
 * Resolves through DescribeSecret, at most `concurrency` at once (Secrets Manager throttles a burst of hundreds),
 * remembering each ARN while the execution environment lives.
 */
export function createSecretIdentities(store: SecretStore, concurrency: number): SecretIdentities {
  const known = new Map<string, string>();
  return {
    async resolve(secretIds) {
      const identityOf = async (secretId: string): Promise<Identity> => {
        const cached = known.get(secretId);
        if (cached !== undefined) return { arn: cached };
        try {
          const { arn } = await store.describe(secretId);
          known.set(secretId, arn);
          return { arn };
        } catch (error) {
          return { error };
        }
      };
      const unique = [...new Set(secretIds)];
      const identities = await mapConcurrently(unique, concurrency, identityOf);
      return new Map(unique.map((secretId, index) => [secretId, identities[index] as Identity]));
    },
    forget: () => known.clear(),
  };
}

/**
 * Each target with its secret's full ARN, or the reason it may not run: its secret could not be described,
 * it is the token secret, or another workspace uses the same secret.
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
  const owners = new Map<string, string[]>();
  for (const target of targets) {
    const arn = arnOf(target.secretId);
    if (arn !== undefined) owners.set(arn, [...(owners.get(arn) ?? []), target.workspaceId]);
  }

  return targets.map((target): ResolvedTarget => {
    // resolve() answers for every id it is given.
    const entry = resolved.get(target.secretId) as Identity;
    if ('error' in entry) return { target, failure: entry.error };
    if (tokenArn === undefined) return { target, failure: tokenUnresolved(tokenSecretId, resolved.get(tokenSecretId)) };
    if (entry.arn === tokenArn) {
      return {
        target,
        failure: new ConfigurationError(
          `Its secret (${target.secretId}) is the API token secret ${tokenArn}; rotating ` +
            'would write webhook JSON over the token. Give each workspace a secret of its own.',
        ),
      };
    }
    const sharing = (owners.get(entry.arn) ?? []).filter((workspaceId) => workspaceId !== target.workspaceId);
    if (sharing.length > 0) {
      return {
        target,
        failure: new ConfigurationError(
          `Its secret ${entry.arn} is also configured for workspace ${sharing.join(' and ')}; each would overwrite the other. ` +
            'Give each workspace a secret of its own.',
        ),
      };
    }
    return { target: { ...target, secretId: entry.arn } };
  });
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
