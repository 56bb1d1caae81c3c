/**
 * A local AWS Secrets Manager for tests: a real HTTP server on 127.0.0.1 that speaks the AWS JSON 1.1
 * protocol (POST /, `X-Amz-Target: secretsmanager.<Operation>`), so the real
 * `@aws-sdk/client-secrets-manager` talks to it unchanged. It keeps secrets, versions and staging labels
 * in memory with AWS's documented semantics, records every call, and injects faults on demand.
 *
 * Operations outside `SecretsManagerOperation` answer UnknownOperationException.
 * Only `SecretString` values are stored (no `SecretBinary`).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import {
  ACCOUNT_ID,
  asServiceError,
  clientError,
  listenOnLoopback,
  readBody,
  REGION,
  sendJson,
  ServiceError,
  standInEnvironment,
  TEST_CREDENTIALS,
  type JsonObject,
} from './aws-json.js';

export type SecretsManagerOperation =
  | 'CreateSecret' | 'DescribeSecret' | 'GetSecretValue' | 'PutSecretValue'
  | 'UpdateSecretVersionStage' | 'ListSecretVersionIds' | 'RotateSecret';

export interface SecretsManagerFault {
  operation: SecretsManagerOperation | '*';
  error: 'ThrottlingException' | 'InternalServiceError' | 'AccessDeniedException' | 'ResourceNotFoundException'
       | 'DecryptionFailure' | 'EncryptionFailure' | 'KMSAccessDeniedException'
       | { type: string; status: number; message?: string }
       | 'hang';               // accept the request and never answer (until close())
  secretId?: string;           // only calls about this secret (name or ARN); default any
  afterCalls?: number;         // let this many matching calls succeed first ("fail after N calls"); default 0
  times?: number;              // how many matching calls fail; default 1; Infinity allowed
}

export interface RecordedSecretsManagerCall {
  operation: string; secretId?: string; outcome: 'ok' | string /* the error __type or 'hang' */;
  clientRequestToken?: string; versionStage?: string; versionId?: string;   // what the request asked for
  /** PutSecretValue's VersionStages, as sent. */
  versionStages?: string[];
  /** UpdateSecretVersionStage's MoveToVersionId and RemoveFromVersionId, as sent. */
  moveToVersionId?: string; removeFromVersionId?: string;
}

export interface StoredVersion { versionId: string; stages: string[]; secretString?: string; createdAt: Date }

export interface SecretsManagerStandIn {
  readonly endpoint: string;                 // http://127.0.0.1:<port>
  readonly region: string;                   // 'us-east-1'
  readonly calls: readonly RecordedSecretsManagerCall[];
  /** A real SDK client pointed at this stand-in (static test credentials, region, endpoint); overrides merged in. */
  client(overrides?: Partial<SecretsManagerClientConfig>): SecretsManagerClient;
  /** Environment for code that builds its own client: AWS_ENDPOINT_URL_SECRETS_MANAGER, AWS_REGION,
   *  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (dummy values). */
  env(): Record<string, string>;
  /** Seeds a secret directly (no HTTP). With secretString, its first version is AWSCURRENT. Returns the ARN. */
  createSecret(name: string, secretString?: string): { arn: string; name: string; versionId?: string };
  /**
   * What RotateSecret does before it invokes the rotation function (which this stand-in does not): turns
   * rotation on and labels a new, still empty version `token` AWSPENDING. Returns the token.
   */
  startRotation(secretId: string, token?: string): string;
  /** All versions of a secret, oldest first (name or ARN). Throws if the secret does not exist. */
  versions(secretId: string): StoredVersion[];
  /** The SecretString at a stage (default AWSCURRENT), or undefined. Throws if the secret does not exist. */
  valueAt(secretId: string, stage?: string): string | undefined;
  /** Every SecretString ever stored (tests scan logs for them). */
  storedValues(): string[];
  injectFault(fault: SecretsManagerFault): void;
  clearFaults(): void;
  /** Resolves once at least `count` calls have been recorded (e.g. a request is now hanging). */
  waitForCalls(count: number): Promise<void>;
  close(): Promise<void>;                    // ends hanging requests and keep-alive sockets, then closes
}

const CURRENT = 'AWSCURRENT';
const PREVIOUS = 'AWSPREVIOUS';
const SECRET_NOT_FOUND = "Secrets Manager can't find the specified secret.";

const FAULT_ERRORS: Record<Exclude<SecretsManagerFault['error'], object | 'hang'>, ServiceError> = {
  ThrottlingException: clientError('ThrottlingException', 'Rate exceeded'),
  InternalServiceError: new ServiceError('InternalServiceError', 500, 'An error occurred on the server side.'),
  AccessDeniedException: clientError('AccessDeniedException', 'You do not have sufficient access to perform this action.'),
  ResourceNotFoundException: clientError('ResourceNotFoundException', SECRET_NOT_FOUND),
  DecryptionFailure: clientError('DecryptionFailure',
    "Secrets Manager can't decrypt the protected secret text using the provided KMS key."),
  EncryptionFailure: clientError('EncryptionFailure',
    "Secrets Manager can't encrypt the protected secret text using the provided KMS key."),
  KMSAccessDeniedException: clientError('KMSAccessDeniedException', 'Access to KMS is not allowed'),
};

// ---------------------------------------------------------------------------------------------------------
// Secrets, versions and staging labels

interface StoredSecret {
  arn: string;
  name: string;
  description?: string;
  kmsKeyId?: string;
  tags?: unknown[];
  createdAt: Date;
  lastChangedAt: Date;
  versions: StoredVersion[];
  rotationEnabled: boolean;
}

function newArn(name: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const suffix = [...randomBytes(6)].map((byte) => alphabet[byte % alphabet.length]).join('');
  return `arn:aws:secretsmanager:${REGION}:${ACCOUNT_ID}:secret:${name}-${suffix}`;
}

/** The ARN without its `-` and 6-character random suffix, which AWS also accepts as a SecretId. */
const partialArn = (secret: StoredSecret) => secret.arn.slice(0, -7);

const versionWithStage = (secret: StoredSecret, stage: string) =>
  secret.versions.find((version) => version.stages.includes(stage));

function detachStage(secret: StoredSecret, stage: string): void {
  for (const version of secret.versions) version.stages = version.stages.filter((label) => label !== stage);
}

/** Attaches a label to one version, taking it from wherever it was; a moved AWSCURRENT leaves AWSPREVIOUS behind. */
function attachStage(secret: StoredSecret, stage: string, target: StoredVersion): void {
  const holder = versionWithStage(secret, stage);
  if (holder === target) return;
  detachStage(secret, stage);
  target.stages.push(stage);
  if (stage === CURRENT && holder) {
    detachStage(secret, PREVIOUS);
    holder.stages.push(PREVIOUS);
  }
}

class SecretStore {
  private readonly secrets: StoredSecret[] = [];

  find(secretId: string): StoredSecret | undefined {
    return this.secrets.find((secret) => secret.arn === secretId)
      ?? this.secrets.find((secret) => secret.name === secretId)
      ?? this.secrets.find((secret) => partialArn(secret) === secretId);
  }

  get(secretId: string): StoredSecret {
    const secret = this.find(secretId);
    if (!secret) throw clientError('ResourceNotFoundException', SECRET_NOT_FOUND);
    return secret;
  }

  add(secret: Omit<StoredSecret, 'arn' | 'createdAt' | 'lastChangedAt' | 'versions' | 'rotationEnabled'>,
      firstVersion?: { versionId: string; secretString: string }): StoredSecret {
    if (this.secrets.some((existing) => existing.name === secret.name)) {
      throw clientError('ResourceExistsException', `The operation failed because the secret ${secret.name} already exists.`);
    }
    const now = new Date();
    const versions = firstVersion ? [{ ...firstVersion, stages: [CURRENT], createdAt: now }] : [];
    const stored: StoredSecret = { ...secret, arn: newArn(secret.name), createdAt: now, lastChangedAt: now, versions, rotationEnabled: false };
    this.secrets.push(stored);
    return stored;
  }

  all(): readonly StoredSecret[] {
    return this.secrets;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Reading request parameters


function missingParameter(key: string): ServiceError {
  const member = key.charAt(0).toLowerCase() + key.slice(1);
  return clientError('ValidationException',
    `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
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
  return [...new Set(value as string[])];
}

function optionalList(input: JsonObject, key: string): unknown[] | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw wrongType(key, 'a list');
  return value;
}

function parseInput(body: string): JsonObject {
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
// Operations (each validates everything before it changes anything, so a failing call changes nothing)

/** Dates travel as epoch seconds, the AWS JSON protocol's default timestamp format. */
const epochSeconds = (date: Date) => date.getTime() / 1000;

const stagesOf = (version: StoredVersion) => (version.stages.length > 0 ? { VersionStages: [...version.stages] } : {});

function versionById(secret: StoredSecret, versionId: string): StoredVersion {
  const version = secret.versions.find((candidate) => candidate.versionId === versionId);
  if (!version) {
    throw clientError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`);
  }
  return version;
}

function createSecret(store: SecretStore, input: JsonObject): JsonObject {
  const name = requiredString(input, 'Name');
  const secretString = optionalString(input, 'SecretString');
  const versionId = optionalString(input, 'ClientRequestToken') ?? randomUUID();
  const secret = store.add(
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

function describeSecret(store: SecretStore, input: JsonObject): JsonObject {
  const secret = store.get(requiredString(input, 'SecretId'));
  const versionIdsToStages = Object.fromEntries(
    secret.versions.filter((version) => version.stages.length > 0).map((version) => [version.versionId, [...version.stages]]),
  );
  return {
    ARN: secret.arn,
    Name: secret.name,
    ...(secret.description === undefined ? {} : { Description: secret.description }),
    ...(secret.kmsKeyId === undefined ? {} : { KmsKeyId: secret.kmsKeyId }),
    ...(secret.tags === undefined ? {} : { Tags: secret.tags }),
    CreatedDate: epochSeconds(secret.createdAt),
    LastChangedDate: epochSeconds(secret.lastChangedAt),
    ...(secret.rotationEnabled ? { RotationEnabled: true } : {}),
    VersionIdsToStages: versionIdsToStages,
  };
}

function getSecretValue(store: SecretStore, input: JsonObject): JsonObject {
  const secret = store.get(requiredString(input, 'SecretId'));
  const versionId = optionalString(input, 'VersionId');
  const versionStage = optionalString(input, 'VersionStage');
  const stageNotFound = (stage: string) =>
    clientError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for staging label: ${stage}`);

  let version: StoredVersion | undefined;
  if (versionId !== undefined) {
    version = versionById(secret, versionId);
    // With both parameters, they must name the same version.
    if (versionStage !== undefined && !version.stages.includes(versionStage)) throw stageNotFound(versionStage);
  } else {
    const stage = versionStage ?? CURRENT;
    version = versionWithStage(secret, stage);
    if (!version) throw stageNotFound(stage);
  }
  // RotateSecret's AWSPENDING version has no value until the rotation function writes one.
  if (version.secretString === undefined) {
    throw clientError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for VersionId: ${version.versionId}`);
  }
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: version.versionId,
    ...(version.secretString === undefined ? {} : { SecretString: version.secretString }),
    ...stagesOf(version),
    CreatedDate: epochSeconds(version.createdAt),
  };
}

function putSecretValue(store: SecretStore, input: JsonObject): JsonObject {
  const secret = store.get(requiredString(input, 'SecretId'));
  const secretString = optionalString(input, 'SecretString');
  if (secretString === undefined) {
    throw clientError('InvalidParameterException', 'You must provide SecretString (this stand-in does not store SecretBinary).');
  }
  const versionId = optionalString(input, 'ClientRequestToken') ?? randomUUID();
  const requestedStages = optionalStringList(input, 'VersionStages') ?? [CURRENT];

  const existing = secret.versions.find((version) => version.versionId === versionId);
  if (existing && existing.secretString === undefined) {
    // RotateSecret's empty AWSPENDING version: the rotation function's createSecret writes its value.
    existing.secretString = secretString;
    for (const stage of requestedStages) attachStage(secret, stage, existing);
    secret.lastChangedAt = new Date();
    return { ARN: secret.arn, Name: secret.name, VersionId: existing.versionId, ...stagesOf(existing) };
  }
  if (existing) {
    if (existing.secretString !== secretString) {
      throw clientError('ResourceExistsException',
        `A version with VersionId ${versionId} already exists with a different secret value. ` +
        "You can't modify a secret version; you can only create new versions.");
    }
    return { ARN: secret.arn, Name: secret.name, VersionId: existing.versionId, ...stagesOf(existing) };
  }

  // The first version of a secret always becomes AWSCURRENT.
  const stages = secret.versions.length === 0 && !requestedStages.includes(CURRENT)
    ? [...requestedStages, CURRENT]
    : requestedStages;
  const version: StoredVersion = { versionId, stages: [], secretString, createdAt: new Date() };
  secret.versions.push(version);
  for (const stage of stages) attachStage(secret, stage, version);
  secret.lastChangedAt = new Date();
  return { ARN: secret.arn, Name: secret.name, VersionId: versionId, ...stagesOf(version) };
}

function updateSecretVersionStage(store: SecretStore, input: JsonObject): JsonObject {
  const secret = store.get(requiredString(input, 'SecretId'));
  const stage = requiredString(input, 'VersionStage');
  const moveToVersionId = optionalString(input, 'MoveToVersionId');
  const removeFromVersionId = optionalString(input, 'RemoveFromVersionId');
  if (moveToVersionId === undefined && removeFromVersionId === undefined) {
    throw clientError('InvalidParameterException', 'You must specify MoveToVersionId, RemoveFromVersionId, or both.');
  }
  const target = moveToVersionId === undefined ? undefined : versionById(secret, moveToVersionId);
  const source = removeFromVersionId === undefined ? undefined : versionById(secret, removeFromVersionId);
  const holder = versionWithStage(secret, stage);

  if (target && holder && holder !== target && source !== holder) {
    const problem = source === undefined
      ? `The parameter RemoveFromVersionId can't be empty. Staging label ${stage} is currently attached to version ${holder.versionId}`
      : `Staging label ${stage} is currently attached to version ${holder.versionId}, not to version ${source.versionId}`;
    throw clientError('InvalidParameterException', `${problem}, so you must explicitly reference that version in RemoveFromVersionId.`);
  }
  if (source && holder !== source && holder !== target) {
    throw clientError('InvalidParameterException', `Staging label ${stage} is not attached to version ${source.versionId}.`);
  }

  if (target) {
    attachStage(secret, stage, target);
  } else if (source) {
    detachStage(secret, stage);
  }
  secret.lastChangedAt = new Date();
  return { ARN: secret.arn, Name: secret.name };
}

function listSecretVersionIds(store: SecretStore, input: JsonObject): JsonObject {
  const secret = store.get(requiredString(input, 'SecretId'));
  const includeDeprecated = input['IncludeDeprecated'] === true;
  const versions = secret.versions
    .filter((version) => includeDeprecated || version.stages.length > 0)
    .map((version) => ({ VersionId: version.versionId, ...stagesOf(version), CreatedDate: epochSeconds(version.createdAt) }));
  return { Versions: versions, ARN: secret.arn, Name: secret.name };
}

/** Turns rotation on and labels a new empty version AWSPENDING; the real service would then invoke the function. */
function rotateSecret(store: SecretStore, input: JsonObject): JsonObject {
  const secret = store.get(requiredString(input, 'SecretId'));
  const versionId = startRotationOf(secret, optionalString(input, 'ClientRequestToken') ?? randomUUID());
  return { ARN: secret.arn, Name: secret.name, VersionId: versionId };
}

function startRotationOf(secret: StoredSecret, versionId: string): string {
  if (secret.versions.some((version) => version.versionId === versionId)) {
    throw clientError('ResourceExistsException', `A version with VersionId ${versionId} already exists.`);
  }
  secret.rotationEnabled = true;
  const version: StoredVersion = { versionId, stages: [], createdAt: new Date() };
  secret.versions.push(version);
  attachStage(secret, 'AWSPENDING', version);
  secret.lastChangedAt = new Date();
  return versionId;
}

const OPERATIONS: Record<SecretsManagerOperation, (store: SecretStore, input: JsonObject) => JsonObject> = {
  CreateSecret: createSecret,
  DescribeSecret: describeSecret,
  GetSecretValue: getSecretValue,
  PutSecretValue: putSecretValue,
  UpdateSecretVersionStage: updateSecretVersionStage,
  ListSecretVersionIds: listSecretVersionIds,
  RotateSecret: rotateSecret,
};

const isOperation = (name: string): name is SecretsManagerOperation => Object.hasOwn(OPERATIONS, name);

/** What the request asked for, as recorded in `calls` (never the secret value). */
function describeRequest(operation: string, input: JsonObject): Omit<RecordedSecretsManagerCall, 'outcome'> {
  const text = (key: string) => (typeof input[key] === 'string' ? (input[key] as string) : undefined);
  const stages = input['VersionStages'];
  const call: Omit<RecordedSecretsManagerCall, 'outcome'> = {
    operation,
    secretId: operation === 'CreateSecret' ? text('Name') : text('SecretId'),
    clientRequestToken: text('ClientRequestToken'),
    versionStage: text('VersionStage'),
    versionId: text('VersionId'),
    versionStages: Array.isArray(stages) ? stages.filter((stage): stage is string => typeof stage === 'string') : undefined,
    moveToVersionId: text('MoveToVersionId'),
    removeFromVersionId: text('RemoveFromVersionId'),
  };
  return Object.fromEntries(Object.entries(call).filter(([, value]) => value !== undefined)) as typeof call;
}

// ---------------------------------------------------------------------------------------------------------
// Faults

interface ActiveFault { fault: SecretsManagerFault; matchingCalls: number }

function faultOutcome(error: SecretsManagerFault['error']): ServiceError | 'hang' {
  if (error === 'hang') return 'hang';
  if (typeof error === 'object') return new ServiceError(error.type, error.status, error.message ?? `Injected ${error.type}`);
  return FAULT_ERRORS[error];
}

/** Counts the call against every fault it matches; the first fault whose failing window it falls in wins. */
function triggeredFault(faults: ActiveFault[], store: SecretStore, operation: string, secretId: string | undefined) {
  const sameSecret = (faultSecretId: string) => {
    if (secretId === undefined) return false;
    if (secretId === faultSecretId) return true;
    const secret = store.find(secretId);
    return secret !== undefined && secret === store.find(faultSecretId);
  };
  let triggered: ServiceError | 'hang' | undefined;
  for (const active of faults) {
    const { fault } = active;
    if (fault.operation !== '*' && fault.operation !== operation) continue;
    if (fault.secretId !== undefined && !sameSecret(fault.secretId)) continue;
    active.matchingCalls += 1;
    const afterCalls = fault.afterCalls ?? 0;
    const inWindow = active.matchingCalls > afterCalls && active.matchingCalls <= afterCalls + (fault.times ?? 1);
    if (inWindow && triggered === undefined) triggered = faultOutcome(fault.error);
  }
  return triggered;
}

// ---------------------------------------------------------------------------------------------------------
// HTTP

export async function startSecretsManagerStandIn(): Promise<SecretsManagerStandIn> {
  const store = new SecretStore();
  const calls: RecordedSecretsManagerCall[] = [];
  let faults: ActiveFault[] = [];
  const clients: SecretsManagerClient[] = [];
  let callWaiters: { count: number; resolve: () => void; reject: (error: Error) => void }[] = [];

  function record(call: RecordedSecretsManagerCall): void {
    calls.push(call);
    const satisfied = callWaiters.filter((waiter) => calls.length >= waiter.count);
    callWaiters = callWaiters.filter((waiter) => calls.length < waiter.count);
    for (const waiter of satisfied) waiter.resolve();
  }

  async function handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const target = request.headers['x-amz-target'];
    const operation = typeof target === 'string' ? target.replace(/^secretsmanager\./, '') : '';
    let call: RecordedSecretsManagerCall = { operation, outcome: 'ok' };
    try {
      if (!request.headers.authorization) {
        throw new ServiceError('MissingAuthenticationToken', 403, 'Request is missing Authentication Token');
      }
      if (request.method !== 'POST' || typeof target !== 'string' || !target.startsWith('secretsmanager.') || !isOperation(operation)) {
        throw clientError('UnknownOperationException', `Unknown operation ${operation || '(no X-Amz-Target)'}.`);
      }
      const input = parseInput(body);
      call = { ...describeRequest(operation, input), outcome: 'ok' };
      const fault = triggeredFault(faults, store, operation, call.secretId);
      if (fault === 'hang') {
        call.outcome = 'hang';
        return;
      }
      if (fault) throw fault;
      sendJson(response, 200, OPERATIONS[operation](store, input));
    } catch (error) {
      const failure = asServiceError(error);
      call.outcome = failure.type;
      sendJson(response, failure.status, { __type: failure.type, message: failure.message }, failure.type);
    } finally {
      record(call);
    }
  }

  const { endpoint, close: closeServer } = await listenOnLoopback(handleRequest);

  function close(): Promise<void> {
    for (const client of clients) client.destroy();
    for (const waiter of callWaiters) waiter.reject(new Error('The Secrets Manager stand-in was closed.'));
    callWaiters = [];
    return closeServer();
  }

  return {
    endpoint,
    region: REGION,
    calls,
    client(overrides = {}) {
      const client = new SecretsManagerClient({ region: REGION, endpoint, credentials: TEST_CREDENTIALS, ...overrides });
      clients.push(client);
      return client;
    },
    env: () => standInEnvironment('AWS_ENDPOINT_URL_SECRETS_MANAGER', endpoint),
    createSecret(name, secretString) {
      const firstVersion = secretString === undefined ? undefined : { versionId: randomUUID(), secretString };
      const secret = store.add({ name }, firstVersion);
      return { arn: secret.arn, name: secret.name, ...(firstVersion ? { versionId: firstVersion.versionId } : {}) };
    },
    startRotation(secretId, token = randomUUID()) {
      return startRotationOf(store.get(secretId), token);
    },
    versions(secretId) {
      return store.get(secretId).versions.map((version) => ({ ...version, stages: [...version.stages] }));
    },
    valueAt(secretId, stage = CURRENT) {
      return versionWithStage(store.get(secretId), stage)?.secretString;
    },
    storedValues() {
      return store.all().flatMap((secret) => secret.versions.flatMap((version) => version.secretString ?? []));
    },
    injectFault(fault) {
      faults.push({ fault, matchingCalls: 0 });
    },
    clearFaults() {
      faults = [];
    },
    waitForCalls(count) {
      if (calls.length >= count) return Promise.resolve();
      return new Promise<void>((resolve, reject) => callWaiters.push({ count, resolve, reject }));
    },
    close,
  };
}
