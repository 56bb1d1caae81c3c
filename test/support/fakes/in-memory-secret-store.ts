// An in-memory SecretStore with Secrets Manager's label rules, for testing the rotation core directly
// (no HTTP, no SDK). Each operation can be made to fail, or to do something first, through `before`.
import { SecretStoreError } from '../../../lambda/errors.js';
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS, type StagingLabel } from '../../../lambda/secrets/labels.js';
import type { SecretStore, StoredVersion, TargetVersions } from '../../../lambda/secrets/store.js';
import { parseStoredSecret, type StoredSecret } from '../../../lambda/secrets/stored-secret.js';

export type StoreOperation = keyof SecretStore;

interface Version {
  readonly secretString: string;
  readonly labels: Set<StagingLabel>;
}

export interface InMemorySecretStore extends SecretStore {
  /** Runs before an operation; throw from it to make the operation fail. */
  readonly before: Partial<Record<StoreOperation, (secretId: string) => void>>;
  /** Every operation, in order, as `operation versionId?`. */
  readonly calls: string[];
  /** Adds a version holding `secretString` with `labels` (moving those labels off any other version). */
  seed(secretId: string, versionId: string, secretString: string, labels: readonly StagingLabel[]): void;
  /** The parsed secret under `label`, if any. */
  secretAt(secretId: string, label: StagingLabel): StoredSecret | undefined;
  versionIdAt(secretId: string, label: StagingLabel): string | undefined;
  versionIds(secretId: string): string[];
}

export function awsError(name: string): SecretStoreError {
  return new SecretStoreError(`Secrets Manager failed: ${name}`, name);
}

export function createInMemorySecretStore(): InMemorySecretStore {
  const secrets = new Map<string, Map<string, Version>>();
  const before: InMemorySecretStore['before'] = {};
  const calls: string[] = [];

  function versionsOf(secretId: string): Map<string, Version> {
    const versions = secrets.get(secretId);
    if (!versions) throw awsError('ResourceNotFoundException');
    return versions;
  }

  function enter(operation: StoreOperation, secretId: string, versionId?: string): Map<string, Version> {
    calls.push(versionId === undefined ? operation : `${operation} ${versionId}`);
    before[operation]?.(secretId);
    return versionsOf(secretId);
  }

  function moveLabel(versions: Map<string, Version>, label: StagingLabel, to: string | undefined): void {
    for (const version of versions.values()) version.labels.delete(label);
    if (to !== undefined) versions.get(to)?.labels.add(label);
  }

  function labelled(versions: Map<string, Version>, label: StagingLabel): string | undefined {
    return [...versions].find(([, version]) => version.labels.has(label))?.[0];
  }

  const store: InMemorySecretStore = {
    before,
    calls,
    async describe(secretId): Promise<TargetVersions> {
      const versions = enter('describe', secretId);
      return { arn: secretId, currentVersionId: labelled(versions, AWSCURRENT), pendingVersionId: labelled(versions, AWSPENDING) };
    },
    async readVersion(secretId, versionId): Promise<StoredVersion> {
      const version = enter('readVersion', secretId, versionId).get(versionId);
      if (!version) throw awsError('ResourceNotFoundException');
      return { versionId, secret: parseStoredSecret(version.secretString) };
    },
    async putPending(secretId, secret, versionId) {
      const versions = enter('putPending', secretId, versionId);
      const existing = versions.get(versionId);
      if (existing) {
        // The store's contract: a second write of the same Prolific secret under its version id is a no-op.
        const stored = parseStoredSecret(existing.secretString);
        if (stored?.id !== secret.id || stored.value !== secret.value) throw awsError('ResourceExistsException');
        return;
      }
      versions.set(versionId, { secretString: JSON.stringify(secret), labels: new Set() });
      moveLabel(versions, AWSPENDING, versionId);
    },
    async promote(secretId, versionId) {
      const versions = enter('promote', secretId, versionId);
      if (!versions.has(versionId)) throw awsError('ResourceNotFoundException');
      const current = labelled(versions, AWSCURRENT);
      if (current !== versionId) {
        moveLabel(versions, AWSPREVIOUS, current);
        moveLabel(versions, AWSCURRENT, versionId);
      }
      versions.get(versionId)?.labels.delete(AWSPENDING);
    },
    async dropPending(secretId, versionId) {
      enter('dropPending', secretId, versionId).get(versionId)?.labels.delete(AWSPENDING);
    },
    seed(secretId, versionId, secretString, labels) {
      const versions = secrets.get(secretId) ?? new Map<string, Version>();
      secrets.set(secretId, versions);
      versions.set(versionId, { secretString, labels: new Set() });
      for (const label of labels) moveLabel(versions, label, versionId);
    },
    secretAt(secretId, label) {
      const versions = versionsOf(secretId);
      const versionId = labelled(versions, label);
      return versionId === undefined ? undefined : parseStoredSecret(versions.get(versionId)?.secretString);
    },
    versionIdAt: (secretId, label) => labelled(versionsOf(secretId), label),
    versionIds: (secretId) => [...versionsOf(secretId).keys()],
  };
  return store;
}
