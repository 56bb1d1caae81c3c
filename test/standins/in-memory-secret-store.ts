// An in-memory SecretStore with Secrets Manager's label rules, for testing the rotation core directly
// (no HTTP, no SDK). Each operation can be made to fail, or to do something first, through `before`.
import { SecretStoreError } from '../../lambda/rotation-function/errors.js';
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS, WRITE_CHECK } from '../../lambda/contract/staging-labels.js';
import type { SecretStore, StoredVersion, TargetVersions } from '../../lambda/rotation-function/secrets/store.js';
import { parseStoredSecret, type StoredSecret } from '../../lambda/contract/stored-secret.js';

export type StoreOperation = keyof SecretStore;

type Label = typeof AWSCURRENT | typeof AWSPENDING | typeof AWSPREVIOUS | typeof WRITE_CHECK;

interface Version {
  /** Undefined for the version RotateSecret labels AWSPENDING before the rotation function writes it. */
  readonly secretString: string | undefined;
  readonly labels: Set<Label>;
  readonly createdAt: string;
}

export interface InMemorySecretStore extends SecretStore {
  /** Runs before an operation; throw from it to make the operation fail. */
  readonly before: Partial<Record<StoreOperation, (secretId: string) => void>>;
  /** Every operation, in order, as `operation versionId?`. */
  readonly calls: string[];
  /** Adds a version holding `secretString` with `labels` (moving those labels off any other version). */
  seed(secretId: string, versionId: string, secretString: string | undefined, labels: readonly Label[]): void;
  /** Turns Secrets Manager's own rotation on or off for the secret. */
  setRotationEnabled(secretId: string, enabled: boolean): void;
  /** The parsed secret under `label`, if any. */
  secretAt(secretId: string, label: Label): StoredSecret | undefined;
  /** The raw SecretString under `label`, if any. */
  valueAt(secretId: string, label: Label): string | undefined;
  versionIdAt(secretId: string, label: Label): string | undefined;
  versionIds(secretId: string): string[];
}

export function awsError(name: string): SecretStoreError {
  return new SecretStoreError(`Secrets Manager failed: ${name}`, name);
}

export function createInMemorySecretStore(): InMemorySecretStore {
  const secrets = new Map<string, Map<string, Version>>();
  const rotationEnabled = new Set<string>();
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const created = () => new Date((clock += 1000)).toISOString();
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

  function moveLabel(versions: Map<string, Version>, label: Label, to: string | undefined): void {
    for (const version of versions.values()) version.labels.delete(label);
    if (to !== undefined) versions.get(to)?.labels.add(label);
  }

  function labelled(versions: Map<string, Version>, label: Label): string | undefined {
    return [...versions].find(([, version]) => version.labels.has(label))?.[0];
  }

  const store: InMemorySecretStore = {
    before,
    calls,
    async describe(secretId): Promise<TargetVersions> {
      const versions = enter('describe', secretId);
      const stages = Object.fromEntries([...versions].filter(([, version]) => version.labels.size > 0).map(([id, version]) => [id, [...version.labels]]));
      return {
        arn: secretId,
        currentVersionId: labelled(versions, AWSCURRENT),
        pendingVersionId: labelled(versions, AWSPENDING),
        rotationEnabled: rotationEnabled.has(secretId),
        stages,
      };
    },
    async readVersion(secretId, versionId): Promise<StoredVersion> {
      const version = enter('readVersion', secretId, versionId).get(versionId);
      if (version?.secretString === undefined) throw awsError('ResourceNotFoundException');
      return { versionId, secretString: version.secretString, createdAt: version.createdAt };
    },
    async putPending(secretId, secretString, versionId) {
      const versions = enter('putPending', secretId, versionId);
      const existing = versions.get(versionId);
      // Secrets Manager never changes a version: an existing one is reported as it is, labels untouched.
      if (existing?.secretString !== undefined) return { versionId, secretString: existing.secretString, createdAt: existing.createdAt };
      const version: Version = { secretString, labels: existing?.labels ?? new Set(), createdAt: created() };
      versions.set(versionId, version);
      moveLabel(versions, AWSPENDING, versionId);
      return { versionId, secretString, createdAt: version.createdAt };
    },
    async checkWriteAccess(secretId) {
      const versions = enter('checkWriteAccess', secretId);
      const versionId = `write-check-${versions.size}`;
      versions.set(versionId, { secretString: '{"write_check": true}', labels: new Set(), createdAt: created() });
      moveLabel(versions, WRITE_CHECK, versionId);
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
      versions.set(versionId, { secretString, labels: new Set(), createdAt: created() });
      for (const label of labels) moveLabel(versions, label, versionId);
    },
    setRotationEnabled(secretId, enabled) {
      if (enabled) rotationEnabled.add(secretId);
      else rotationEnabled.delete(secretId);
    },
    secretAt: (secretId, label) => parseStoredSecret(store.valueAt(secretId, label)),
    valueAt(secretId, label) {
      const versions = versionsOf(secretId);
      const versionId = labelled(versions, label);
      return versionId === undefined ? undefined : versions.get(versionId)?.secretString;
    },
    versionIdAt: (secretId, label) => labelled(versionsOf(secretId), label),
    versionIds: (secretId) => [...versionsOf(secretId).keys()],
  };
  return store;
}
