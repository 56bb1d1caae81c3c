import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct, IConstruct } from 'constructs';
import { onCallName } from './on-call-names.js';

/**
 * The keys of the function's log lines that the queries read: Powertools Logger's own (`level`, `message`,
 * `function_request_id`) and those of `lambda/rotation-function/result-reporting.ts` and `invocation.ts`.
 */
export const LOG_KEYS = {
  requestId: 'function_request_id',
  level: 'level',
  message: 'message',
  action: 'action',
  workspaceId: 'workspace_id',
  outcome: 'outcome',
  step: 'rotation_step',
  error: 'error',
  driftHealed: 'drift_healed',
  prolificSecretId: 'prolific_secret_id',
  versionId: 'version_id',
} as const;

/** What a person puts in place of, in the saved query of one run: the run's request id. */
export const REQUEST_ID_PLACEHOLDER = 'REPLACE-WITH-REQUEST-ID';

/** The saved queries, by the last part of their names. */
export const LOG_QUERY_NAMES = {
  oneRun: 'one-run',
  failures: 'failures-by-workspace-and-step',
  heals: 'heals',
} as const;
type LogQuery = keyof typeof LOG_QUERY_NAMES;

const { requestId, level, message, action, workspaceId, outcome, step, error, driftHealed, prolificSecretId, versionId } = LOG_KEYS;
const QUERIES: Record<LogQuery, logs.QueryStringProps> = {
  // Every line of one invocation, in order; Lambda's REPORT line (duration, memory) carries it as @requestId.
  oneRun: {
    fields: ['@timestamp', level, message, action, workspaceId, outcome, step, error],
    filterStatements: [`${requestId} = "${REQUEST_ID_PLACEHOLDER}" or @requestId = "${REQUEST_ID_PLACEHOLDER}"`],
    sort: '@timestamp asc',
    limit: 10_000,
  },
  // Where the failures are: each workspace and step with how often it failed, its last error and the run to read.
  failures: {
    filterStatements: [`${outcome} = "failed"`],
    statsStatements: [
      `count(*) as failures, latest(${error}) as last_error, latest(${requestId}) as last_run by ${workspaceId}, ${step}`,
    ],
    sort: 'failures desc',
  },
  // Each secret stored from Prolific over another (drift_healed) or over what a first sync found (outcome healed).
  heals: {
    fields: ['@timestamp', workspaceId, outcome, action, driftHealed, prolificSecretId, versionId, requestId],
    filterStatements: [`${outcome} = "healed" or ispresent(${driftHealed})`],
    sort: '@timestamp desc',
    limit: 10_000,
  },
};

/** The name a saved query of the construct `scope` has in the console: a folder per stack, one per construct. */
export function logQueryName(scope: IConstruct, query: LogQuery): string {
  return onCallName(scope, LOG_QUERY_NAMES[query], '/');
}

/**
 * Saved CloudWatch Logs Insights queries over the function's log group, in the console's "Saved queries": one
 * run's lines, failures by workspace and step, and heals.
 */
export function createLogQueries(scope: Construct, logGroup: logs.ILogGroup): logs.QueryDefinition[] {
  return (Object.keys(QUERIES) as LogQuery[]).map(
    (query) =>
      new logs.QueryDefinition(scope, `${query.charAt(0).toUpperCase()}${query.slice(1)}LogQuery`, {
        queryDefinitionName: logQueryName(scope, query),
        queryString: new logs.QueryString(QUERIES[query]),
        logGroups: [logGroup],
      }),
  );
}
