// `npm start`: the product's main job, end to end, on this machine. Starts the Prolific and Secrets
// Manager stand-ins on loopback, creates the secrets as the CDK construct would, then invokes the real
// Lambda handler as the schedule would and as a person would from the console, and prints what happened.
// Never prints a secret value. Exits 0 only if Secrets Manager ends holding Prolific's active secret.
//
//   npm start               readable report
//   npm start -- --logs     also the function's own JSON log lines and metrics
import type { Context } from 'aws-lambda';
import type { RotationReport } from '../../lambda/handler.js';
import { parseStoredSecret } from '../../lambda/secrets/stored-secret.js';
import { startProlificStandIn } from '../standins/prolific.js';
import { startSecretsManagerStandIn } from '../standins/secrets-manager.js';

// Node 20 is supported here; the deployed function runs on Node 24. The SDK warns about Node 20 when it
// creates its first client (on the first invocation, after this line) unless this is set.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const WORKSPACES = ['6655443322110099aabbccdd', '0a1b2c3d4e5f60718293a4b5'];
const showLogs = process.argv.includes('--logs');

const prolific = await startProlificStandIn({ workspaces: WORKSPACES });
const secretsManager = await startSecretsManagerStandIn();

try {
  const tokenSecret = secretsManager.createSecret('prolific/api-token', prolific.token);
  const targets = WORKSPACES.map((workspaceId) => ({
    workspaceId,
    secretId: secretsManager.createSecret(`prolific/webhook-signing-secret/${workspaceId}`, '{"note":"written by the rotation function"}').arn,
  }));

  // The function reads its configuration like it does in Lambda: from the environment.
  Object.assign(process.env, secretsManager.env(), {
    ROTATION_TARGETS: JSON.stringify(targets),
    PROLIFIC_TOKEN_SECRET_ID: tokenSecret.arn,
    PROLIFIC_API_BASE_URL: prolific.url,
    POWERTOOLS_SERVICE_NAME: 'prolific-webhook-secret-rotation',
    ...(showLogs ? {} : { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' }),
  });
  const { handler } = await import('../../lambda/handler.js');

  console.log(`Prolific stand-in        ${prolific.url}`);
  console.log(`Secrets Manager stand-in ${secretsManager.endpoint}`);
  console.log(`Targets                  ${WORKSPACES.length} workspaces, token in ${tokenSecret.arn}\n`);

  await invoke('1. Scheduled rotation (EventBridge Scheduler)', { action: 'rotate' });
  await invoke('2. Status from the console', { action: 'status' });
  const changed = prolific.replaceSecret(WORKSPACES[0] ?? '');
  console.log(`   ...someone replaces workspace ${WORKSPACES[0]}'s secret in the Prolific app (new id ${changed.id})\n`);
  await invoke('3. Sync from the console', { action: 'sync' });

  const verdicts = targets.map(({ workspaceId, secretId }) => {
    const stored = parseStoredSecret(secretsManager.valueAt(secretId));
    const active = prolific.activeSecret(workspaceId);
    const inSync = stored !== undefined && active !== undefined && stored.id === active.id && stored.value === active.value;
    console.log(`${inSync ? 'OK  ' : 'FAIL'} ${workspaceId}: AWSCURRENT holds ${inSync ? '' : 'NOT '}Prolific's active secret ${active?.id}`);
    return inSync;
  });
  process.exitCode = verdicts.every(Boolean) ? 0 : 1;

  async function invoke(title: string, event: Record<string, unknown>): Promise<void> {
    console.log(`${title}: ${JSON.stringify(event)}`);
    const context = { awsRequestId: `local-${Date.now()}`, functionName: 'local', getRemainingTimeInMillis: () => 900_000 } as Context;
    try {
      const report: RotationReport = await handler(event, context);
      for (const result of report.results) {
        const drift = result.drift === undefined ? '' : `  drift ${result.drift}`;
        console.log(
          `   ${result.workspaceId}  ${result.outcome.padEnd(12)} prolific secret ${result.prolificSecretId}  version ${result.versionId}${drift}`,
        );
      }
    } catch (error) {
      console.log(`   failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    }
    console.log('');
  }
} finally {
  await Promise.all([prolific.close(), secretsManager.close()]);
}
