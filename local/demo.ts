// `npm start`: the product's whole loop, end to end, on this machine. Starts local stand-ins of Prolific,
// Secrets Manager and EventBridge on loopback, creates the secrets as the CDK construct would, runs a
// webhook receiver built with the receiver kit, then invokes the real Lambda handler as the schedule and
// a person would, while Prolific's stand-in delivers signed events to the receiver before, during and
// after a rotation. Prints what happened, never a secret value. Exits 0 only if Secrets Manager ends
// holding Prolific's active secret, every genuine delivery verified and the forged one did not.
//
//   npm start               readable report
//   npm start -- --logs     also the function's own JSON log lines and metrics
import { createServer, type Server } from 'node:http';
import type { Context } from 'aws-lambda';
import type { DeliveryHealth } from '../lambda/contract/report.js';
import type { RotationReport } from '../lambda/rotation-function/handler.js';
import { createDeliveryVerifier } from '../lambda/receiver-kit/index.js';
import { parseStoredSecret } from '../lambda/contract/stored-secret.js';
import { startEventBridgeStandIn } from './standins/eventbridge.js';
import { startProlificStandIn } from './standins/prolific.js';
import { startSecretsManagerStandIn } from './standins/secrets-manager.js';

// Node 20 is supported here; the deployed function runs on Node 24. The SDK warns about Node 20 when it
// creates its first client (on the first invocation, after this line) unless this is set.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const [RECEIVING, FAILING] = ['6655443322110099aabbccdd', '0a1b2c3d4e5f60718293a4b5'] as const;
const WORKSPACES = [RECEIVING, FAILING];
const showLogs = process.argv.includes('--logs');

const prolific = await startProlificStandIn({ workspaces: WORKSPACES });
const secretsManager = await startSecretsManagerStandIn();
const eventBridge = await startEventBridgeStandIn();
let receiver: Server | undefined;

/** How many events Prolific has delivered to the receiving workspace so far. */
let deliveries = 0;
try {
  const tokenSecret = secretsManager.createSecret('prolific/api-token', prolific.token);
  const targets = WORKSPACES.map((workspaceId) => ({
    workspaceId,
    secretId: secretsManager.createSecret(
      `prolific/webhook-signing-secret/${workspaceId}`,
      '{"note":"written by the rotation function"}',
    ).arn,
  }));

  // The function reads its configuration like it does in Lambda: from the environment.
  Object.assign(process.env, secretsManager.env(), eventBridge.env(), {
    ROTATION_TARGETS: JSON.stringify(targets),
    PROLIFIC_TOKEN_SECRET_ID: tokenSecret.arn,
    PROLIFIC_API_BASE_URL: prolific.url,
    POWERTOOLS_SERVICE_NAME: 'prolific-webhook-secret-rotation',
    ...(showLogs ? {} : { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' }),
  });
  const { handler } = await import('../lambda/rotation-function/handler.js');
  const receiverUrl = await startReceiver(targets[0]?.secretId ?? '');

  console.log(`Prolific stand-in        ${prolific.url}`);
  console.log(`Secrets Manager stand-in ${secretsManager.endpoint}`);
  console.log(`EventBridge stand-in     ${eventBridge.endpoint}`);
  console.log(`Receiver (receiver kit)  ${receiverUrl}, subscribed to workspace ${RECEIVING}`);
  console.log(`Broken receiver          http://127.0.0.1:9/prolific, subscribed to workspace ${FAILING}\n`);

  await invoke('1. First run (the daily heartbeat)', { action: 'sync' });
  prolific.subscribe(RECEIVING, receiverUrl);
  prolific.subscribe(FAILING, 'http://127.0.0.1:9/prolific');
  const genuine: boolean[] = [];
  genuine.push(...(await deliver('2. Deliveries before the rotation', 3)));

  // During: the rotation has stored Prolific's new secret as AWSPENDING and waits for Prolific's confirmation.
  // The promise's executor runs at once: from the next line on, `release` is its resolve.
  let release = (): void => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  prolific.injectFault({ method: 'GET', fault: { kind: 'delay', until: released }, skip: 1 });
  const callsBefore = prolific.calls.length;
  const rotation = invoke('3. Scheduled rotation (EventBridge Scheduler)', { action: 'rotate', workspaceId: RECEIVING });
  await prolific.whenCalled(callsBefore + 2);
  genuine.push(...(await deliver('   ...deliveries during it (the new secret stored, still AWSPENDING)', 2, '')));
  release();
  await rotation;
  genuine.push(...(await deliver('4. Deliveries after the rotation', 3)));
  const [forged] = await prolific.deliver(RECEIVING, { resource_id: 'forged' }, { signWith: 'a-guess' });
  console.log(`5. A forged delivery: ${forged?.status === 401 ? 'rejected (401)' : `NOT rejected (${forged?.status})`}\n`);
  await prolific.deliver(FAILING, { resource_id: 'to-a-broken-receiver' });
  await invoke('6. Status from the console: delivery health', { action: 'status' });

  console.log(`Events for receivers on the bus: ${eventBridge.events.length}`);
  for (const event of eventBridge.events) console.log(`   ${event.detailType}: ${JSON.stringify(event.detail)}`);
  console.log('');

  const verdicts = targets.map(({ workspaceId, secretId }) => {
    const stored = parseStoredSecret(secretsManager.valueAt(secretId));
    const active = prolific.activeSecret(workspaceId);
    const inSync = stored !== undefined && active?.id === stored.id && active.value === stored.value;
    const holds = `AWSCURRENT holds ${inSync ? '' : 'NOT '}Prolific's active secret ${active?.id}`;
    console.log(`${inSync ? 'OK  ' : 'FAIL'} ${workspaceId}: ${holds}`);
    return inSync;
  });
  const delivered = genuine.every(Boolean) && forged?.status === 401;
  console.log(
    `${delivered ? 'OK  ' : 'FAIL'} receiver: ` +
      `${genuine.filter(Boolean).length} of ${genuine.length} genuine deliveries verified, the forged one refused`,
  );
  process.exitCode = verdicts.every(Boolean) && delivered ? 0 : 1;

  async function invoke(title: string, event: Record<string, unknown>): Promise<void> {
    const context = { awsRequestId: `local-${Date.now()}`, functionName: 'local', getRemainingTimeInMillis: () => 900_000 } as Context;
    console.log(`${title}: ${JSON.stringify(event)}`);
    const lines: string[] = [];
    try {
      const report: RotationReport = await handler(event, context);
      for (const result of report.results) {
        const drift = result.drift === undefined ? '' : `  drift ${result.drift}`;
        const health = result.deliveries ? `  deliveries: ${deliveryHealth(result.deliveries)}` : '';
        lines.push(
          `   ${result.workspaceId}  ${result.outcome.padEnd(12)} ` +
            `prolific secret ${result.prolificSecretId}  version ${result.versionId}${drift}${health}`,
        );
      }
    } catch (error) {
      lines.push(`   failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    }
    console.log(`${lines.join('\n')}\n`);
  }

  /**
   * Prolific delivers `count` events to the receiving workspace; true for each the receiver verified. Each
   * event is about another study: the kit refuses the same signed body twice within its tolerance (a replay).
   */
  async function deliver(title: string, count: number, after = '\n'): Promise<boolean[]> {
    const statuses: (number | 'unreachable')[] = [];
    for (let index = 0; index < count; index++) {
      deliveries += 1;
      const [attempt] = await prolific.deliver(RECEIVING, { event_type: 'study.status.change', resource_id: `study-${deliveries}` });
      statuses.push(attempt?.status ?? 'unreachable');
    }
    console.log(`${title}: ${statuses.map((status) => (status === 200 ? 'verified' : `refused (${status})`)).join(', ')}${after}`);
    return statuses.map((status) => status === 200);
  }
} finally {
  await Promise.all([prolific.close(), secretsManager.close(), eventBridge.close()]);
  await new Promise((resolve) => {
    if (receiver === undefined) resolve(undefined);
    else receiver.close(resolve);
  });
}

function deliveryHealth({ subscriptions, disabled, failedSinceRotation }: DeliveryHealth): string {
  return `${subscriptions} subscribed, ${disabled} disabled, ${failedSinceRotation} failed since rotation`;
}

/** A webhook receiver as a team would write it on a plain Node server, with the receiver kit. */
async function startReceiver(secretId: string): Promise<string> {
  const verify = createDeliveryVerifier({ secretId });
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
    });
    request.on('end', () => {
      verify({ headers: request.headers, rawBody: Buffer.concat(chunks) }).then(
        (result) => response.writeHead(result.ok ? 200 : 401).end(),
        () => response.writeHead(503).end(),
      );
    });
  });
  receiver = server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error(`The receiver is not listening on a TCP port (${String(address)}).`);
  return `http://127.0.0.1:${address.port}/prolific`;
}
