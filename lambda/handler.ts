// The Lambda entry: load the runtime once, parse the event, run each target through the rotation core,
// and log and emit metrics per result. Everything else lives in the modules it wires together.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { DEFAULT_METRICS_NAMESPACE, DEFAULT_SERVICE_NAME, ENVIRONMENT, MIN_TARGET_START_MS } from './contract.js';
import { DeadlineError, describeError } from './errors.js';
import { parseEvent, type RotationRequest } from './events.js';
import { resolveTargets, type ResolvedTarget } from './identity.js';
import { emitTargetMetrics, failureOf, logTargetResult, type RotationReport } from './report.js';
import { processNativeStep } from './rotation/native-steps.js';
import { processTarget } from './rotation/protocol.js';
import { failedResult } from './rotation/result.js';
import type { RotationDependencies, RotationTarget, TargetResult } from './rotation/types.js';
import { createRuntime, type Runtime, type RuntimeOptions } from './runtime.js';

export type { RotationReport } from './report.js';

/** Everything the handler talks to; tests hand in stand-ins, Lambda uses the defaults. */
export interface HandlerDependencies extends Partial<Omit<RuntimeOptions, 'env'>> {
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  readonly now?: () => Date;
}

/** An invocation, once its event is understood: what to report it as, which targets, and how to run each. */
interface Plan {
  readonly action: string;
  readonly dryRun: boolean;
  readonly targets: readonly RotationTarget[];
  run(target: RotationTarget, deps: RotationDependencies): Promise<TargetResult>;
}

function planFor(request: RotationRequest): Plan {
  switch (request.kind) {
    case 'action':
      return { ...request, run: (target, deps) => processTarget(target, request, deps) };
    case 'native':
      return {
        action: `native:${request.step}`,
        dryRun: false,
        targets: [request.target],
        run: (target, deps) => processNativeStep(target, request.step, request.clientRequestToken, deps),
      };
  }
}

export function createHandler(deps: HandlerDependencies = {}) {
  const env = deps.env ?? process.env;
  // The construct sets these two so that the alarms watch exactly the metrics this function emits.
  const serviceName = env[ENVIRONMENT.serviceName] || DEFAULT_SERVICE_NAME;
  const logger = deps.logger ?? new Logger({ serviceName });
  const metrics = deps.metrics ?? new Metrics({ namespace: env[ENVIRONMENT.metricsNamespace] || DEFAULT_METRICS_NAMESPACE, serviceName });
  const now = deps.now ?? (() => new Date());
  let runtime: Runtime | undefined;

  // Configuration is validated on the first invocation, not at import, so a bad variable is reported as
  // a clear invocation error (and a missing credential never crashes the module load).
  function loadRuntime(): Runtime {
    runtime ??= createRuntime({
      env,
      secretsManager: deps.secretsManager,
      prolific: {
        onRetry: (retry) =>
          logger.warn('Retrying Prolific call', {
            workspace_id: retry.workspaceId,
            operation: retry.operation,
            attempt: retry.attempt,
            delay_ms: retry.delayMs,
            reason: retry.reason,
          }),
        ...deps.prolific,
      },
    });
    return runtime;
  }

  async function rotateWorkspaceSecrets(event: unknown, context: Context): Promise<RotationReport> {
    let plan: Plan;
    let current: Runtime;
    try {
      current = loadRuntime();
      plan = planFor(parseEvent(event, current.config.targets));
    } catch (error) {
      logger.error('Invocation rejected; nothing was read or written', { error: describeError(error) });
      throw error;
    }
    const { action, dryRun, targets } = plan;
    logger.info('Invocation started', { action, dry_run: dryRun, target_count: targets.length });

    const msLeft = () => (typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : Infinity);
    // Without a token no target can start; each reports why, so the report still covers every workspace.
    const prolific = await current.prolificClient(msLeft).catch((error: unknown) => ({ failure: error }));
    const resolved = await resolveTargets(current.identities, targets, current.config.tokenSecretId);
    const results: TargetResult[] = [];
    for (const entry of resolved) {
      const result = await runTarget(entry);
      logTargetResult(logger, result);
      emitTargetMetrics(metrics, result, now());
      results.push(result);
    }

    const report: RotationReport = { action, dryRun, results };
    const failure = failureOf(report);
    if (failure) {
      // A failed run may have failed on the token (empty, the placeholder, refused by Prolific): the next run
      // reads it again, so the fix the error asks for works at once, not when the cache expires.
      current.forgetCaches();
      throw failure;
    }
    logger.info('Invocation finished', { action, outcomes: results.map((result) => result.outcome) });
    return report;

    async function runTarget({ target, failure }: ResolvedTarget): Promise<TargetResult> {
      if ('failure' in prolific) return failedResult(target, 'pre-flight', prolific.failure);
      if (failure !== undefined) return failedResult(target, 'pre-flight', failure);
      if (msLeft() < MIN_TARGET_START_MS) {
        const deadline = new DeadlineError(
          `Not started: only ${Math.floor(msLeft() / 1000)} s of the invocation were left, less than the ${MIN_TARGET_START_MS / 1000} s ` +
            `a workspace needs. Raise the function timeout, or run this workspace on its own ({"workspaceId": "${target.workspaceId}"}).`,
        );
        return failedResult(target, 'pre-flight', deadline);
      }
      return plan.run(target, { prolific, store: current.store, logger, now, msLeft });
    }
  }

  return middy(rotateWorkspaceSecrets).use(injectLambdaContext(logger, { resetKeys: true }));
}

/** The Lambda entry point. */
export const handler = createHandler();
