import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { readApiToken } from './api-token.js';
import { parseConfig, type RotationConfig, type RotationTarget } from './config.js';
import { DeadlineError, describeError, RotationFailedError } from './errors.js';
import { parseEvent, type RotationRequest } from './events.js';
import { processNativeStep } from './native-rotation.js';
import { createProlificClient, type ProlificClient, type ProlificClientOptions } from './prolific-client.js';
import { processTarget, type TargetResult } from './rotation.js';
import { createSecretStore, type SecretStore } from './secret-store.js';
import { SECRETS_MANAGER_REQUEST_TIMEOUT_MS, TARGET_TIME_BUDGET_MS } from './timing.js';

/** What an invocation returns (DESIGN.md). Never holds a secret value or the token. */
export interface RotationReport {
  readonly action: string;
  readonly dryRun: boolean;
  readonly results: readonly TargetResult[];
}

/** Everything the handler talks to; tests hand in stand-ins, Lambda uses the defaults. */
export interface HandlerDependencies {
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** @default a client configured by the SDK's environment (AWS_REGION, AWS_ENDPOINT_URL_SECRETS_MANAGER, ...) */
  readonly secretsManager?: SecretsManagerClient;
  /** Overrides for the Prolific client (timeouts, back-off, fetch). */
  readonly prolific?: Omit<Partial<ProlificClientOptions>, 'baseUrl' | 'token'>;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  readonly now?: () => Date;
}

export const DEFAULT_SERVICE_NAME = 'prolific-webhook-secret-rotation';
export const DEFAULT_METRICS_NAMESPACE = 'ProlificWebhookSecretRotation';

/** The SDK's standard retry mode backs off on throttling and 5xx; a few more tries than its default 3. */
const SECRETS_MANAGER_MAX_ATTEMPTS = 5;

interface Runtime {
  readonly config: RotationConfig;
  readonly store: SecretStore;
  readonly tokens: SecretsProvider;
}

export function createHandler(deps: HandlerDependencies = {}) {
  const env = deps.env ?? process.env;
  // The construct sets these two so that the alarms watch exactly the metrics this function emits.
  const serviceName = env['POWERTOOLS_SERVICE_NAME'] || DEFAULT_SERVICE_NAME;
  const logger = deps.logger ?? new Logger({ serviceName });
  const metrics = deps.metrics ?? new Metrics({ namespace: env['POWERTOOLS_METRICS_NAMESPACE'] || DEFAULT_METRICS_NAMESPACE, serviceName });
  const now = deps.now ?? (() => new Date());
  let runtime: Runtime | undefined;

  // Configuration is validated on the first invocation, not at import, so a bad variable is reported as
  // a clear invocation error (and a missing credential never crashes the module load).
  function loadRuntime(): Runtime {
    if (runtime === undefined) {
      const config = parseConfig(env);
      const client =
        deps.secretsManager ??
        new SecretsManagerClient({
          maxAttempts: SECRETS_MANAGER_MAX_ATTEMPTS,
          // Without these a hung connection would wait for the Lambda timeout instead of being retried.
          requestHandler: {
            connectionTimeout: SECRETS_MANAGER_REQUEST_TIMEOUT_MS,
            requestTimeout: SECRETS_MANAGER_REQUEST_TIMEOUT_MS,
            throwOnRequestTimeout: true,
          },
        });
      runtime = { config, store: createSecretStore(client), tokens: new SecretsProvider({ awsSdkV3Client: client }) };
    }
    return runtime;
  }

  async function rotateWorkspaceSecrets(event: unknown, context: Context): Promise<RotationReport> {
    let request: RotationRequest;
    let current: Runtime;
    try {
      current = loadRuntime();
      request = parseEvent(event, current.config.targets);
    } catch (error) {
      logger.error('Invocation rejected; nothing was read or written', { error: describeError(error) });
      throw error;
    }
    const { config, store, tokens } = current;
    const action = request.kind === 'action' ? request.action : `native:${request.step}`;
    const dryRun = request.kind === 'action' && request.dryRun;
    const targets = request.kind === 'action' ? request.targets : [request.target];
    logger.info('Invocation started', { action, dry_run: dryRun, target_count: targets.length });

    let prolific: ProlificClient | undefined;
    let tokenFailure: unknown;
    try {
      const token = await readApiToken(tokens, config.tokenSecretId);
      prolific = createProlificClient({
        baseUrl: config.prolificApiBaseUrl,
        token,
        onRetry: (retry) =>
          logger.warn('Retrying Prolific call', {
            workspace_id: retry.workspaceId,
            operation: retry.operation,
            attempt: retry.attempt,
            delay_ms: retry.delayMs,
            reason: retry.reason,
          }),
        ...deps.prolific,
      });
    } catch (error) {
      tokenFailure = error;
    }

    const results: TargetResult[] = [];
    for (const target of targets) {
      const result = await runTarget(target);
      logTargetOutcome(result);
      emitTargetMetrics(result);
      results.push(result);
    }

    const report: RotationReport = { action, dryRun, results };
    const failed = results.filter((result) => result.outcome === 'failed');
    if (failed.length > 0) {
      // A failed run may have failed on the token (empty, the placeholder, refused by Prolific): the next run
      // reads it again, so the fix the error asks for works at once, not when the cache expires.
      tokens.clearCache();
      throw new RotationFailedError(
        `${failed.length} of ${results.length} target(s) failed: ` +
          results.map((result) => `${result.workspaceId} ${result.outcome}${result.error ? ` (${result.error})` : ''}`).join('; '),
      );
    }
    logger.info('Invocation finished', { action, outcomes: results.map((result) => result.outcome) });
    return report;

    async function runTarget(target: RotationTarget): Promise<TargetResult> {
      const failure = (error: unknown): TargetResult => ({
        workspaceId: target.workspaceId,
        secretId: target.secretId,
        outcome: 'failed',
        prolificSecretId: null,
        versionId: null,
        lastRotatedAt: null,
        failedStep: 'pre-flight',
        error: `${describeError(error)} [Prolific was not called; receivers keep working with the stored secret.]`,
      });
      if (prolific === undefined) return failure(tokenFailure);
      const remainingMs = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : Infinity;
      if (remainingMs < TARGET_TIME_BUDGET_MS) {
        return failure(
          new DeadlineError(
            `Only ${Math.round(remainingMs / 1000)} s of the Lambda timeout were left, less than the ${TARGET_TIME_BUDGET_MS / 1000} s ` +
              'one target may need, so it was not started. Raise the function timeout or configure fewer targets.',
          ),
        );
      }
      const rotationDeps = { prolific, store, logger, now };
      return request.kind === 'action'
        ? processTarget(target, { action: request.action, dryRun: request.dryRun }, rotationDeps)
        : processNativeStep(target, request.step, request.clientRequestToken, rotationDeps);
    }
  }

  function logTargetOutcome(result: TargetResult): void {
    const attributes = {
      workspace_id: result.workspaceId,
      secret_arn: result.secretId,
      outcome: result.outcome,
      prolific_secret_id: result.prolificSecretId,
      version_id: result.versionId,
      last_rotated_at: result.lastRotatedAt,
      ...(result.drift === undefined ? {} : { drift: result.drift }),
      ...(result.failedStep === undefined ? {} : { rotation_step: result.failedStep, error: result.error }),
    };
    if (result.outcome === 'failed') logger.error('Target failed', attributes);
    else logger.info('Target finished', attributes);
  }

  // Published per target (each with its own workspace_id dimension) right away, so a later crash
  // cannot swallow them.
  function emitTargetMetrics(result: TargetResult): void {
    metrics.addDimension('workspace_id', result.workspaceId);
    if (result.outcome === 'rotated' || result.outcome === 'resumed') metrics.addMetric('RotationSucceeded', MetricUnit.Count, 1);
    if (result.outcome === 'failed') metrics.addMetric('TargetFailed', MetricUnit.Count, 1);
    if (result.lastRotatedAt !== null) {
      const ageSeconds = Math.max(0, Math.round((now().getTime() - Date.parse(result.lastRotatedAt)) / 1000));
      metrics.addMetric('SecondsSinceLastRotation', MetricUnit.Seconds, ageSeconds);
    }
    metrics.publishStoredMetrics();
  }

  return middy(rotateWorkspaceSecrets).use(injectLambdaContext(logger, { resetKeys: true }));
}

/** The Lambda entry point. */
export const handler = createHandler();
