// One place that wires the real handler to both stand-ins over loopback, captures everything the
// function prints, and knows every secret a test must never see in that output.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { afterEach } from 'vitest';
import { createHandler, type HandlerDependencies } from '../../lambda/rotation-function/handler.js';
import { parseStoredSecret, type StoredSecret } from '../../lambda/contract/stored-secret.js';
import { startEventBridgeStandIn, type EventBridgeStandIn } from '../../local/standins/eventbridge.js';
import { startProlificStandIn, type ProlificStandIn } from '../../local/standins/prolific.js';
import { startSecretsManagerStandIn, type SecretsManagerStandIn } from '../../local/standins/secrets-manager.js';
import { startSsmStandIn, type SsmStandIn } from '../../local/standins/ssm.js';
import { captureOutput } from './capture-output.js';
import { clocklessProlific } from './clockless-prolific.js';
import { standInContext, invoke as invokeHandler, type InvocationOutcome } from '../../local/invoke-handler.js';

export interface HarnessOptions {
  readonly workspaces?: readonly string[];
  /** What the token secret holds; default: the Prolific stand-in's valid token. `null`: no token secret at all. */
  readonly tokenSecretValue?: string | null;
  /** Create the target secrets (empty, as the construct does); default true. */
  readonly createTargetSecrets?: boolean;
  /** Extra or overriding environment variables for the function. */
  readonly env?: Record<string, string | undefined>;
  /**
   * Where the function finds its targets: ROTATION_TARGETS, or SSM parameters under TARGETS_PARAMETER_PATH
   * (one per `parameterSize` targets, as the construct writes them). @default 'environment'
   */
  readonly targetsIn?: 'environment' | 'parameters';
  /** Targets per SSM parameter. @default 1 */
  readonly parameterSize?: number;
  /**
   * Wire Secrets Manager's own rotation to the handler: RotateSecret on the stand-in invokes it for each step,
   * as Secrets Manager invokes a rotation function. @default false
   */
  readonly nativeRotation?: boolean;
}

/** Where the harness writes the targets when `targetsIn` is 'parameters'. */
export const TARGETS_PARAMETER_PATH = '/prolific-webhook-secret-rotation/test/rotation-targets';

export interface Harness {
  /** Started with `markHangs`: a `hang` fault times the function's request out at once (clockless-prolific.ts). */
  readonly prolific: ProlificStandIn;
  readonly secretsManager: SecretsManagerStandIn;
  /** Where the function's rotation events go. */
  readonly eventBridge: EventBridgeStandIn;
  /** Where the targets are, with `targetsIn: 'parameters'`. */
  readonly ssm: SsmStandIn;
  readonly env: Record<string, string | undefined>;
  readonly tokenSecretId: string;
  secretIdFor(workspaceId: string): string;
  /** Invokes the handler (the same instance across calls, as a warm Lambda would) and captures its output. */
  invoke(event: unknown, context?: Partial<Context>): Promise<InvocationOutcome>;
  /** A handler with fresh caches and configuration, as after a cold start. */
  coldStart(overrides?: Partial<HandlerDependencies>): void;
  /** Everything the function printed so far (log lines and metrics), one entry per write. */
  readonly output: string[];
  /** The parsed JSON log lines the function printed so far. */
  logLines(): Record<string, unknown>[];
  /** The stored secret at AWSCURRENT of a target, parsed. */
  currentSecret(workspaceId: string): StoredSecret | undefined;
  /** True when AWSCURRENT holds exactly Prolific's active secret (invariant 1: after a successful run it does). */
  inSync(workspaceId: string): boolean;
  /** Every secret value and token this harness knows; none may appear in output, results or errors. */
  secrets(): string[];
  /** Fails the test if any known secret appears in the captured output or in the given extra texts. */
  assertNoSecretLeaked(...extra: unknown[]): void;
  close(): Promise<void>;
}

export const TEST_WORKSPACES = ['6655443322110099aabbccdd', '0a1b2c3d4e5f60718293a4b5'] as const;

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const workspaces = options.workspaces ?? TEST_WORKSPACES;
  const prolific = await startProlificStandIn({ workspaces: [...workspaces], markHangs: true });
  const secretsManager = await startSecretsManagerStandIn(
    options.nativeRotation === true
      ? {
          rotationFunction: async (_functionArn, event) => {
            const outcome = await invoke(event);
            if (outcome.error) throw outcome.error;
            return outcome.report;
          },
        }
      : {},
  );
  const eventBridge = await startEventBridgeStandIn();
  const ssm = await startSsmStandIn();

  const tokenSecretId =
    options.tokenSecretValue === null
      ? 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prolific/api-token-AbCdEf'
      : secretsManager.createSecret('prolific/api-token', options.tokenSecretValue ?? prolific.token).arn;
  const secretIds = new Map(
    workspaces.map((workspaceId) => {
      const name = `prolific/webhook-signing-secret/${workspaceId}`;
      const arn =
        options.createTargetSecrets === false
          ? `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-AbCdEf`
          : secretsManager.createSecret(name, '{"note":"written by the rotation function"}').arn;
      return [workspaceId, arn] as const;
    }),
  );
  const targets = workspaces.map((workspaceId) => ({ workspaceId, secretId: secretIds.get(workspaceId) }));
  const parameterSize = options.parameterSize ?? 1;
  for (let start = 0; start < targets.length; start += parameterSize) {
    const name = `${TARGETS_PARAMETER_PATH}/${String(start / parameterSize).padStart(2, '0')}`;
    ssm.put(name, JSON.stringify(targets.slice(start, start + parameterSize)));
  }
  const env: Record<string, string | undefined> = {
    ...(options.targetsIn === 'parameters'
      ? { ROTATION_TARGETS_PARAMETER_PATH: TARGETS_PARAMETER_PATH }
      : { ROTATION_TARGETS: JSON.stringify(targets) }),
    PROLIFIC_TOKEN_SECRET_ID: tokenSecretId,
    PROLIFIC_API_BASE_URL: prolific.url,
    ...options.env,
  };

  const output: string[] = [];
  // The SDK retries throttling and 5xx with real back-off; two attempts keep those tests quick.
  const client = secretsManager.client({ maxAttempts: 2 });
  let handler = build();

  function build(overrides: Partial<HandlerDependencies> = {}) {
    return createHandler({
      env,
      secretsManager: client,
      eventBridge: eventBridge.client(),
      ssm: ssm.client(),
      logger: new Logger({ serviceName: 'prolific-webhook-secret-rotation' }),
      metrics: new Metrics({ namespace: 'ProlificWebhookSecretRotation', serviceName: 'prolific-webhook-secret-rotation' }),
      // No real waiting between retries, and timeouts only where the stand-in hangs: fault tests stay
      // fast, and their outcomes do not depend on the machine's speed.
      prolific: clocklessProlific(),
      ...overrides,
    });
  }

  async function invoke(event: unknown, context: Partial<Context> = {}): Promise<InvocationOutcome> {
    return captureOutput(output, () => invokeHandler(handler, event, standInContext(context)));
  }

  function currentSecret(workspaceId: string): StoredSecret | undefined {
    return parseStoredSecret(secretsManager.valueAt(secretIds.get(workspaceId) ?? workspaceId));
  }

  function secrets(): string[] {
    return [prolific.token, ...prolific.issuedValues()];
  }

  return {
    prolific,
    secretsManager,
    eventBridge,
    ssm,
    env,
    tokenSecretId,
    secretIdFor: (workspaceId) => secretIds.get(workspaceId) ?? workspaceId,
    invoke,
    coldStart: (overrides) => {
      handler = build(overrides);
    },
    output,
    logLines: () =>
      output
        .flatMap((chunk) => chunk.split('\n'))
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    currentSecret,
    inSync(workspaceId) {
      const stored = currentSecret(workspaceId);
      const active = prolific.activeSecret(workspaceId);
      if (stored === undefined || active === undefined) return false;
      return stored.id === active.id && stored.value === active.value;
    },
    secrets,
    assertNoSecretLeaked(...extra) {
      const texts = extra.map((item) => (item instanceof Error ? `${item.message}\n${item.stack ?? ''}` : JSON.stringify(item)));
      const haystack = [...output, ...texts].join('\n');
      const leaked = secrets().filter((secret) => haystack.includes(secret));
      if (leaked.length > 0) throw new Error(`${leaked.length} secret value(s) or the token appeared in output, results or errors`);
    },
    async close() {
      await Promise.all([prolific.close(), secretsManager.close(), eventBridge.close(), ssm.close()]);
    },
  };
}

/**
 * For a test file whose tests each start a harness: `setUp(options)` starts one (over `defaults`), and it is
 * closed after the test.
 */
export function harnessPerTest(defaults: HarnessOptions = {}): (options?: HarnessOptions) => Promise<Harness> {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });
  return async (options = {}) => {
    harness = await startHarness({ ...defaults, ...options });
    return harness;
  };
}

/** The POSTs (new secrets) the function asked Prolific for. */
export const postCalls = (h: Harness) => h.prolific.calls.filter((call) => call.method === 'POST');

/** The calls that change a secret in Secrets Manager. */
export const writeCalls = (h: Harness) =>
  h.secretsManager.calls.filter((call) => ['PutSecretValue', 'UpdateSecretVersionStage', 'CreateSecret'].includes(call.operation));
