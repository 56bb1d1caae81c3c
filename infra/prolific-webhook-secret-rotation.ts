import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, SecretValue, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  API_TOKEN_PLACEHOLDER,
  DEFAULT_PROLIFIC_API_BASE_URL,
  INVOCATION_OVERHEAD_MS,
  LOOPBACK_HOSTS,
  TARGET_SECRET_PLACEHOLDER,
  TARGET_TIME_BUDGET_MS,
  WORKSPACE_ID_PATTERN,
} from '../lambda/contract.js';
import { scheduleInterval } from './schedule-interval.js';

/** One Prolific workspace whose webhook signing secret is rotated. */
export interface RotationTarget {
  /** The Prolific workspace id (letters, digits, `-` and `_`, at most 128 characters). */
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
}

export interface ProlificWebhookSecretRotationProps {
  /** The workspaces to rotate: at least one, each workspace once, as many as fit in 15 minutes. */
  readonly targets: RotationTarget[];
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
   * Whether the rotation schedule runs. When false the schedule is deployed disabled, and the
   * heartbeat and staleness alarms are left out (rotation is then a manual job).
   * @default true
   */
  readonly scheduleEnabled?: boolean;
  /**
   * How long a workspace may go without a successful rotation before its staleness alarm fires.
   * Required when `schedule` is a `cron(...)` expression.
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
   * Base URL of the Prolific API: `https:` only, except loopback hosts for local runs.
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
}

const DEFAULTS = {
  schedule: scheduler.ScheduleExpression.rate(Duration.days(30)),
  scheduleEnabled: true,
  prolificApiBaseUrl: DEFAULT_PROLIFIC_API_BASE_URL,
  metricsNamespace: 'ProlificWebhookSecretRotation',
  serviceName: 'prolific-webhook-secret-rotation',
  // A year of logs covers twelve 30-day rotations: enough to audit when each secret changed.
  logRetention: logs.RetentionDays.ONE_YEAR,
};

// Lambda's hard limit on one invocation.
const LAMBDA_MAX_TIMEOUT_MS = 15 * 60 * 1000;
const MAX_TARGETS = Math.floor((LAMBDA_MAX_TIMEOUT_MS - INVOCATION_OVERHEAD_MS) / TARGET_TIME_BUDGET_MS);
const EMAIL_ADDRESS = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

const ROTATE_INPUT = { action: 'rotate' };
const HEARTBEAT_INPUT = { action: 'status' };
// The heartbeat's status run emits SecondsSinceLastRotation daily, whatever the rotation interval.
const HEARTBEAT_EXPRESSION = scheduler.ScheduleExpression.rate(Duration.days(1));
// Each staleness alarm looks at the daily maximum; two days in a row must breach (or be missing),
// so a heartbeat that is merely late within its day does not page anyone.
const STALENESS_PERIOD = Duration.days(1);
const STALENESS_EVALUATION_PERIODS = 2;
const ALARM_PERIOD = Duration.minutes(5);
const SCHEDULE_RETRY_ATTEMPTS = 3;
const SCHEDULE_MAX_EVENT_AGE = Duration.hours(1);

/** Where both schedules deliver: their group, the role they invoke with, and the queue for what fails. */
interface ScheduleDelivery {
  readonly scheduleGroup: scheduler.IScheduleGroup;
  readonly role: iam.IRole;
  readonly deadLetterQueue: sqs.IQueue;
}

/**
 * Rotates the webhook signing secrets of Prolific workspaces on a schedule and keeps them in
 * Secrets Manager: the secrets, the rotation function, its schedules, dead-letter queues and alarms.
 */
export class ProlificWebhookSecretRotation extends Construct {
  /** The rotation function. */
  public readonly function: NodejsFunction;
  /** The schedule that invokes the function with `{"action":"rotate"}`. */
  public readonly schedule: scheduler.Schedule;
  /** The topic every alarm notifies. */
  public readonly alarmTopic: sns.ITopic;
  /** The secret holding the Prolific API token. */
  public readonly apiTokenSecret: secretsmanager.ISecret;
  /** The alarms this construct created. */
  public readonly alarms: cloudwatch.Alarm[] = [];

  private readonly secrets = new Map<string, secretsmanager.ISecret>();
  private readonly functionDeadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: ProlificWebhookSecretRotationProps) {
    super(scope, id);
    validateTargets(props.targets);
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

    for (const target of props.targets) {
      this.secrets.set(target.workspaceId, target.secret ?? this.createTargetSecret(target));
    }
    this.apiTokenSecret = props.apiTokenSecret ?? this.createApiTokenSecret();

    this.functionDeadLetterQueue = this.createDeadLetterQueue(
      'FunctionDeadLetterQueue',
      'Lambda on-failure destination: it receives each asynchronous invocation that failed.',
    );
    this.function = this.createFunction({
      timeout: functionTimeout(props.targets.length),
      logRetention: props.logRetention ?? DEFAULTS.logRetention,
      environment: {
        ROTATION_TARGETS: Stack.of(this).toJsonString(
          [...this.secrets].map(([workspaceId, secret]) => ({ workspaceId, secretId: secretIdOf(secret) })),
        ),
        PROLIFIC_TOKEN_SECRET_ID: secretIdOf(this.apiTokenSecret),
        PROLIFIC_API_BASE_URL: prolificApiBaseUrl,
        POWERTOOLS_SERVICE_NAME: serviceName,
        POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
      },
    });
    this.grantRotation(this.function.grantPrincipal);

    // A group of its own: it holds only these schedules, and its metrics are theirs alone.
    const scheduleGroup = new scheduler.ScheduleGroup(this, 'ScheduleGroup', {
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const scheduleDeadLetterQueue = this.createDeadLetterQueue(
      'ScheduleDeadLetterQueue',
      'EventBridge Scheduler dead-letter queue: it receives the events the scheduler could not deliver.',
    );
    const delivery: ScheduleDelivery = {
      scheduleGroup,
      role: this.createSchedulerRole(scheduleGroup),
      deadLetterQueue: scheduleDeadLetterQueue,
    };
    this.schedule = this.createSchedule('RotationSchedule', delivery, {
      expression,
      enabled: scheduleEnabled,
      input: ROTATE_INPUT,
      description: 'Rotates the Prolific webhook signing secrets.',
    });

    this.alarmTopic = props.alarmTopic ?? this.createAlarmTopic();
    if (props.alarmEmail !== undefined) {
      const subscription = this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
      Validations.of(subscription).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason:
          'An e-mail that cannot be delivered bounces at the mail server, after SNS handed it over, so a ' +
          'redrive queue would stay empty; the alarm itself stays visible in CloudWatch.',
      });
    }
    this.addOperationalAlarms(scheduleGroup, scheduleDeadLetterQueue);
    if (stalenessThreshold) {
      this.createSchedule('HeartbeatSchedule', delivery, {
        expression: HEARTBEAT_EXPRESSION,
        enabled: true,
        input: HEARTBEAT_INPUT,
        description: 'Read-only status run: reports how long ago each secret was rotated.',
      });
      this.addStalenessAlarms(stalenessThreshold, metricsNamespace, serviceName);
    }
  }

  /** The secret of a configured workspace. */
  public secretFor(workspaceId: string): secretsmanager.ISecret {
    const secret = this.secrets.get(workspaceId);
    if (!secret) {
      throw new Error(`No rotation target for workspace "${workspaceId}"`);
    }
    return secret;
  }

  /** Lets a webhook receiver read the target secrets (and decrypt them), and nothing else. */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    const grants = [...this.secrets.values()].map((secret) => secret.grantRead(grantee));
    return grants.reduce((all, grant) => all.combine(grant));
  }

  private createTargetSecret(target: RotationTarget): secretsmanager.Secret {
    const secret = new secretsmanager.Secret(this, `Secret-${target.workspaceId}`, {
      description:
        `Prolific webhook signing secret of workspace ${target.workspaceId}. Written by the rotation ` +
        `function of stack ${Stack.of(this).stackName}; do not edit it by hand.`,
      secretStringValue: SecretValue.unsafePlainText(TARGET_SECRET_PLACEHOLDER),
      encryptionKey: target.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        "Rotated by this construct's EventBridge Scheduler schedule, which runs every workspace in one " +
        'serialised, alarmed run; a Secrets Manager rotation schedule as well would rotate it twice.',
    });
    return secret;
  }

  private createApiTokenSecret(): secretsmanager.Secret {
    const secret = new secretsmanager.Secret(this, 'ApiTokenSecret', {
      description:
        `Prolific API token (the raw token as SecretString) used by the rotation function of stack ` +
        `${Stack.of(this).stackName}. Put the token in by hand; the stack only wrote a placeholder.`,
      // A constant: CloudFormation sets it once and never overwrites the token put in later.
      secretStringValue: SecretValue.unsafePlainText(API_TOKEN_PLACEHOLDER),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Prolific API tokens are issued by a person in the Prolific web app and have no API to rotate ' +
        'them, so no function can; the deploy guide says how a person replaces the token.',
    });
    return secret;
  }

  private createFunction(options: {
    timeout: Duration;
    logRetention: logs.RetentionDays;
    environment: Record<string, string>;
  }): NodejsFunction {
    const logGroup = new logs.LogGroup(this, 'FunctionLogs', { retention: options.logRetention });
    const role = new iam.Role(this, 'FunctionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Rotation function: its log group, its dead-letter queue and the Prolific secrets.',
    });
    logGroup.grantWrite(role);
    const fn = new NodejsFunction(this, 'Function', {
      entry: fileURLToPath(new URL('../lambda/handler.ts', import.meta.url)),
      handler: 'handler',
      projectRoot: fileURLToPath(new URL('..', import.meta.url)),
      depsLockFilePath: fileURLToPath(new URL('../package-lock.json', import.meta.url)),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: options.timeout,
      role,
      logGroup,
      environment: options.environment,
      // One run at a time: a pending version is the lock, and Lambda must not start a second run.
      reservedConcurrentExecutions: 1,
      // A retry would rotate again; the next scheduled run (or a person) repairs a failed one.
      retryAttempts: 0,
      onFailure: new SqsDestination(this.functionDeadLetterQueue),
      description: 'Rotates Prolific webhook signing secrets and stores them in Secrets Manager.',
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: false,
        // Ship the SDK version pinned in package-lock.json instead of the runtime's own copy.
        bundleAwsSDK: true,
        mainFields: ['module', 'main'],
        forceDockerBundling: false,
      },
    });
    this.acknowledgeFunctionFindings(fn);
    return fn;
  }

  // Written out rather than Secret.grantRead/grantWrite: grantWrite adds secretsmanager:UpdateSecret, no
  // grant covers UpdateSecretVersionStage, and the token secret needs GetSecretValue alone.
  private grantRotation(principal: iam.IPrincipal): void {
    const targets = [...this.secrets.values()];
    principal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'RotateTargetSecrets',
        actions: [
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
          'secretsmanager:PutSecretValue',
          'secretsmanager:UpdateSecretVersionStage',
        ],
        resources: targets.map(policyArnOf),
      }),
    );
    principal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadApiToken',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [policyArnOf(this.apiTokenSecret)],
      }),
    );
    const viaSecretsManager = {
      StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` },
    };
    const targetKeys = uniqueKeyArns(targets);
    if (targetKeys.length > 0) {
      principal.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'UseTargetSecretKeys',
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: targetKeys,
          conditions: viaSecretsManager,
        }),
      );
    }
    const tokenKeys = uniqueKeyArns([this.apiTokenSecret]);
    if (tokenKeys.length > 0) {
      principal.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'UseApiTokenKey',
          actions: ['kms:Decrypt'],
          resources: tokenKeys,
          conditions: viaSecretsManager,
        }),
      );
    }
  }

  private createDeadLetterQueue(id: string, purpose: string): sqs.Queue {
    const queue = new sqs.Queue(this, id, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS allows: time for a person to read why a run failed.
      retentionPeriod: Duration.days(14),
    });
    const reason = `${purpose} It is the end of the line: a dead-letter queue for it would only move the messages.`;
    Validations.of(queue).acknowledge(
      { id: 'AwsSolutions-SQS3', reason },
      { id: 'Serverless-SQSRedrivePolicy', reason },
    );
    return queue;
  }

  private createSchedule(
    id: string,
    delivery: ScheduleDelivery,
    options: { expression: scheduler.ScheduleExpression; enabled: boolean; input: object; description: string },
  ): scheduler.Schedule {
    return new scheduler.Schedule(this, id, {
      schedule: options.expression,
      enabled: options.enabled,
      description: options.description,
      scheduleGroup: delivery.scheduleGroup,
      target: new LambdaInvoke(this.function, {
        role: delivery.role,
        input: scheduler.ScheduleTargetInput.fromObject(options.input),
        // The scheduler retries only when Lambda did not accept the event, so no run is repeated.
        retryAttempts: SCHEDULE_RETRY_ATTEMPTS,
        maxEventAge: SCHEDULE_MAX_EVENT_AGE,
        deadLetterQueue: delivery.deadLetterQueue,
      }),
    });
  }

  private createSchedulerRole(scheduleGroup: scheduler.IScheduleGroup): iam.Role {
    const { account } = Stack.of(this);
    const role = new iam.Role(this, 'SchedulerRole', {
      description: 'EventBridge Scheduler: invoke the rotation function, send undeliverable events to its queue.',
      // Only schedules of this group in this account may use the role (no confused deputy).
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': account, 'aws:SourceArn': scheduleGroup.scheduleGroupArn },
        },
      }),
    });
    const functionLogicalId = Stack.of(this).getLogicalId(this.function.node.defaultChild as lambda.CfnFunction);
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${functionLogicalId}.Arn>:*]`,
      reason:
        'The wildcard is the version/alias suffix that grantInvoke adds for this one rotation function; ' +
        'the role can invoke no other function.',
    });
    return role;
  }

  private createAlarmTopic(): sns.Topic {
    const topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Prolific webhook secret rotation alarms',
      enforceSSL: true,
    });
    Validations.of(topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry only alarm names, states and metric values, never a secret. ' +
        'Encrypting them would need a customer-managed key whose policy admits CloudWatch; pass ' +
        'an encrypted alarmTopic where policy requires one.',
    });
    return topic;
  }

  private addOperationalAlarms(scheduleGroup: scheduler.ScheduleGroup, scheduleDeadLetterQueue: sqs.Queue): void {
    this.addAlarm('FunctionErrorsAlarm', {
      metric: this.function.metricErrors({ period: ALARM_PERIOD, statistic: cloudwatch.Stats.SUM }),
      description:
        'The rotation function failed. Read its log group for the run, then invoke {"action":"status"}.',
    });
    this.addAlarm('FunctionDeadLetterQueueAlarm', {
      metric: this.functionDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: ALARM_PERIOD,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      description:
        'An asynchronous invocation of the rotation function failed; its event and error are in the ' +
        'function dead-letter queue.',
    });
    this.addAlarm('ScheduleDeadLetterQueueAlarm', {
      metric: scheduleDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: ALARM_PERIOD,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      description: 'EventBridge Scheduler could not invoke the rotation function; see the schedule dead-letter queue.',
    });
    this.addAlarm('ScheduleTargetErrorsAlarm', {
      metric: scheduleGroup.metricTargetErrors({ period: ALARM_PERIOD, statistic: cloudwatch.Stats.SUM }),
      description: 'EventBridge Scheduler got an error invoking the rotation function (it retries).',
    });
  }

  private addStalenessAlarms(threshold: Duration, namespace: string, serviceName: string): void {
    for (const workspaceId of this.secrets.keys()) {
      this.addAlarm(`StalenessAlarm-${workspaceId}`, {
        metric: new cloudwatch.Metric({
          namespace,
          metricName: 'SecondsSinceLastRotation',
          dimensionsMap: { service: serviceName, workspace_id: workspaceId },
          statistic: cloudwatch.Stats.MAXIMUM,
          period: STALENESS_PERIOD,
        }),
        threshold: threshold.toSeconds(),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: STALENESS_EVALUATION_PERIODS,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        description:
          `Workspace ${workspaceId} has not been rotated for more than ${threshold.toHumanString()}, ` +
          'or the daily status heartbeat stopped reporting it.',
      });
    }
  }

  private addAlarm(
    id: string,
    options: {
      metric: cloudwatch.IMetric;
      description: string;
      threshold?: number;
      comparisonOperator?: cloudwatch.ComparisonOperator;
      evaluationPeriods?: number;
      treatMissingData?: cloudwatch.TreatMissingData;
    },
  ): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric: options.metric,
      alarmDescription: options.description,
      threshold: options.threshold ?? 1,
      comparisonOperator:
        options.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      datapointsToAlarm: options.evaluationPeriods ?? 1,
      treatMissingData: options.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    this.alarms.push(alarm);
  }

  private acknowledgeFunctionFindings(fn: NodejsFunction): void {
    Validations.of(fn).acknowledge(
      {
        id: 'Serverless-LambdaDLQ',
        reason:
          'Failed asynchronous invocations go to an on-failure destination (an encrypted SQS queue with ' +
          'an alarm), which records the error as well as the event; a legacy DLQ would duplicate it.',
      },
      {
        id: 'Serverless-LambdaTracing',
        reason:
          'One scheduled function calling two services: its structured logs and EMF metrics show each ' +
          'step, and X-Ray would add a wildcard-resource xray policy to a role kept to named resources.',
      },
    );
  }
}

function validateTargets(targets: RotationTarget[]): void {
  if (targets.length === 0) {
    throw new Error('targets must name at least one Prolific workspace');
  }
  if (targets.length > MAX_TARGETS) {
    throw new Error(
      `targets: at most ${MAX_TARGETS} workspaces fit in Lambda's 15-minute timeout, got ${targets.length}`,
    );
  }
  const seen = new Set<string>();
  for (const target of targets) {
    if (!WORKSPACE_ID_PATTERN.test(target.workspaceId)) {
      throw new Error(
        `targets: workspaceId must be 1 to 128 letters, digits, "-" or "_", got "${target.workspaceId}"`,
      );
    }
    if (seen.has(target.workspaceId)) {
      throw new Error(`targets: workspace "${target.workspaceId}" is listed twice`);
    }
    seen.add(target.workspaceId);
    if (target.secret && target.encryptionKey) {
      throw new Error(
        `targets: workspace "${target.workspaceId}" has both secret and encryptionKey; encryptionKey is ` +
          'for a secret the construct creates (import an existing secret with its key instead)',
      );
    }
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
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new Error(`prolificApiBaseUrl must be a URL, got "${url}"`, { cause: error });
  }
  const loopbackHttp = parsed.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname);
  if (parsed.protocol !== 'https:' && !loopbackHttp) {
    throw new Error(`prolificApiBaseUrl must use https: (http: only on a loopback host), got "${url}"`);
  }
}

function validateAlarmEmail(email: string | undefined): void {
  if (email !== undefined && !Token.isUnresolved(email) && !EMAIL_ADDRESS.test(email)) {
    throw new Error(`alarmEmail must be an e-mail address, got "${email}"`);
  }
}

function functionTimeout(targetCount: number): Duration {
  return Duration.seconds(Math.ceil((INVOCATION_OVERHEAD_MS + targetCount * TARGET_TIME_BUDGET_MS) / 1000));
}

/** What the function is told to call a secret: its full ARN when known, else its name. */
function secretIdOf(secret: secretsmanager.ISecret): string {
  return secret.secretFullArn ?? secret.secretName;
}

/** The ARN a policy names: a secret imported without its 6-character suffix matches exactly that one. */
function policyArnOf(secret: secretsmanager.ISecret): string {
  return secret.secretFullArn ?? `${secret.secretArn}-??????`;
}

function uniqueKeyArns(secrets: secretsmanager.ISecret[]): string[] {
  const arns = secrets.flatMap((secret) => (secret.encryptionKey ? [secret.encryptionKey.keyArn] : []));
  return [...new Set(arns)];
}
