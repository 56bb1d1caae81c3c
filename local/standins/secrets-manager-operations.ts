// The Secrets Manager stand-in's secrets and the operations it answers, over AWS JSON 1.1 request bodies.
// Versions and staging labels follow the rules in secret-versions.ts; each operation validates everything
// before it changes anything, so a failing call changes nothing.
import { randomBytes, randomUUID } from 'node:crypto';
import { AWSCURRENT, AWSPENDING } from '../../lambda/contract/staging-labels.js';
import { ACCOUNT_ID, clientError, REGION, ServiceError, type JsonObject } from './aws-json.js';
import { SecretVersions, type SecretVersion } from './secret-versions.js';

export type SecretsManagerOperation =
  | 'CreateSecret'
  | 'DescribeSecret'
  | 'GetSecretValue'
  | 'PutSecretValue'
  | 'UpdateSecretVersionStage'
  | 'ListSecretVersionIds'
  | 'RotateSecret'
  | 'CancelRotateSecret';

export const SECRET_NOT_FOUND = "Secrets Manager can't find the specified secret.";

export interface StoredSecret {
  readonly arn: string;
  readonly name: string;
  readonly description?: string;
  readonly kmsKeyId?: string;
  readonly tags?: unknown[];
  readonly createdAt: Date;
  lastChangedAt: Date;
  readonly versions: SecretVersions;
  rotationEnabled: boolean;
  /** RotateSecret's RotationLambdaARN: the function each rotation invokes. */
  rotationLambdaArn?: string;
  /** RotateSecret's RotationRules, as sent. */
  rotationRules?: RotationRules;
  lastRotatedAt?: Date;
  nextRotationAt?: Date;
}

export interface RotationRules {
  readonly AutomaticallyAfterDays?: number;
  readonly ScheduleExpression?: string;
  readonly Duration?: string;
}

const DAY_MS = 86_400_000;
const RATE_IN_DAYS = /^rate\((\d+) days?\)$/;

/**
 * When the rules rotate the secret next, from `from`: after `AutomaticallyAfterDays`, or a `rate(<n> days)`
 * schedule. A cron schedule's next date is not computed here (undefined).
 */
export function nextRotation(secret: StoredSecret, from: Date): Date | undefined {
  const rules = secret.rotationRules;
  const days = rules?.AutomaticallyAfterDays ?? Number(RATE_IN_DAYS.exec(rules?.ScheduleExpression ?? '')?.[1] ?? NaN);
  return Number.isFinite(days) ? new Date(from.getTime() + days * DAY_MS) : undefined;
}

function newArn(name: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const suffix = [...randomBytes(6)].map((byte) => alphabet[byte % alphabet.length]).join('');
  return `arn:aws:secretsmanager:${REGION}:${ACCOUNT_ID}:secret:${name}-${suffix}`;
}

/** The ARN without its `-` and 6-character random suffix, which AWS also accepts as a SecretId. */
const partialArn = (secret: StoredSecret) => secret.arn.slice(0, -7);

/** Every secret of the stand-in, found by ARN, name or partial ARN as AWS finds them. */
export class Secrets {
  private readonly secrets: StoredSecret[] = [];

  find(secretId: string): StoredSecret | undefined {
    return (
      this.secrets.find((secret) => secret.arn === secretId) ??
      this.secrets.find((secret) => secret.name === secretId) ??
      this.secrets.find((secret) => partialArn(secret) === secretId)
    );
  }

  get(secretId: string): StoredSecret {
    const secret = this.find(secretId);
    if (!secret) throw clientError('ResourceNotFoundException', SECRET_NOT_FOUND);
    return secret;
  }

  /** A new secret; with `firstVersion`, that version is its AWSCURRENT. */
  add(
    details: Pick<StoredSecret, 'name' | 'description' | 'kmsKeyId' | 'tags'>,
    firstVersion?: { versionId: string; secretString: string },
  ): StoredSecret {
    if (this.secrets.some((existing) => existing.name === details.name)) {
      throw clientError('ResourceExistsException', `The operation failed because the secret ${details.name} already exists.`);
    }
    const now = new Date();
    const versions = new SecretVersions();
    if (firstVersion) versions.put(firstVersion.versionId, firstVersion.secretString);
    const arn = newArn(details.name);
    const secret: StoredSecret = { ...details, arn, createdAt: now, lastChangedAt: now, versions, rotationEnabled: false };
    this.secrets.push(secret);
    return secret;
  }

  all(): readonly StoredSecret[] {
    return this.secrets;
  }
}

/** What RotateSecret does before it would invoke the rotation function: rotation on, an empty AWSPENDING version. */
export function startRotationOf(secret: StoredSecret, versionId: string): string {
  secret.versions.startRotation(versionId);
  secret.rotationEnabled = true;
  secret.lastChangedAt = new Date();
  return versionId;
}

// ---------------------------------------------------------------------------------------------------------
// Reading request parameters

function missingParameter(key: string): ServiceError {
  const member = key.charAt(0).toLowerCase() + key.slice(1);
  return clientError(
    'ValidationException',
    `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
  );
}

function wrongType(key: string, expected: string): ServiceError {
  return clientError('SerializationException', `${key} must be ${expected}`);
}

function optionalString(input: JsonObject, key: string): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw wrongType(key, 'a string');
  return value;
}

function requiredString(input: JsonObject, key: string): string {
  const value = optionalString(input, key);
  if (value === undefined) throw missingParameter(key);
  return value;
}

function optionalStringList(input: JsonObject, key: string): string[] | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw wrongType(key, 'a list of strings');
  return [...new Set(value)];
}

function optionalList(input: JsonObject, key: string): unknown[] | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw wrongType(key, 'a list');
  return value as unknown[];
}

export function parseInput(body: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body === '' ? '{}' : body);
  } catch {
    throw clientError('SerializationException', 'The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw clientError('SerializationException', 'The request body must be a JSON object.');
  }
  return parsed as JsonObject;
}

// ---------------------------------------------------------------------------------------------------------
// Operations

/** Dates travel as epoch seconds, the AWS JSON protocol's default timestamp format. */
const epochSeconds = (date: Date) => date.getTime() / 1000;

const stagesOf = (version: SecretVersion) => (version.stages.length > 0 ? { VersionStages: [...version.stages] } : {});

function createSecret(secrets: Secrets, input: JsonObject): JsonObject {
  const name = requiredString(input, 'Name');
  const secretString = optionalString(input, 'SecretString');
  const versionId = optionalString(input, 'ClientRequestToken') ?? randomUUID();
  const secret = secrets.add(
    {
      name,
      description: optionalString(input, 'Description'),
      kmsKeyId: optionalString(input, 'KmsKeyId'),
      tags: optionalList(input, 'Tags'),
    },
    secretString === undefined ? undefined : { versionId, secretString },
  );
  return { ARN: secret.arn, Name: secret.name, ...(secretString === undefined ? {} : { VersionId: versionId }) };
}

function describeSecret(secrets: Secrets, input: JsonObject): JsonObject {
  const secret = secrets.get(requiredString(input, 'SecretId'));
  return {
    ARN: secret.arn,
    Name: secret.name,
    ...(secret.description === undefined ? {} : { Description: secret.description }),
    ...(secret.kmsKeyId === undefined ? {} : { KmsKeyId: secret.kmsKeyId }),
    ...(secret.tags === undefined ? {} : { Tags: secret.tags }),
    CreatedDate: epochSeconds(secret.createdAt),
    LastChangedDate: epochSeconds(secret.lastChangedAt),
    ...(secret.rotationEnabled ? { RotationEnabled: true } : {}),
    ...(secret.rotationLambdaArn === undefined ? {} : { RotationLambdaARN: secret.rotationLambdaArn }),
    ...(secret.rotationRules === undefined ? {} : { RotationRules: secret.rotationRules }),
    ...(secret.lastRotatedAt === undefined ? {} : { LastRotatedDate: epochSeconds(secret.lastRotatedAt) }),
    ...(secret.rotationEnabled && secret.nextRotationAt !== undefined ? { NextRotationDate: epochSeconds(secret.nextRotationAt) } : {}),
    VersionIdsToStages: secret.versions.stagesById(),
  };
}

function getSecretValue(secrets: Secrets, input: JsonObject): JsonObject {
  const secret = secrets.get(requiredString(input, 'SecretId'));
  const version = secret.versions.read({ versionId: optionalString(input, 'VersionId'), stage: optionalString(input, 'VersionStage') });
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: version.versionId,
    SecretString: version.secretString,
    ...stagesOf(version),
    CreatedDate: epochSeconds(version.createdAt),
  };
}

function putSecretValue(secrets: Secrets, input: JsonObject): JsonObject {
  const secret = secrets.get(requiredString(input, 'SecretId'));
  const secretString = optionalString(input, 'SecretString');
  if (secretString === undefined) {
    throw clientError('InvalidParameterException', 'You must provide SecretString (this stand-in does not store SecretBinary).');
  }
  const versionId = optionalString(input, 'ClientRequestToken') ?? randomUUID();
  // A token reused with the same value changes nothing.
  const unchanged = secret.versions.find(versionId)?.secretString !== undefined;
  const version = secret.versions.put(versionId, secretString, optionalStringList(input, 'VersionStages') ?? [AWSCURRENT]);
  if (!unchanged) secret.lastChangedAt = new Date();
  return { ARN: secret.arn, Name: secret.name, VersionId: version.versionId, ...stagesOf(version) };
}

function updateSecretVersionStage(secrets: Secrets, input: JsonObject): JsonObject {
  const secret = secrets.get(requiredString(input, 'SecretId'));
  secret.versions.moveStage(requiredString(input, 'VersionStage'), {
    moveTo: optionalString(input, 'MoveToVersionId'),
    removeFrom: optionalString(input, 'RemoveFromVersionId'),
  });
  secret.lastChangedAt = new Date();
  return { ARN: secret.arn, Name: secret.name };
}

function listSecretVersionIds(secrets: Secrets, input: JsonObject): JsonObject {
  const secret = secrets.get(requiredString(input, 'SecretId'));
  const includeDeprecated = input.IncludeDeprecated === true;
  const versions = secret.versions
    .list()
    .filter((version) => includeDeprecated || version.stages.length > 0)
    .map((version) => ({ VersionId: version.versionId, ...stagesOf(version), CreatedDate: epochSeconds(version.createdAt) }));
  return { Versions: versions, ARN: secret.arn, Name: secret.name };
}

/**
 * Turns rotation on (with the function and rules given, or those the secret has) and labels a new empty version
 * AWSPENDING; then Secrets Manager invokes the function (secrets-manager-rotation.ts). As AWS, it refuses to
 * start while an earlier rotation's AWSPENDING version is still apart from AWSCURRENT, and without a function.
 */
function rotateSecret(secrets: Secrets, input: JsonObject): JsonObject {
  const secret = secrets.get(requiredString(input, 'SecretId'));
  const functionArn = optionalString(input, 'RotationLambdaARN') ?? secret.rotationLambdaArn;
  if (functionArn === undefined) {
    throw clientError('InvalidRequestException', 'No Lambda rotation function ARN is associated with this secret.');
  }
  const pending = secret.versions.withStage(AWSPENDING);
  if (pending !== undefined && !pending.stages.includes(AWSCURRENT)) {
    throw clientError('InvalidRequestException', "A previous rotation isn't complete. That rotation will be reattempted.");
  }
  const rules = input.RotationRules;
  secret.rotationLambdaArn = functionArn;
  if (typeof rules === 'object' && rules !== null && !Array.isArray(rules)) secret.rotationRules = rules;
  const versionId = startRotationOf(secret, optionalString(input, 'ClientRequestToken') ?? randomUUID());
  secret.nextRotationAt = nextRotation(secret, new Date());
  return { ARN: secret.arn, Name: secret.name, VersionId: versionId };
}

/** Turns automatic rotation off; as AWS, it leaves the labels of a rotation in progress where they are. */
function cancelRotateSecret(secrets: Secrets, input: JsonObject): JsonObject {
  const secret = secrets.get(requiredString(input, 'SecretId'));
  secret.rotationEnabled = false;
  return { ARN: secret.arn, Name: secret.name };
}

export const OPERATIONS: Record<SecretsManagerOperation, (secrets: Secrets, input: JsonObject) => JsonObject> = {
  CreateSecret: createSecret,
  DescribeSecret: describeSecret,
  GetSecretValue: getSecretValue,
  PutSecretValue: putSecretValue,
  UpdateSecretVersionStage: updateSecretVersionStage,
  ListSecretVersionIds: listSecretVersionIds,
  RotateSecret: rotateSecret,
  CancelRotateSecret: cancelRotateSecret,
};

export const isOperation = (name: string): name is SecretsManagerOperation => Object.hasOwn(OPERATIONS, name);
