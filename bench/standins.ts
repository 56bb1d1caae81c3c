// The loopback stand-ins a benchmark run talks to (local/standins/: Prolific, Secrets Manager, EventBridge),
// set up as a deployed stack that has already synced once: each target secret holds Prolific's active
// secret in the stored form, so a rotation is a plain rotation, with no heal first. Every HTTP request is
// counted where it arrives, per service.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serialise } from '../lambda/rotation-function/rotation/stored-form.js';
import { startEventBridgeStandIn } from '../local/standins/eventbridge.js';
import { startProlificStandIn } from '../local/standins/prolific.js';
import { startSecretsManagerStandIn } from '../local/standins/secrets-manager.js';

export interface HttpCalls {
  readonly prolific: number;
  readonly secretsManager: number;
  readonly eventBridge: number;
}

export interface BenchStandIns {
  /** The environment of a function process: the rotation function's variables, the baseline's, the SDK's. */
  readonly env: Record<string, string>;
  /** Requests that reached each stand-in since the start or the last resetCalls(). */
  calls(): HttpCalls;
  resetCalls(): void;
  /** Workspaces whose target secret (AWSCURRENT) holds exactly Prolific's active secret. */
  workspacesInSync(): number;
  close(): Promise<void>;
}

export interface BenchStandInOptions {
  readonly workspaces: number;
  /** Added before every Prolific answer. @default 0 */
  readonly prolificLatencyMs?: number;
}

const SERVER_REQUEST_CHANNEL = 'http.server.request.start';
const SYNCED_DAYS_AGO = 30;

export async function startBenchStandIns({ workspaces, prolificLatencyMs = 0 }: BenchStandInOptions): Promise<BenchStandIns> {
  const workspaceIds = Array.from({ length: workspaces }, (_, index) => index.toString(16).padStart(24, '0'));
  const prolific = await startProlificStandIn({ workspaces: workspaceIds });
  const secretsManager = await startSecretsManagerStandIn();
  const eventBridge = await startEventBridgeStandIn();

  const serviceOfPort = new Map([
    [portOf(prolific.url), 'prolific'],
    [portOf(secretsManager.endpoint), 'secretsManager'],
    [portOf(eventBridge.endpoint), 'eventBridge'],
  ] as const);
  let counts = { prolific: 0, secretsManager: 0, eventBridge: 0 };
  const count = (message: unknown) => {
    const service = serviceOfPort.get(((message as { server: Server }).server.address() as AddressInfo).port);
    if (service !== undefined) counts[service] += 1;
  };
  subscribe(SERVER_REQUEST_CHANNEL, count);

  if (prolificLatencyMs > 0) {
    prolific.injectFault({ path: '/', fault: { kind: 'delay', ms: prolificLatencyMs }, times: Infinity });
  }
  const syncedAt = new Date(Date.now() - SYNCED_DAYS_AGO * 86_400_000);
  const targets = workspaceIds.map((workspaceId) => {
    const active = prolific.activeSecret(workspaceId);
    if (active === undefined) throw new Error(`The Prolific stand-in made workspace ${workspaceId} without a secret.`);
    const stored = serialise('json', { id: active.id, value: active.value, workspaceId }, syncedAt);
    return { workspaceId, secretId: secretsManager.createSecret(`prolific/webhook-signing-secret/${workspaceId}`, stored).arn };
  });
  const tokenSecret = secretsManager.createSecret('prolific/api-token', prolific.token);

  return {
    env: {
      ...secretsManager.env(),
      ...eventBridge.env(),
      ROTATION_TARGETS: JSON.stringify(targets),
      PROLIFIC_TOKEN_SECRET_ID: tokenSecret.arn,
      PROLIFIC_API_BASE_URL: prolific.url,
      // The baseline reads the token from its environment (one of the safety steps it skips).
      PROLIFIC_API_TOKEN: prolific.token,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    calls: () => ({ ...counts }),
    resetCalls: () => {
      counts = { prolific: 0, secretsManager: 0, eventBridge: 0 };
    },
    workspacesInSync: () =>
      targets.filter(({ workspaceId, secretId }) => {
        const active = prolific.activeSecret(workspaceId);
        const stored = JSON.parse(secretsManager.valueAt(secretId) ?? 'null') as { id?: unknown; value?: unknown } | null;
        return active !== undefined && stored?.id === active.id && stored.value === active.value;
      }).length,
    async close() {
      unsubscribe(SERVER_REQUEST_CHANNEL, count);
      await Promise.all([prolific.close(), secretsManager.close(), eventBridge.close()]);
    },
  };
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}
