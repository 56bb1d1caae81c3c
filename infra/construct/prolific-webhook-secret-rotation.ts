import { Duration, Token } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { apiBaseUrlProblem, DEFAULT_CONCURRENCY, DEFAULT_METRICS_NAMESPACE, DEFAULT_PROLIFIC_API_BASE_URL, DEFAULT_SERVICE_NAME, MAX_CONCURRENCY } from '../../lambda/contract/environment.js';
import { DEFAULT_ROTATION_INTERVAL_DAYS } from '../../lambda/contract/stack.js';
import { WORKSPACE_ID_PATTERN, WORKSPACE_ID_RULE } from '../../lambda/contract/workspaces.js';
import type { SecretFormat } from '../../lambda/contract/secret-formats.js';
import { checkDeploymentLimits } from './deployment-limits.js';
import { planInvocations } from './invocation-batches.js';
import {
  allowCloudWatchToPublish,
  createAlarmTopic,
  createConditionAlarms,
  createOperationalAlarms,
  createStalenessAlarm,
  subscribeAlarmEmail,
} from './rotation-alarms.js';
import { createRotationDashboard } from './rotation-dashboard.js';
import { createRotationFunction } from './rotation-function.js';
import { createHeartbeatSchedules, createRotationSchedules, createScheduleDelivery } from './rotation-schedules.js';
import { scheduleInterval } from './schedule-interval.js';
import { createConsoleTestEvents } from './test-events.js';
import { createApiTokenSecret, createWorkspaceSecret, grantSecretRead, restrictTokenReads } from './workspace-secrets.js';

/** One Prolific workspace whose webhook signing secret is rotated. */
export interface ProlificWorkspace {
  /** The Prolific workspace id: 1 to 128 letters, digits, `-` or `_`. */
  readonly workspaceId: string;
  /**
   * An existing secret to adopt. Import it with its key (`Secret.fromSecretAttributes`) if it is
   * encrypted with a customer-managed key, so the function is granted that key.
   * @default - a new secret is created (kept on stack deletion)
   */
  readonly secret?: secretsmanager.ISecret;
  /**
   * A customer-managed KMS key for the secret the construct creates. Not allowed with `secret`.
   * @default - the account's AWS managed key `aws/secretsmanager`
   */
  readonly encryptionKey?: IKey;
  /**
   * What the secret holds: `json` (`{"id", "value", "workspace_id", "rotated_at"}`; receivers read the key
   * `value`) or `plain` (the bare signing secret, for adopted secrets whose readers expect exactly that).
   * The function refuses to write JSON over an adopted plain value, so set `plain` for such a secret.
   * @default 'json'
   */
  readonly format?: SecretFormat;
}

export interface ProlificWebhookSecretRotationProps {
  /**
   * The workspaces to rotate: at least one, each workspace once. Beyond what one invocation finishes
   * (`concurrency` × 11), the schedules rotate them in batches, one invocation each.
   */
  readonly workspaces: readonly ProlificWorkspace[];
  /**
   * The secret whose `SecretString` is the Prolific API token.
   * @default - a new secret holding a placeholder; put the token in it before the first run
   */
  readonly apiTokenSecret?: secretsmanager.ISecret;
  /**
   * When to rotate: a recurring `rate(...)` or `cron(...)` expression, with its time zone.
   * @default ScheduleExpression.rate(Duration.days(30))
   */
  readonly schedule?: scheduler.ScheduleExpression;
  /**
   * Whether the rotation schedule runs. When false the schedule is deployed disabled, and the daily
   * heartbeat (a sync run) and the staleness alarms are left out (rotation is then a manual job).
   * @default true
   */
  readonly scheduleEnabled?: boolean;
  /**
   * How long a workspace may go without a successful rotation before its staleness alarm fires.
   * Positive; required when `schedule` is a `cron(...)` expression.
   * @default - twice the interval of the `rate(...)` schedule
   */
  readonly stalenessThreshold?: Duration;
  /**
   * The topic every alarm notifies.
   * @default - a new topic that only accepts TLS publishers
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * An e-mail address subscribed to the alarm topic (the recipient confirms the subscription).
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * Base URL of the Prolific API: `https:` only, except loopback hosts for local runs; no credentials,
   * query or fragment.
   * @default 'https://api.prolific.com'
   */
  readonly prolificApiBaseUrl?: string;
  /**
   * CloudWatch namespace of the metrics the function emits.
   * @default 'ProlificWebhookSecretRotation'
   */
  readonly metricsNamespace?: string;
  /**
   * Service name in the function's logs and the `service` dimension of its metrics.
   * @default 'prolific-webhook-secret-rotation'
   */
  readonly serviceName?: string;
  /**
   * How long the function's logs are kept.
   * @default RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Name of the CloudWatch dashboard.
   * @default - generated
   */
  readonly dashboardName?: string;
  /**
   * How many workspaces one invocation works on at once: a whole number from 1 to 50. The function's timeout,
   * and how many workspaces one scheduled invocation is given, follow from it. More is faster, and asks more
   * of Prolific at once (it answers 429 under load, which the function retries within each workspace's budget).
   * @default 10
   */
  readonly concurrency?: number;
  /**
   * Deploy the function's shareable Lambda console test events (status, sync, rotate, dry runs, filled in
   * with the configured workspaces) as a schema in the EventBridge schema registry
   * `lambda-testevent-schemas`, which must exist in the account and Region (the Lambda console creates it
   * with the first shareable test event).
   * @default false
   */
  readonly testEvents?: boolean;
}

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

/**
 * Rotates the webhook signing secrets of Prolific workspaces on a schedule and keeps them in
 * Secrets Manager: the secrets, the rotation function, its schedules, dead-letter queues, alarms and dashboard.
 */
export class ProlificWebhookSecretRotation extends Construct {
  /** The rotation function. */
  public readonly function: NodejsFunction;
  /** The schedule that invokes the function with `{"action":"rotate"}` (for the first batch of workspaces). */
  public readonly schedule: scheduler.Schedule;
  /** The rotation schedules, one per batch of workspaces: `schedule` alone unless the workspaces need batches. */
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

  /** The secret of each workspace, by workspace id. */
  private readonly secrets = new Map<string, secretsmanager.ISecret>();

  constructor(scope: Construct, id: string, props: ProlificWebhookSecretRotationProps) {
    super(scope, id);
    validateWorkspaces(props.workspaces);
    const expression = props.schedule ?? DEFAULTS.schedule;
    const scheduleEnabled = props.scheduleEnabled ?? DEFAULTS.scheduleEnabled;
    const interval = scheduleInterval(expression.expressionString, 'schedule');
    const stalenessThreshold = scheduleEnabled
      ? resolveStalenessThreshold(interval, props.stalenessThreshold)
      : undefined;
    const prolificApiBaseUrl = props.prolificApiBaseUrl ?? DEFAULTS.prolificApiBaseUrl;
    validateApiBaseUrl(prolificApiBaseUrl);
    validateAlarmEmail(props.alarmEmail);
    const metricsNamespace = props.metricsNamespace ?? DEFAULTS.metricsNamespace;
    const serviceName = props.serviceName ?? DEFAULTS.serviceName;
    const concurrency = props.concurrency ?? DEFAULTS.concurrency;
    validateConcurrency(concurrency);
    const plan = planInvocations(props.workspaces.map(({ workspaceId }) => workspaceId), concurrency);

    for (const { workspaceId, secret, encryptionKey } of props.workspaces) {
      this.secrets.set(workspaceId, secret ?? createWorkspaceSecret(this, workspaceId, encryptionKey));
    }
    const apiTokenSecret = props.apiTokenSecret ?? createApiTokenSecret(this);
    this.apiTokenSecret = apiTokenSecret;
    validateDistinctSecrets(this.secrets, apiTokenSecret);

    const rotationFunction = createRotationFunction(this, {
      workspaceSecrets: this.secrets,
      formats: new Map(props.workspaces.map(({ workspaceId, format }) => [workspaceId, format ?? 'json'])),
      apiTokenSecret: this.apiTokenSecret,
      prolificApiBaseUrl,
      serviceName,
      metricsNamespace,
      logRetention: props.logRetention ?? DEFAULTS.logRetention,
      concurrency,
      timeout: plan.timeout,
    });
    this.function = rotationFunction.function;
    this.targetsParameterPath = rotationFunction.targets.path;
    if (props.apiTokenSecret === undefined) restrictTokenReads(apiTokenSecret, rotationFunction.role);

    const delivery = createScheduleDelivery(this, this.function);
    this.rotationSchedules = createRotationSchedules(this, delivery, { expression, enabled: scheduleEnabled, batches: plan.batches });
    this.schedule = this.rotationSchedules[0] as scheduler.Schedule;

    this.alarmTopic = props.alarmTopic ?? createAlarmTopic(this);
    if (props.alarmEmail !== undefined) {
      subscribeAlarmEmail(this.alarmTopic, props.alarmEmail);
    }
    this.alarms.push(
      ...createOperationalAlarms(this, this.alarmTopic, {
        function: this.function,
        functionDeadLetterQueue: rotationFunction.deadLetterQueue,
        scheduleGroup: delivery.scheduleGroup,
        scheduleDeadLetterQueue: delivery.deadLetterQueue,
      }),
      // Any run reports these (a person may sync by hand), so they are watched with or without the heartbeat.
      ...createConditionAlarms(this, this.alarmTopic, { metricsNamespace, serviceName }),
    );
    // While the schedule runs, a daily heartbeat (a sync run) repairs drift and reports each workspace's age
    // and delivery health, and an alarm watches the oldest age of all.
    if (stalenessThreshold) {
      createHeartbeatSchedules(this, delivery, plan.batches);
      this.alarms.push(createStalenessAlarm(this, this.alarmTopic, { threshold: stalenessThreshold, metricsNamespace, serviceName }));
    }
    allowCloudWatchToPublish(this.alarmTopic, this.alarms);
    this.dashboard = createRotationDashboard(this, {
      alarms: this.alarms,
      metricsNamespace,
      serviceName,
      dashboardName: props.dashboardName,
    });
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
}

function validateWorkspaces(workspaces: readonly ProlificWorkspace[]): void {
  if (workspaces.length === 0) {
    throw new Error('workspaces must name at least one Prolific workspace');
  }
  const seen = new Set<string>();
  for (const workspace of workspaces) {
    if (!WORKSPACE_ID_PATTERN.test(workspace.workspaceId)) {
      throw new Error(`workspaces: workspaceId must be ${WORKSPACE_ID_RULE}, got "${workspace.workspaceId}"`);
    }
    if (seen.has(workspace.workspaceId)) {
      throw new Error(`workspaces: workspace "${workspace.workspaceId}" is listed twice`);
    }
    seen.add(workspace.workspaceId);
    if (workspace.secret && workspace.encryptionKey) {
      throw new Error(
        `workspaces: workspace "${workspace.workspaceId}" has both secret and encryptionKey; encryptionKey is ` +
          'for a secret the construct creates (import an existing secret with its key instead)',
      );
    }
  }
}

/**
 * Two workspaces with one secret, or a workspace whose secret is the token secret, would let a rotation
 * write over the other. Compared by full ARN, else by name, where the values are known at synthesis.
 */
function validateDistinctSecrets(secrets: ReadonlyMap<string, secretsmanager.ISecret>, apiTokenSecret: secretsmanager.ISecret): void {
  const identityOf = (secret: secretsmanager.ISecret) => {
    const name = secret.secretName;
    return Token.isUnresolved(name) ? undefined : name;
  };
  const tokenName = identityOf(apiTokenSecret);
  const owners = new Map<string, string>();
  for (const [workspaceId, secret] of secrets) {
    const name = identityOf(secret);
    if (name === undefined) continue;
    if (name === tokenName) {
      throw new Error(`workspaces: the secret of workspace "${workspaceId}" is the API token secret "${name}"; give it a secret of its own`);
    }
    const owner = owners.get(name);
    if (owner !== undefined) {
      throw new Error(`workspaces: workspaces "${owner}" and "${workspaceId}" have the same secret "${name}"; give each a secret of its own`);
    }
    owners.set(name, workspaceId);
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
