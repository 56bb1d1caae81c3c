// The Lambda entry: load its dependencies once, parse the event, and run the invocation it asks for (each target
// through the rotation core, each result reported). Everything else lives in the modules it wires together.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { DEFAULT_METRICS_NAMESPACE, DEFAULT_SERVICE_NAME, ENVIRONMENT } from '../contract/environment.js';
import { describeError } from './errors.js';
import { parseEvent } from './invocation-event.js';
import { jobFor, runInvocation } from './invocation.js';
import type { RotationReport } from '../contract/report.js';
import { createDependencies, type Dependencies, type DependencyOptions } from './dependencies.js';

export type { RotationReport } from '../contract/report.js';

/** Everything the handler talks to; tests hand in stand-ins, Lambda uses the defaults. */
export interface HandlerDependencies extends Partial<Omit<DependencyOptions, 'env'>> {
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  readonly now?: () => Date;
}

export function createHandler(deps: HandlerDependencies = {}) {
  const env = deps.env ?? process.env;
  // The construct sets these two so that the alarms watch exactly the metrics this function emits.
  const serviceName = setOrDefault(env[ENVIRONMENT.serviceName], DEFAULT_SERVICE_NAME);
  const logger = deps.logger ?? new Logger({ serviceName });
  const namespace = setOrDefault(env[ENVIRONMENT.metricsNamespace], DEFAULT_METRICS_NAMESPACE);
  const metrics = deps.metrics ?? new Metrics({ namespace, serviceName });
  const now = deps.now ?? (() => new Date());
  let loaded: Promise<Dependencies> | undefined;

  // Configuration is validated on the first invocation, not at import, so a bad variable is reported as
  // a clear invocation error (and a missing credential never crashes the module load). A failed load is
  // forgotten, so the next invocation reads the configuration again.
  function loadDependencies(): Promise<Dependencies> {
    loaded ??= createDependencies({
      env,
      secretsManager: deps.secretsManager,
      eventBridge: deps.eventBridge,
      ssm: deps.ssm,
      prolific: {
        onRetry: (retry) => {
          logger.warn('Retrying Prolific call', {
            workspace_id: retry.workspaceId,
            operation: retry.operation,
            attempt: retry.attempt,
            delay_ms: retry.delayMs,
            reason: retry.reason,
          });
        },
        ...deps.prolific,
      },
    }).catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  }

  async function rotateWorkspaceSecrets(event: unknown, context: Context): Promise<RotationReport> {
    let job: ReturnType<typeof jobFor>;
    let dependencies: Dependencies;
    try {
      dependencies = await loadDependencies();
      job = jobFor(parseEvent(event, dependencies.config.targets));
    } catch (error) {
      logger.error('Invocation rejected; nothing was read or written', { error: describeError(error) });
      throw error;
    }
    // Callers other than Lambda (the reliability suites) may leave getRemainingTimeInMillis out.
    const msLeft = () => (typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : Infinity);
    return runInvocation(job, { dependencies, logger, metrics, now, msLeft });
  }

  return middy(rotateWorkspaceSecrets).use(injectLambdaContext(logger, { resetKeys: true }));
}

/** An environment variable's value, or `fallback` when it is unset or empty. */
function setOrDefault(value: string | undefined, fallback: string): string {
  return value === undefined || value === '' ? fallback : value;
}

/** The Lambda entry point. */
export const handler = createHandler();
