/**
 * A local AWS Secrets Manager for tests: a real HTTP server on 127.0.0.1 that speaks the AWS JSON 1.1
 * protocol (POST /, `X-Amz-Target: secretsmanager.<Operation>`), so the real
 * `@aws-sdk/client-secrets-manager` talks to it unchanged. It keeps secrets in memory, their versions and
 * staging labels with AWS's documented rules (secret-versions.ts), records every call, and injects faults
 * on demand.
 *
 * Started with a `rotationFunction`, RotateSecret then runs the rotation as Secrets Manager does, invoking
 * it for the four steps in order (secrets-manager-rotation.ts); without one, RotateSecret only starts it.
 *
 * Operations outside `SecretsManagerOperation` answer UnknownOperationException.
 * Only `SecretString` values are stored (no `SecretBinary`).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { AWSCURRENT } from '../../lambda/contract/staging-labels.js';
import {
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
import { isOperation, OPERATIONS, parseInput, SECRET_NOT_FOUND, Secrets, startRotationOf } from './secrets-manager-operations.js';
import type { SecretsManagerOperation } from './secrets-manager-operations.js';
import type { SecretVersion } from './secret-versions.js';
import { trackRotations, type RotationFunctionInvoker, type RotationRun } from './secrets-manager-rotation.js';

export type { SecretsManagerOperation } from './secrets-manager-operations.js';
export type { SecretVersion } from './secret-versions.js';
export type { RotationFunctionInvoker, RotationRun, RotationStepEvent } from './secrets-manager-rotation.js';

export interface SecretsManagerStandInOptions {
  /** Invoked for each step of each rotation RotateSecret starts, as Secrets Manager invokes a rotation function. */
  readonly rotationFunction?: RotationFunctionInvoker;
}

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
  operation: string; secretId?: string; outcome: string /* 'ok', the error __type, or 'hang' */;
  clientRequestToken?: string; versionStage?: string; versionId?: string;   // what the request asked for
  /** PutSecretValue's VersionStages, as sent. */
  versionStages?: string[];
  /** UpdateSecretVersionStage's MoveToVersionId and RemoveFromVersionId, as sent. */
  moveToVersionId?: string; removeFromVersionId?: string;
}

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
  versions(secretId: string): SecretVersion[];
  /** The SecretString at a stage (default AWSCURRENT), or undefined. Throws if the secret does not exist. */
  valueAt(secretId: string, stage?: string): string | undefined;
  /** Every SecretString ever stored (tests scan logs for them). */
  storedValues(): string[];
  injectFault(fault: SecretsManagerFault): void;
  clearFaults(): void;
  /** The rotations RotateSecret ran (with a `rotationFunction`), in the order they started, once each has ended. */
  readonly rotations: readonly RotationRun[];
  /** Resolves once every rotation started so far has ended (RotateSecret answers before its steps run, as AWS does). */
  rotationsSettled(): Promise<void>;
  /** Resolves once at least `count` calls have been recorded (e.g. a request is now hanging). */
  waitForCalls(count: number): Promise<void>;
  close(): Promise<void>;                    // ends hanging requests and keep-alive sockets, then closes
}


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

/** What the request asked for, as recorded in `calls` (never the secret value). */
function describeRequest(operation: string, input: JsonObject): Omit<RecordedSecretsManagerCall, 'outcome'> {
  const text = (key: string) => (typeof input[key] === 'string' ? (input[key]) : undefined);
  const stages = input.VersionStages;
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
  const entries: [string, unknown][] = Object.entries(call);
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined)) as typeof call;
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
function triggeredFault(faults: ActiveFault[], store: Secrets, operation: string, secretId: string | undefined) {
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

/** Every call answered, in order, and the tests waiting until there are a number of them. */
function callLog() {
  const calls: RecordedSecretsManagerCall[] = [];
  let waiters: { count: number; resolve: () => void; reject: (error: Error) => void }[] = [];
  return {
    calls,
    record: (call: RecordedSecretsManagerCall): void => {
      calls.push(call);
      const satisfied = waiters.filter((waiter) => calls.length >= waiter.count);
      waiters = waiters.filter((waiter) => calls.length < waiter.count);
      for (const waiter of satisfied) waiter.resolve();
    },
    waitForCalls: (count: number): Promise<void> => {
      if (calls.length >= count) return Promise.resolve();
      return new Promise<void>((resolve, reject) => waiters.push({ count, resolve, reject }));
    },
    stopWaiting: (): void => {
      for (const waiter of waiters) waiter.reject(new Error('The Secrets Manager stand-in was closed.'));
      waiters = [];
    },
  };
}

export async function startSecretsManagerStandIn(options: SecretsManagerStandInOptions = {}): Promise<SecretsManagerStandIn> {
  const store = new Secrets();
  const rotations = trackRotations(options.rotationFunction);
  const { calls, record, waitForCalls, stopWaiting } = callLog();
  let faults: ActiveFault[] = [];
  const clients: SecretsManagerClient[] = [];

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
      const output = OPERATIONS[operation](store, input);
      sendJson(response, 200, output);
      if (operation === 'RotateSecret') rotations.start(store.get(String(output.ARN)), String(output.VersionId));
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
    stopWaiting();
    return closeServer();
  }

  return {
    endpoint,
    region: REGION,
    calls,
    rotations: rotations.runs,
    rotationsSettled: () => rotations.settled(),
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
    startRotation: (secretId, token = randomUUID()) => startRotationOf(store.get(secretId), token),
    versions: (secretId) => store.get(secretId).versions.list(),
    valueAt(secretId, stage = AWSCURRENT) {
      return store.get(secretId).versions.withStage(stage)?.secretString;
    },
    storedValues() {
      return store.all().flatMap((secret) => secret.versions.list().flatMap((version) => version.secretString ?? []));
    },
    injectFault(fault) {
      faults.push({ fault, matchingCalls: 0 });
    },
    clearFaults() {
      faults = [];
    },
    waitForCalls,
    close,
  };
}
