// A representative run of everything that calls AWS, against the stand-ins, with every call recorded: the real
// rotation handler (status, sync, rotate, dry runs, a resumed and a dropped pending version, a healed drift,
// Secrets Manager's four rotation steps, rotation events, its targets read from SSM), the receiver kit (reading
// AWSCURRENT, AWSPENDING and AWSPREVIOUS, and again after a forged delivery) and the example receiver's handler
// (with its Powertools Idempotency table in the DynamoDB stand-in).
// Each principal signs with credentials of its own, so the recorder knows whose call each one was.
import { ACCOUNT_ID, REGION } from '../../local/standins/aws-json.js';
import { startCallRecorder } from '../../local/standins/call-recorder.js';
import { startDynamoDbStandIn, type DynamoDbStandIn } from '../../local/standins/dynamodb.js';
import { standInContext } from '../../local/invoke-handler.js';
import { EXAMPLE_RECEIVER_ENVIRONMENT } from '../../lambda/contract/environment.js';
import { createDeliveryVerifier, signDelivery } from '../../lambda/receiver-kit/index.js';
import { capturingOutput } from '../support/capture-output.js';
import { startHarness, TARGETS_PARAMETER_PATH, TEST_WORKSPACES, type Harness } from '../support/harness.js';
import { PRINCIPAL_ROLES, roleCallsOf, type PrincipalRole, type ResourceRole, type RoleCall } from './role-calls.js';

const credentialsOf = (principal: PrincipalRole) => ({
  accessKeyId: `AKIA${principal.replace(/-/g, '').toUpperCase()}`,
  secretAccessKey: 'stand-in-secret-access-key',
});

const [FIRST, SECOND] = TEST_WORKSPACES;
const NATIVE_ROTATION_TOKEN = '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a';
const BODY = '{"event_type":"study.status.change","resource_id":"abc"}';
const IDEMPOTENCY_TABLE = 'example-receiver-idempotency';

export interface RecordedRuns {
  /** The calls, by role. */
  readonly calls: readonly RoleCall[];
  /** What the function's runs did: each target's outcome, and each native rotation step. */
  readonly outcomes: ReadonlySet<string>;
}

/** Runs everything that calls AWS against fresh stand-ins; the calls it made, by role. */
export async function recordRepresentativeRuns(): Promise<RecordedRuns> {
  const recorder = startCallRecorder();
  const [harness, dynamoDb] = await Promise.all([startHarness({ targetsIn: 'parameters' }), startDynamoDbStandIn()]);
  const outcomes = new Set<string>();
  try {
    await capturingOutput(async () => {
      await runRotationFunction(harness, outcomes);
      await runReceiverKit(harness);
      await runExampleReceiver(harness, dynamoDb);
    });
  } finally {
    recorder.stop();
    await Promise.all([harness.close(), dynamoDb.close()]);
  }
  const principals = new Map(PRINCIPAL_ROLES.map((role) => [credentialsOf(role).accessKeyId, role]));
  return { calls: roleCallsOf(recorder.calls, principals, resourceRoles(harness)), outcomes };
}

function resourceRoles(harness: Harness): ReadonlyMap<string, ResourceRole> {
  return new Map<string, ResourceRole>([
    [harness.tokenSecretId, 'token-secret'],
    ...TEST_WORKSPACES.map((workspaceId) => [harness.secretIdFor(workspaceId), 'target-secret'] as const),
    [`arn:aws:events:${REGION}:${ACCOUNT_ID}:event-bus/default`, 'default-event-bus'],
    [`arn:aws:ssm:${REGION}:${ACCOUNT_ID}:parameter${TARGETS_PARAMETER_PATH}`, 'targets-parameter-path'],
    [`arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/${IDEMPOTENCY_TABLE}`, 'idempotency-table'],
  ]);
}

async function runRotationFunction(h: Harness, outcomes: Set<string>): Promise<void> {
  const credentials = credentialsOf('rotation-function');
  h.coldStart({
    secretsManager: h.secretsManager.client({ maxAttempts: 2, credentials }),
    eventBridge: h.eventBridge.client({ credentials }),
    ssm: h.ssm.client({ credentials }),
  });
  const invoke = async (event: unknown) => {
    const { report, error } = await h.invoke(event);
    if (error !== undefined) throw error;
    for (const result of report?.results ?? []) outcomes.add(result.outcome);
  };
  await invoke({ action: 'status' });
  await invoke({ action: 'sync', dryRun: true });
  await invoke({ action: 'sync' });
  await invoke({ action: 'rotate', dryRun: true });
  await invoke({ action: 'rotate' });
  // A run cut off before its promotion leaves AWSPENDING (the SDK's two attempts both fail): the next resumes it.
  h.secretsManager.injectFault({ operation: 'UpdateSecretVersionStage', error: 'InternalServiceError', times: 2 });
  await h.invoke({ action: 'rotate', workspaceId: FIRST });
  await invoke({ action: 'rotate', workspaceId: FIRST });
  // A pending version Prolific no longer signs with is dropped, and the drift healed.
  h.secretsManager.injectFault({ operation: 'UpdateSecretVersionStage', error: 'InternalServiceError', times: 2 });
  await h.invoke({ action: 'rotate', workspaceId: FIRST });
  h.prolific.replaceSecret(FIRST);
  await invoke({ action: 'sync' });
  // Secrets Manager's own rotation: its four steps.
  h.secretsManager.startRotation(h.secretIdFor(FIRST), NATIVE_ROTATION_TOKEN);
  for (const Step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) {
    await invoke({ Step, SecretId: h.secretIdFor(FIRST), ClientRequestToken: NATIVE_ROTATION_TOKEN });
    outcomes.add(Step);
  }
  // Left pending, so that the receivers below read all three labels.
  h.secretsManager.injectFault({ operation: 'UpdateSecretVersionStage', error: 'InternalServiceError', times: 2 });
  await h.invoke({ action: 'rotate', workspaceId: SECOND });
}

function signedDelivery(value: string): { headers: Record<string, string>; rawBody: string } {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return {
    headers: {
      'x-prolific-request-signature': signDelivery(value, timestamp, BODY),
      'x-prolific-request-timestamp': timestamp,
      'x-event-id': 'event-1',
    },
    rawBody: BODY,
  };
}

async function runReceiverKit(h: Harness): Promise<void> {
  const client = h.secretsManager.client({ credentials: credentialsOf('receiver-kit') });
  const verify = createDeliveryVerifier({ secretId: h.secretIdFor(SECOND), client });
  const genuine = await verify(signedDelivery(h.currentSecret(SECOND)?.value ?? ''));
  // A forged delivery makes the kit read the secret again.
  const forged = await verify(signedDelivery('forged-signing-secret'));
  if (!genuine.ok || forged.ok) throw new Error('The receiver kit did not verify as expected');
}

/** The example receiver's handler, configured through its environment as the stack configures it. */
async function runExampleReceiver(h: Harness, dynamoDb: DynamoDbStandIn): Promise<void> {
  const credentials = credentialsOf('example-receiver');
  const restore = setEnvironment({
    ...h.secretsManager.env(),
    ...dynamoDb.env(),
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    [EXAMPLE_RECEIVER_ENVIRONMENT.secretId]: h.secretIdFor(SECOND),
    [EXAMPLE_RECEIVER_ENVIRONMENT.secretFormat]: 'json',
    [EXAMPLE_RECEIVER_ENVIRONMENT.idempotencyTable]: IDEMPOTENCY_TABLE,
  });
  try {
    const { handler } = await import('../../lambda/example-receiver/handler.js');
    const { headers, rawBody } = signedDelivery(h.currentSecret(SECOND)?.value ?? '');
    const response = (await handler({ headers, body: rawBody, isBase64Encoded: false }, standInContext())) as { statusCode: number };
    if (response.statusCode !== 200) throw new Error(`The example receiver answered ${response.statusCode}`);
    const [record] = dynamoDb.items(IDEMPOTENCY_TABLE);
    if (record?.status?.S !== 'COMPLETED') throw new Error('The example receiver did not record the delivery as processed');
  } finally {
    restore();
  }
}

function setEnvironment(variables: Record<string, string>): () => void {
  const before = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  Object.assign(process.env, variables);
  return () => {
    for (const [name, value] of Object.entries(before)) {
      if (value === undefined) Reflect.deleteProperty(process.env, name);
      else process.env[name] = value;
    }
  };
}
