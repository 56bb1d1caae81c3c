import { Duration, Token } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  apiBaseUrlProblem,
  DEFAULT_CONCURRENCY,
  DEFAULT_METRICS_NAMESPACE,
  DEFAULT_PROLIFIC_API_BASE_URL,
  DEFAULT_SERVICE_NAME,
  MAX_CONCURRENCY,
} from '../../lambda/contract/environment.js';
import { DEFAULT_ROTATION_INTERVAL_DAYS } from '../../lambda/contract/stack.js';
import { firstRepeatedWorkspaceId, isWorkspaceId, secretConflicts, WORKSPACE_ID_RULE } from '../../lambda/contract/workspaces.js';
import { checkDeploymentLimits } from './deployment-limits.js';
import { batchInvocations, type InvocationBatches } from './invocation-batches.js';
import { createLogQueries } from './log-queries.js';
import type { ProlificWebhookSecretRotationProps, ProlificWorkspace } from './props.js';
import {
  allowCloudWatchToPublish,
  createAlarmTopic,
  createConditionAlarms,
  createOperationalAlarms,
  createThrottlesAlarm,
  createStalenessAlarm,
  subscribeAlarmEmail,
} from './rotation-alarms.js';
import { createRotationDashboard, dashboardConsoleUrl } from './rotation-dashboard.js';
import { createRotationFunction, type RotationFunction } from './rotation-function.js';
import { createHeartbeatSchedules, createRotationSchedules, createScheduleDelivery, type ScheduleDelivery } from './rotation-schedules.js';
import { checkedRotationMode, createNativeRotation, NATIVE_HEARTBEAT_EXPRESSION, type NativeRotationPlan } from './native-rotation.js';
import { checkStalenessThreshold, scheduleInterval } from './schedule-interval.js';
import { createConsoleTestEvents } from './test-events.js';
import { rejectSecretsInOtherRegions, warnUnusualWorkspaceIds } from './workspace-checks.js';
import { createApiTokenSecret, createWorkspaceSecret, grantSecretRead, restrictTokenReads } from './workspace-secrets.js';

export type { ProlificWebhookSecretRotationProps, ProlificWorkspace } from './props.js';

const DEFAULTS = {
  schedule: scheduler.ScheduleExpression.rate(Duration.days(DEFAULT_ROTATION_INTERVAL_DAYS)),
  scheduleEnabled: true,
  prolificApiBaseUrl: DEFAULT_PROLIFIC_API_BASE_URL,
  metricsNamespace: DEFAULT_METRICS_NAMESPACE,
  serviceName: DEFAULT_SERVICE_NAME,
  concurrency: DEFAULT_CONCURRENCY,
  testEvents: false,
  // A year of logs covers twelve 30-day rotations: enough to audit when each secret changed.
  logRetention: logs.RetentionDays.ONE_YEAR,
};

const EMAIL_ADDRESS = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** The props checked, with their defaults, and what follows from them. */
interface Settings {
  readonly expression: scheduler.ScheduleExpression;
  readonly scheduleEnabled: boolean;
  /** Undefined when the schedule is disabled: no heartbeat, no staleness alarm. */
  readonly stalenessThreshold?: Duration;
  readonly prolificApiBaseUrl: string;
  readonly metricsNamespace: string;
  readonly serviceName: string;
  readonly logRetention: logs.RetentionDays;
  readonly concurrency: number;
  readonly batches: InvocationBatches;
  /** With `rotation: 'secrets-manager'`: each secret's rotation window. */
  readonly nativeRotation?: NativeRotationPlan;
}

/**
 * Rotates the webhook signing secrets of Prolific workspaces on a schedule and keeps them in
 * Secrets Manager: the secrets, the rotation function, its schedules, dead-letter queues, alarms and dashboard.
 */
export class ProlificWebhookSecretRotation extends Construct {
  /** The rotation function. */
  public readonly function: NodejsFunction;
  /**
   * The schedule that invokes the function with `{"action":"rotate"}` (for the first batch of workspaces);
   * undefined with `rotation: 'secrets-manager'`, where Secrets Manager starts each rotation.
   */
  public readonly schedule?: scheduler.Schedule;
  /**
   * The rotation schedules, one per batch of workspaces: `schedule` alone unless the workspaces need batches;
   * none with `rotation: 'secrets-manager'`.
   */
  public readonly rotationSchedules: scheduler.Schedule[];
  /**
   * The SSM Parameter Store path under which the function's target list is stored: each workspace with its
   * secret's ARN (`aws ssm get-parameters-by-path --path <path>`).
   */
  public readonly targetsParameterPath: string;
  /** The topic every alarm notifies. */
  public readonly alarmTopic: sns.ITopic;
  /** The secret holding the Prolific API token. */
  public readonly apiTokenSecret: secretsmanager.ISecret;
  /** The alarms this construct created. */
  public readonly alarms: cloudwatch.Alarm[] = [];
  /** Secret ages, rotations, failures, heals and delivery health (the workspaces that stand out), and the alarms' states. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** The dashboard in the CloudWatch console. */
  public readonly dashboardUrl: string;
  /** The function's log group, with saved Logs Insights queries: one run's lines, failures, heals. */
  public readonly logGroup: logs.ILogGroup;
  /** Where each asynchronous (scheduled) invocation that failed lands, with its event and error. */
  public readonly functionDeadLetterQueue: sqs.IQueue;
  /** Where a scheduled event that EventBridge Scheduler could not deliver to the function lands. */
  public readonly scheduleDeadLetterQueue: sqs.IQueue;

  /** The secret of each workspace, by workspace id. */
  private readonly secrets = new Map<string, secretsmanager.ISecret>();

  constructor(scope: Construct, id: string, props: ProlificWebhookSecretRotationProps) {
    super(scope, id);
    const settings = checkedSettings(props);
    for (const { workspaceId, secret, encryptionKey } of props.workspaces) {
      const rotatedBySecretsManager = props.rotation === 'secrets-manager';
      this.secrets.set(workspaceId, secret ?? createWorkspaceSecret(this, workspaceId, encryptionKey, rotatedBySecretsManager));
    }
    this.apiTokenSecret = props.apiTokenSecret ?? createApiTokenSecret(this);
    validateDistinctSecrets(this.secrets, this.apiTokenSecret);
    rejectSecretsInOtherRegions(this, this.secrets, this.apiTokenSecret);
    warnUnusualWorkspaceIds(this, [...this.secrets.keys()]);

    const rotationFunction = createRotationFunction(this, {
      workspaceSecrets: this.secrets,
      formats: new Map(props.workspaces.map(({ workspaceId, format }) => [workspaceId, format ?? 'json'])),
      apiTokenSecret: this.apiTokenSecret,
      prolificApiBaseUrl: settings.prolificApiBaseUrl,
      serviceName: settings.serviceName,
      metricsNamespace: settings.metricsNamespace,
      logRetention: settings.logRetention,
      concurrency: settings.concurrency,
      timeout: settings.batches.timeout,
    });
    this.function = rotationFunction.function;
    this.logGroup = rotationFunction.function.logGroup;
    this.functionDeadLetterQueue = rotationFunction.deadLetterQueue;
    this.targetsParameterPath = rotationFunction.targets.path;
    if (props.apiTokenSecret === undefined) restrictTokenReads(this.apiTokenSecret, rotationFunction.role);

    const delivery = createScheduleDelivery(this, this.function);
    this.scheduleDeadLetterQueue = delivery.deadLetterQueue;
    // One mode or the other: both would rotate each secret twice.
    this.rotationSchedules = settings.nativeRotation
      ? []
      : createRotationSchedules(this, delivery, {
          expression: settings.expression,
          enabled: settings.scheduleEnabled,
          batches: settings.batches.batches,
        });
    this.schedule = this.rotationSchedules[0];
    if (settings.nativeRotation) createNativeRotation(this, this.function, this.secrets, settings.nativeRotation);

    this.alarmTopic = props.alarmTopic ?? createAlarmTopic(this);
    if (props.alarmEmail !== undefined) subscribeAlarmEmail(this.alarmTopic, props.alarmEmail);
    this.addAlarms(settings, rotationFunction, delivery);
    this.dashboard = createRotationDashboard(this, {
      alarms: this.alarms,
      metricsNamespace: settings.metricsNamespace,
      serviceName: settings.serviceName,
      dashboardName: props.dashboardName,
    });
    this.dashboardUrl = dashboardConsoleUrl(this.dashboard);
    createLogQueries(this, this.logGroup);
    if (props.testEvents ?? DEFAULTS.testEvents) {
      createConsoleTestEvents(this, this.function, { workspaceIds: [...this.secrets.keys()] });
    }
    checkDeploymentLimits(this, rotationFunction.role, props.workspaces.filter(({ secret }) => secret === undefined).length);
  }

  /** The secret of a configured workspace. */
  public secretFor(workspaceId: string): secretsmanager.ISecret {
    const secret = this.secrets.get(workspaceId);
    if (!secret) {
      throw new Error(`No rotation target for workspace "${workspaceId}"`);
    }
    return secret;
  }

  /** Lets a webhook receiver of one workspace read that workspace's secret (and decrypt it), and nothing else. */
  public grantReadFor(workspaceId: string, grantee: iam.IGrantable): iam.Grant {
    return grantSecretRead(this.secretFor(workspaceId), grantee);
  }

  /** Lets a webhook receiver read the workspace secrets (and decrypt them), and nothing else. */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    const grants = [...this.secrets.values()].map((secret) => grantSecretRead(secret, grantee));
    return grants.reduce((all, grant) => all.combine(grant));
  }

  /** Every alarm, notifying the alarm topic, which lets them publish; with the heartbeat, the staleness alarm. */
  private addAlarms(settings: Settings, rotationFunction: RotationFunction, delivery: ScheduleDelivery): void {
    const metrics = { metricsNamespace: settings.metricsNamespace, serviceName: settings.serviceName };
    this.alarms.push(
      ...createOperationalAlarms(this, this.alarmTopic, {
        function: rotationFunction.function,
        functionDeadLetterQueue: rotationFunction.deadLetterQueue,
        scheduleGroup: delivery.scheduleGroup,
        scheduleDeadLetterQueue: delivery.deadLetterQueue,
      }),
      // Any run reports these (a person may sync by hand), so they are watched with or without the heartbeat.
      ...createConditionAlarms(this, this.alarmTopic, metrics),
      ...(settings.nativeRotation ? [createThrottlesAlarm(this, this.alarmTopic, rotationFunction.function)] : []),
    );
    // While the schedule runs, a daily heartbeat (a sync run) repairs drift and reports each workspace's age
    // and delivery health, and an alarm watches the oldest age of all.
    if (settings.stalenessThreshold) {
      createHeartbeatSchedules(this, delivery, settings.batches.batches, settings.nativeRotation && NATIVE_HEARTBEAT_EXPRESSION);
      this.alarms.push(createStalenessAlarm(this, this.alarmTopic, { threshold: settings.stalenessThreshold, ...metrics }));
    }
    allowCloudWatchToPublish(this.alarmTopic, this.alarms);
  }
}

/** Checks the props, in the order a person reads them, and fills in the defaults. */
function checkedSettings(props: ProlificWebhookSecretRotationProps): Settings {
  validateWorkspaces(props.workspaces);
  const expression = props.schedule ?? DEFAULTS.schedule;
  const scheduleEnabled = props.scheduleEnabled ?? DEFAULTS.scheduleEnabled;
  const interval = scheduleInterval(expression.expressionString, 'schedule');
  const stalenessThreshold = scheduleEnabled ? resolveStalenessThreshold(interval, props.stalenessThreshold) : undefined;
  const prolificApiBaseUrl = props.prolificApiBaseUrl ?? DEFAULTS.prolificApiBaseUrl;
  validateApiBaseUrl(prolificApiBaseUrl);
  validateAlarmEmail(props.alarmEmail);
  const concurrency = props.concurrency ?? DEFAULTS.concurrency;
  validateConcurrency(concurrency);
  const workspaceIds = props.workspaces.map(({ workspaceId }) => workspaceId);
  const batches = batchInvocations(workspaceIds, concurrency);
  const nativeRotation = checkedRotationMode({
    rotation: props.rotation,
    rotationWindow: props.rotationWindow,
    scheduleEnabled,
    expression: expression.expressionString,
    interval,
    workspaceIds,
    heartbeat: { invocations: batches.batches.length, timeout: batches.timeout },
  });
  return {
    expression,
    scheduleEnabled,
    stalenessThreshold,
    prolificApiBaseUrl,
    metricsNamespace: props.metricsNamespace ?? DEFAULTS.metricsNamespace,
    serviceName: props.serviceName ?? DEFAULTS.serviceName,
    logRetention: props.logRetention ?? DEFAULTS.logRetention,
    concurrency,
    batches,
    nativeRotation,
  };
}

function validateWorkspaces(workspaces: readonly ProlificWorkspace[]): void {
  if (workspaces.length === 0) {
    throw new Error('workspaces must name at least one Prolific workspace');
  }
  const malformed = workspaces.find(({ workspaceId }) => !isWorkspaceId(workspaceId));
  if (malformed !== undefined) {
    throw new Error(`workspaces: workspaceId must be ${WORKSPACE_ID_RULE}, got "${malformed.workspaceId}"`);
  }
  const repeated = firstRepeatedWorkspaceId(workspaces.map(({ workspaceId }) => workspaceId));
  if (repeated !== undefined) {
    throw new Error(
      repeated.id === repeated.earlier
        ? `workspaces: workspace "${repeated.id}" is listed twice`
        : `workspaces: "${repeated.earlier}" and "${repeated.id}" differ only in letter case and so name one workspace; list it once`,
    );
  }
  const keyed = workspaces.find(({ secret, encryptionKey }) => secret !== undefined && encryptionKey !== undefined);
  if (keyed !== undefined) {
    throw new Error(
      `workspaces: workspace "${keyed.workspaceId}" has both secret and encryptionKey; encryptionKey is ` +
        'for a secret the construct creates (import an existing secret with its key instead)',
    );
  }
}

/**
 * Two workspaces with one secret, or a workspace whose secret is the token secret, would let a rotation
 * write over the other. Compared by name (a complete ARN gives its name), where it is known at synthesis.
 */
function validateDistinctSecrets(secrets: ReadonlyMap<string, secretsmanager.ISecret>, apiTokenSecret: secretsmanager.ISecret): void {
  const nameOf = (secret: secretsmanager.ISecret) => (Token.isUnresolved(secret.secretName) ? undefined : secret.secretName);
  const workspaces = [...secrets].map(([workspaceId, secret]) => ({ workspaceId, secret }));
  const [conflict] = secretConflicts(workspaces, ({ secret }) => nameOf(secret), nameOf(apiTokenSecret));
  if (conflict?.kind === 'token-secret') {
    throw new Error(
      `workspaces: the secret of workspace "${conflict.workspaceId}" is the API token secret "${conflict.identity}"; ` +
        'give it a secret of its own',
    );
  }
  if (conflict?.kind === 'shared') {
    throw new Error(
      `workspaces: workspaces "${conflict.workspaceId}" and "${conflict.sharedWith[0]}" have the same secret "${conflict.identity}"; ` +
        'give each a secret of its own',
    );
  }
}

function validateConcurrency(concurrency: number): void {
  if (Token.isUnresolved(concurrency) || !Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new Error(`concurrency must be a whole number from 1 to ${MAX_CONCURRENCY} known at synthesis, got ${concurrency}`);
  }
}

function resolveStalenessThreshold(interval: Duration | undefined, stalenessThreshold: Duration | undefined): Duration {
  if (stalenessThreshold !== undefined) {
    if (stalenessThreshold.toSeconds() <= 0) {
      throw new Error(`stalenessThreshold must be positive, got ${stalenessThreshold.toHumanString()}`);
    }
    checkStalenessThreshold(stalenessThreshold, interval, { threshold: 'stalenessThreshold', schedule: 'schedule' });
    return stalenessThreshold;
  }
  if (interval === undefined) {
    throw new Error(
      'stalenessThreshold is required when schedule is a cron(...) expression: its interval cannot be derived',
    );
  }
  return Duration.seconds(2 * interval.toSeconds());
}

function validateApiBaseUrl(url: string): void {
  if (Token.isUnresolved(url)) {
    return;
  }
  // Worded apart from apiBaseUrlProblem's "is not a URL", in the "<prop> must ..." form of every message here.
  if (!URL.canParse(url)) {
    throw new Error(`prolificApiBaseUrl must be a URL, got "${url}"`);
  }
  const problem = apiBaseUrlProblem(url);
  if (problem !== undefined) {
    throw new Error(`prolificApiBaseUrl ${problem}, got "${url}"`);
  }
}

function validateAlarmEmail(email: string | undefined): void {
  if (email !== undefined && !Token.isUnresolved(email) && !EMAIL_ADDRESS.test(email)) {
    throw new Error(`alarmEmail must be an e-mail address, got "${email}"`);
  }
}
