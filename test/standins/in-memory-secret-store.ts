// An in-memory stand-in of the SecretStore, for testing the rotation core directly (no HTTP, no SDK). Its
// versions and labels follow Secrets Manager's rules through the same model as the HTTP stand-in
// (local/standins/secret-versions.ts), each operation making the calls the real store makes. Each operation
// can be made to fail, or to do something first, through `before`.
import { SecretStoreError } from '../../lambda/rotation-function/errors.js';
import { AWSCURRENT, AWSPENDING, type StagingLabel, WRITE_CHECK } from '../../lambda/contract/staging-labels.js';
import type { SecretStore, StoredVersion, TargetVersions } from '../../lambda/rotation-function/secrets/store.js';
import { parseStoredSecret, type StoredSecret } from '../../lambda/contract/stored-secret.js';
import { ServiceError } from '../../local/standins/aws-json.js';
import { SecretVersions, type SecretVersion } from '../../local/standins/secret-versions.js';

export type StoreOperation = keyof SecretStore;

type Label = StagingLabel | typeof WRITE_CHECK;

export interface InMemorySecretStore extends SecretStore {
  /** Runs before an operation; throw from it to make the operation fail. */
  readonly before: Partial<Record<StoreOperation, (secretId: string) => void>>;
  /** Every operation, in order, as `operation versionId?`. */
  readonly calls: string[];
  /** Adds a version holding `secretString` with `labels` (taking those labels off any other version, moving nothing else). */
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

/** The model's refusal as the real store reports it: a SecretStoreError carrying the AWS error name. */
function asStoreError(error: unknown): unknown {
  return error instanceof ServiceError ? awsError(error.type) : error;
}

const storedVersion = (version: SecretVersion): StoredVersion => ({
  versionId: version.versionId,
  secretString: version.secretString,
  createdAt: version.createdAt.toISOString(),
});

export function createInMemorySecretStore(): InMemorySecretStore {
  const secrets = new Map<string, SecretVersions>();
  const rotationEnabled = new Set<string>();
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const created = () => new Date((clock += 1000));
  const before: InMemorySecretStore['before'] = {};
  const calls: string[] = [];

  function versionsOf(secretId: string): SecretVersions {
    const versions = secrets.get(secretId);
    if (!versions) throw awsError('ResourceNotFoundException');
    return versions;
  }

  /**
   * Records the call, runs its `before` hook, then the operation, its refusals reported as the real store's;
   * whatever throws rejects the promise, as a failed call to Secrets Manager does.
   */
  function operate<T>(
    operation: StoreOperation,
    secretId: string,
    versionId: string | undefined,
    act: (versions: SecretVersions) => T,
  ): Promise<T> {
    return new Promise((resolve) => {
      calls.push(versionId === undefined ? operation : `${operation} ${versionId}`);
      before[operation]?.(secretId);
      const versions = versionsOf(secretId);
      try {
        resolve(act(versions));
      } catch (error) {
        throw asStoreError(error);
      }
    });
  }

  const store: InMemorySecretStore = {
    before,
    calls,
    describe: (secretId) =>
      operate('describe', secretId, undefined, (versions): TargetVersions => ({
        arn: secretId,
        currentVersionId: versions.withStage(AWSCURRENT)?.versionId,
        pendingVersionId: versions.withStage(AWSPENDING)?.versionId,
        rotationEnabled: rotationEnabled.has(secretId),
        stages: versions.stagesById(),
      })),
    readVersion: (secretId, versionId) =>
      operate('readVersion', secretId, versionId, (versions) => storedVersion(versions.read({ versionId }))),
    putPending: (secretId, secretString, versionId) =>
      operate('putPending', secretId, versionId, (versions) => {
        try {
          return storedVersion(versions.put(versionId, secretString, [AWSPENDING]));
        } catch (error) {
          // As the real store: a version id taken by another value is reported as what that version holds.
          if (!(error instanceof ServiceError) || error.type !== 'ResourceExistsException') throw error;
          return storedVersion(versions.read({ versionId }));
        }
      }),
    checkWriteAccess: (secretId) =>
      operate('checkWriteAccess', secretId, undefined, (versions) => {
        versions.put(`write-check-${versions.size}`, '{"write_check": true}', [WRITE_CHECK]);
      }),
    promote: (secretId, versionId) =>
      operate('promote', secretId, versionId, (versions) => {
        const current = versions.withStage(AWSCURRENT)?.versionId;
        if (current !== versionId) versions.moveStage(AWSCURRENT, { moveTo: versionId, removeFrom: current });
        if (versions.withStage(AWSPENDING)?.versionId === versionId) versions.moveStage(AWSPENDING, { removeFrom: versionId });
      }),
    dropPending: (secretId, versionId) =>
      operate('dropPending', secretId, versionId, (versions) => {
        try {
          versions.moveStage(AWSPENDING, { removeFrom: versionId });
        } catch (error) {
          // As the real store: the label is already off that version, which is what the call wanted.
          if (!(error instanceof ServiceError) || error.type !== 'InvalidParameterException') throw error;
        }
      }),
    seed(secretId, versionId, secretString, labels) {
      const versions = secrets.get(secretId) ?? new SecretVersions(created);
      secrets.set(secretId, versions);
      versions.seed(versionId, secretString, labels);
    },
    setRotationEnabled(secretId, enabled) {
      if (enabled) rotationEnabled.add(secretId);
      else rotationEnabled.delete(secretId);
    },
    secretAt: (secretId, label) => parseStoredSecret(store.valueAt(secretId, label)),
    valueAt: (secretId, label) => versionsOf(secretId).withStage(label)?.secretString,
    versionIdAt: (secretId, label) => versionsOf(secretId).withStage(label)?.versionId,
    versionIds: (secretId) => versionsOf(secretId).list().map((version) => version.versionId),
  };
  return store;
}
