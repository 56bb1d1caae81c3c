import { randomUUID } from 'node:crypto';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { SecretStoreError } from '../errors.js';
import { AWSCURRENT, AWSPENDING, versionWithStage, WRITE_CHECK } from '../../contract/staging-labels.js';
import { WORKSPACE_ID_TAG } from '../../contract/secret-tags.js';

/** A secret's identity and which version carries each rotation label right now. */
export interface TargetVersions {
  /** The secret's full ARN, however it was named in the call. */
  readonly arn: string;
  readonly currentVersionId: string | undefined;
  readonly pendingVersionId: string | undefined;
  /** Whether Secrets Manager's own rotation is turned on for the secret. */
  readonly rotationEnabled: boolean;
  /** Every version that carries a label, with its labels. */
  readonly stages: Readonly<Record<string, readonly string[]>>;
  /** The workspace the secret is tagged for (`WORKSPACE_ID_TAG`); absent when it has no such tag. */
  readonly workspaceTag?: string;
}

/** One version as stored: its SecretString (undefined while Secrets Manager's rotation has not written it yet). */
export interface StoredVersion {
  readonly versionId: string;
  readonly secretString: string | undefined;
  /** When Secrets Manager created the version (ISO 8601), when known. */
  readonly createdAt: string | undefined;
}

export interface SecretStore {
  describe(secretId: string): Promise<TargetVersions>;
  readVersion(secretId: string, versionId: string): Promise<StoredVersion>;
  /**
   * Writes `secretString` as version `versionId`, labelled AWSPENDING, and returns what that version now
   * holds. Secrets Manager never changes a version: when `versionId` exists already, the result is the
   * value stored earlier (the caller checks it is the same secret), and its labels are left as they were.
   */
  putPending(secretId: string, secretString: string, versionId: string): Promise<StoredVersion>;
  /**
   * Proves the function may write the secret, KMS key included, by writing a version that only the
   * write-check label points at; the versions receivers read keep their labels.
   */
  checkWriteAccess(secretId: string): Promise<void>;
  /** Moves AWSCURRENT to `versionId` (the old current becomes AWSPREVIOUS) and takes AWSPENDING off it. */
  promote(secretId: string, versionId: string): Promise<void>;
  /** Takes AWSPENDING off `versionId`, if it is still there. */
  dropPending(secretId: string, versionId: string): Promise<void>;
}

/** Concurrent runs may move a label between our read and our write; re-read and try again this often. */
const LABEL_MOVE_ATTEMPTS = 3;

export function createSecretStore(client: SecretsManagerClient): SecretStore {
  return {
    describe: (secretId) => describe(client, secretId),
    readVersion: (secretId, versionId) => readVersion(client, secretId, versionId),
    putPending: (secretId, secretString, versionId) => putPending(client, secretId, secretString, versionId),
    checkWriteAccess: (secretId) => checkWriteAccess(client, secretId),
    promote: (secretId, versionId) => promote(client, secretId, versionId),
    dropPending: (secretId, versionId) => call('UpdateSecretVersionStage', secretId, () => removePending(client, secretId, versionId)),
  };
}

async function call<T>(operation: string, secretId: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw storeError(operation, secretId, error);
  }
}

async function describe(client: SecretsManagerClient, secretId: string): Promise<TargetVersions> {
  const output = await call('DescribeSecret', secretId, () => client.send(new DescribeSecretCommand({ SecretId: secretId })));
  const stages = output.VersionIdsToStages ?? {};
  const workspaceTag = output.Tags?.find(({ Key }) => Key === WORKSPACE_ID_TAG)?.Value;
  return {
    arn: output.ARN ?? secretId,
    currentVersionId: versionWithStage(stages, AWSCURRENT),
    pendingVersionId: versionWithStage(stages, AWSPENDING),
    rotationEnabled: output.RotationEnabled === true,
    stages,
    ...(workspaceTag === undefined ? {} : { workspaceTag }),
  };
}

async function readVersion(client: SecretsManagerClient, secretId: string, versionId: string): Promise<StoredVersion> {
  const output = await call('GetSecretValue', secretId, () =>
    client.send(new GetSecretValueCommand({ SecretId: secretId, VersionId: versionId })),
  );
  return { versionId, secretString: output.SecretString, createdAt: output.CreatedDate?.toISOString() };
}

async function putPending(
  client: SecretsManagerClient,
  secretId: string,
  secretString: string,
  versionId: string,
): Promise<StoredVersion> {
  try {
    await client.send(
      new PutSecretValueCommand({
        SecretId: secretId,
        SecretString: secretString,
        ClientRequestToken: versionId,
        VersionStages: [AWSPENDING],
      }),
    );
    return { versionId, secretString, createdAt: undefined };
  } catch (error) {
    // The version id is derived from Prolific's secret id, so an existing version with this id was
    // written for the same Prolific secret (by an earlier or concurrent run): report what it holds.
    if (nameOf(error) !== 'ResourceExistsException') throw storeError('PutSecretValue', secretId, error);
    return readVersion(client, secretId, versionId);
  }
}

async function checkWriteAccess(client: SecretsManagerClient, secretId: string): Promise<void> {
  const check = JSON.stringify({ write_check: new Date().toISOString(), purpose: 'written before a rotation to prove write access' });
  await call('PutSecretValue', secretId, () =>
    client.send(
      new PutSecretValueCommand({
        SecretId: secretId,
        SecretString: check,
        ClientRequestToken: randomUUID(),
        VersionStages: [WRITE_CHECK],
      }),
    ),
  );
}

async function promote(client: SecretsManagerClient, secretId: string, versionId: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const versions = await describe(client, secretId);
    try {
      if (versions.currentVersionId !== versionId) {
        await client.send(
          new UpdateSecretVersionStageCommand({
            SecretId: secretId,
            VersionStage: AWSCURRENT,
            MoveToVersionId: versionId,
            RemoveFromVersionId: versions.currentVersionId,
          }),
        );
      }
      if (versions.pendingVersionId === versionId) await removePending(client, secretId, versionId);
      return;
    } catch (error) {
      if (nameOf(error) !== 'InvalidParameterException' || attempt >= LABEL_MOVE_ATTEMPTS) {
        throw storeError('UpdateSecretVersionStage', secretId, error);
      }
    }
  }
}

async function removePending(client: SecretsManagerClient, secretId: string, versionId: string): Promise<void> {
  try {
    await client.send(
      new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: AWSPENDING, RemoveFromVersionId: versionId }),
    );
  } catch (error) {
    // Another run already moved or removed the label: what this call wanted is already true.
    if (nameOf(error) !== 'InvalidParameterException') throw error;
  }
}

function nameOf(error: unknown): string {
  return error instanceof Error ? error.name : 'Unknown';
}

const KMS_ERRORS = new Set([
  'DecryptionFailure',
  'EncryptionFailure',
  'KMSAccessDeniedException',
  'KMSDisabledException',
  'KMSInvalidStateException',
  'KMSNotFoundException',
]);

function hintFor(awsErrorName: string, operation: string): string {
  if (awsErrorName === 'AccessDeniedException') return `The function's role needs secretsmanager:${operation} on this secret.`;
  if (awsErrorName === 'ResourceNotFoundException') {
    return 'Create the secret, or correct its ARN in ROTATION_TARGETS (in a deployed stack: the "workspaces" setting, then deploy).';
  }
  if (KMS_ERRORS.has(awsErrorName)) {
    return "The secret's KMS key must be enabled and the function's role needs kms:Decrypt and kms:GenerateDataKey on it.";
  }
  if (awsErrorName === 'ThrottlingException' || awsErrorName === 'InternalServiceError') {
    return 'Secrets Manager is throttling or failing; the next run retries.';
  }
  return '';
}

function storeError(operation: string, secretId: string, error: unknown): SecretStoreError {
  if (error instanceof SecretStoreError) return error;
  const awsErrorName = nameOf(error);
  const detail = error instanceof Error ? error.message : String(error);
  return new SecretStoreError(
    `Secrets Manager ${operation} on ${secretId} failed: ${awsErrorName}: ${detail}. ${hintFor(awsErrorName, operation)}`.trim(),
    awsErrorName,
    { cause: error },
  );
}
