import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { METRIC_NAMES, SERVICE_DIMENSION } from '../../lambda/contract/metrics.js';
import { logQueryName } from './log-queries.js';
import { onCallName } from './on-call-names.js';

const ALARM_PERIOD = Duration.minutes(5);
// The staleness alarm looks at the daily maximum; two days in a row must breach (or be missing),
// so a heartbeat that is merely late within its day does not page anyone.
const STALENESS_PERIOD = Duration.days(1);
const STALENESS_EVALUATION_PERIODS = 2;

// The package names no repository URL, so each alarm's description names its runbook entry in words: the row of
// the table in docs/operations.md, section "Alarms", that says what the alarm means and what to do.
const RUNBOOK_ROWS = {
  FunctionErrorsAlarm: 'Function errors',
  FunctionThrottlesAlarm: 'Function throttled',
  FunctionDeadLetterQueueAlarm: 'Function dead-letter queue has messages',
  ScheduleDeadLetterQueueAlarm: 'Schedule dead-letter queue has messages',
  ScheduleTargetErrorsAlarm: 'Schedule target errors',
  CurrentVersionMissingAlarm: 'Current version missing',
  SubscriptionsDisabledAlarm: 'Subscriptions disabled',
  DeliveriesFailingAlarm: 'Deliveries failing',
  DriftHealedAlarm: 'Drift healed',
  RotationEventFailedAlarm: 'Rotation event failed',
  DeliveryHealthUnknownAlarm: 'Delivery health unknown',
  StalenessAlarm: 'Staleness',
} as const;
type AlarmId = keyof typeof RUNBOOK_ROWS;

/** A topic for the alarms that only accepts TLS publishers. */
export function createAlarmTopic(scope: Construct): sns.Topic {
  const topic = new sns.Topic(scope, 'AlarmTopic', {
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

/**
 * A topic policy replaces SNS's default one, and enforceSSL's policy holds only a Deny: without an Allow for
 * CloudWatch, every alarm's notification would fail with "not authorized to perform: SNS:Publish". Scoped
 * to this account's alarms, by their ARNs. A topic passed in (imported) keeps its own policy, which must
 * admit CloudWatch in the same way (and, if encrypted, its key policy too).
 */
export function allowCloudWatchToPublish(topic: sns.ITopic, alarms: readonly cloudwatch.IAlarm[]): void {
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToPublish',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': Stack.of(topic).account },
        ArnEquals: { 'aws:SourceArn': alarms.map((alarm) => alarm.alarmArn) },
      },
    }),
  );
}

/** Subscribes an e-mail address to the alarm topic (the recipient confirms the subscription). */
export function subscribeAlarmEmail(topic: sns.ITopic, email: string): void {
  const subscription = topic.addSubscription(new EmailSubscription(email));
  Validations.of(subscription).acknowledge({
    id: 'Serverless-SNSRedrivePolicy',
    reason:
      'An e-mail that cannot be delivered bounces at the mail server, after SNS handed it over, so a ' +
      'redrive queue would stay empty; the alarm itself stays visible in CloudWatch.',
  });
}

/** What the operational alarms watch: the function, the schedules' group and both dead-letter queues. */
export interface OperationalAlarmSources {
  readonly function: lambda.IFunction;
  readonly functionDeadLetterQueue: sqs.IQueue;
  readonly scheduleGroup: scheduler.IScheduleGroup;
  readonly scheduleDeadLetterQueue: sqs.IQueue;
}

/** Alarms on a failed run, a failed invocation, and a schedule that could not reach the function. */
export function createOperationalAlarms(
  scope: Construct,
  topic: sns.ITopic,
  sources: OperationalAlarmSources,
): cloudwatch.Alarm[] {
  return [
    createAlarm(scope, topic, 'FunctionErrorsAlarm', {
      metric: sources.function.metricErrors({ period: ALARM_PERIOD, statistic: cloudwatch.Stats.SUM }),
      // The read-only status event: a person looks before acting.
      description:
        `The rotation function failed. The saved Logs Insights query ${logQueryName(scope, 'failures')} names each failed ` +
        `workspace and step with its last error and run; ${logQueryName(scope, 'oneRun')} shows that run. Then invoke ` +
        '{"action":"status"}.',
    }),
    createAlarm(scope, topic, 'FunctionDeadLetterQueueAlarm', {
      metric: messagesWaitingIn(sources.functionDeadLetterQueue),
      description:
        'An asynchronous invocation of the rotation function failed; its event and error are in the ' +
        'function dead-letter queue.',
    }),
    createAlarm(scope, topic, 'ScheduleDeadLetterQueueAlarm', {
      metric: messagesWaitingIn(sources.scheduleDeadLetterQueue),
      description: 'EventBridge Scheduler could not invoke the rotation function; see the schedule dead-letter queue.',
    }),
    createAlarm(scope, topic, 'ScheduleTargetErrorsAlarm', {
      metric: sources.scheduleGroup.metricTargetErrors({ period: ALARM_PERIOD, statistic: cloudwatch.Stats.SUM }),
      description: 'EventBridge Scheduler got an error invoking the rotation function (it retries).',
    }),
  ];
}

/**
 * With Secrets Manager's own rotation: an alarm on the function being throttled. Secrets Manager calls it for
 * each step of each secret, and a throttled call is no function error, so without this only the staleness
 * alarm, days later, would tell of rotations that keep being refused.
 */
export function createThrottlesAlarm(scope: Construct, topic: sns.ITopic, fn: lambda.IFunction): cloudwatch.Alarm {
  return createAlarm(scope, topic, 'FunctionThrottlesAlarm', {
    metric: fn.metricThrottles({ period: ALARM_PERIOD, statistic: cloudwatch.Stats.SUM }),
    description:
      "Secrets Manager's call to the rotation function was throttled: another rotation (or a run by hand) held " +
      "the function's one concurrent execution. Secrets Manager tries the rotation again.",
  });
}

/** Where the function's metrics are: their namespace and the value of their `service` dimension. */
export interface FunctionMetricsSource {
  readonly metricsNamespace: string;
  readonly serviceName: string;
}

/**
 * Alarms on the conditions the function reports from any run (scheduled, heartbeat or by hand), over every
 * workspace at once: each watches the copy of its metric without the workspace dimension. The log line of
 * the run (its workspace_id) names the workspace.
 */
export function createConditionAlarms(scope: Construct, topic: sns.ITopic, source: FunctionMetricsSource): cloudwatch.Alarm[] {
  const alarmOn = (id: AlarmId, metricName: string, description: string) =>
    createAlarm(scope, topic, id, { metric: serviceWideSum(source, metricName), description });
  return [
    alarmOn(
      'CurrentVersionMissingAlarm',
      METRIC_NAMES.currentVersionMissing,
      "A workspace's secret had no version labelled AWSCURRENT, so its receivers could verify no delivery. " +
        'A sync or rotate run repairs it from Prolific (the log line with current_missing names the workspace); ' +
        'find out who moved the labels by hand.',
    ),
    alarmOn(
      'SubscriptionsDisabledAlarm',
      METRIC_NAMES.subscriptionsDisabled,
      'A Prolific webhook subscription is disabled: Prolific gave up after 5 days of failed deliveries, and ' +
        'sends that subscription nothing more. Fix the receiver, then re-enable the subscription with ' +
        'PATCH /api/v1/hooks/subscriptions/{id}/ is_enabled=true.',
    ),
    alarmOn(
      'DeliveriesFailingAlarm',
      METRIC_NAMES.deliveriesFailedSinceRotation,
      'Prolific webhook deliveries failed since the last rotation: receivers are down, or do not verify ' +
        'with the stored secret (they must read AWSCURRENT, and re-read it on a mismatch). The log line ' +
        'with deliveries names the workspace; fix its receivers before Prolific disables the subscription.',
    ),
    alarmOn(
      'DriftHealedAlarm',
      METRIC_NAMES.driftHealed,
      'A signing secret was changed outside the schedule (someone rotated it in the Prolific app, or a late ' +
        "POST took effect), and a sync run stored Prolific's active secret. Receivers now verify with it. " +
        'Find out who changed it: the log line with drift_healed names the workspace (the saved Logs Insights query ' +
        `${logQueryName(scope, 'heals')} lists them).`,
    ),
    alarmOn(
      'RotationEventFailedAlarm',
      METRIC_NAMES.rotationEventFailed,
      'A signing secret changed, but the rotation event could not be put on the default event bus, so ' +
        'receivers that cache the secret were not told. Refresh them by hand (restart them, or have them ' +
        'read AWSCURRENT again); the function log names the workspace.',
    ),
    alarmOn(
      'DeliveryHealthUnknownAlarm',
      METRIC_NAMES.deliveryHealthUnknown,
      "Prolific's delivery health could not be read (its subscriptions or their events), so the alarms on " +
        'disabled subscriptions and failing deliveries cannot fire. The log line with deliveries_error says ' +
        'why: check the API token and that the function can reach the Prolific API.',
    ),
  ];
}

/** A metric the function emits without the workspace dimension, summed over 5 minutes. */
function serviceWideSum(source: FunctionMetricsSource, metricName: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: source.metricsNamespace,
    metricName,
    dimensionsMap: { [SERVICE_DIMENSION]: source.serviceName },
    statistic: cloudwatch.Stats.SUM,
    period: ALARM_PERIOD,
  });
}

/** How long without rotation is too long, and where the function's metrics are. */
export interface StalenessAlarmOptions extends FunctionMetricsSource {
  readonly threshold: Duration;
}

/**
 * One alarm for every workspace, however many: it watches the oldest secret of all (the service-wide copy of
 * SecondsSinceLastRotation, which the function emits beside each workspace's), and fires when it has gone
 * unrotated too long, or when the heartbeat stopped reporting altogether.
 */
export function createStalenessAlarm(scope: Construct, topic: sns.ITopic, options: StalenessAlarmOptions): cloudwatch.Alarm {
  const { threshold } = options;
  return createAlarm(scope, topic, 'StalenessAlarm', {
    metric: new cloudwatch.Metric({
      namespace: options.metricsNamespace,
      metricName: METRIC_NAMES.secondsSinceLastRotation,
      dimensionsMap: { [SERVICE_DIMENSION]: options.serviceName },
      statistic: cloudwatch.Stats.MAXIMUM,
      period: STALENESS_PERIOD,
    }),
    threshold: threshold.toSeconds(),
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: STALENESS_EVALUATION_PERIODS,
    treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    description:
      `A workspace's secret has not been rotated for more than ${threshold.toHumanString()}, or the daily heartbeat ` +
      'stopped reporting. The dashboard graphs the oldest secrets by workspace; the heartbeat\'s log lines give ' +
      'each last_rotated_at. Run {"action":"rotate","workspaceId":"<workspace id>"} for an old one, or find out ' +
      'why the heartbeat stopped (the function errors and dead-letter queue alarms).',
  });
}

function messagesWaitingIn(queue: sqs.IQueue): cloudwatch.Metric {
  return queue.metricApproximateNumberOfMessagesVisible({ period: ALARM_PERIOD, statistic: cloudwatch.Stats.MAXIMUM });
}

/**
 * An alarm that notifies `topic` when it fires and when it is OK again, named after the stack and the construct
 * (`<stack>-<construct path>-FunctionErrors`), its description ending with its runbook entry. By default it fires
 * on one datapoint of 1 or more, and missing data is fine.
 */
function createAlarm(
  scope: Construct,
  topic: sns.ITopic,
  id: AlarmId,
  options: {
    metric: cloudwatch.IMetric;
    description: string;
    threshold?: number;
    comparisonOperator?: cloudwatch.ComparisonOperator;
    evaluationPeriods?: number;
    treatMissingData?: cloudwatch.TreatMissingData;
  },
): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, {
    alarmName: onCallName(scope, id.replace(/Alarm$/, ''), '-'),
    metric: options.metric,
    alarmDescription: `${options.description} Runbook: docs/operations.md, section "Alarms", row "${RUNBOOK_ROWS[id]}".`,
    threshold: options.threshold ?? 1,
    comparisonOperator: options.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: options.evaluationPeriods ?? 1,
    datapointsToAlarm: options.evaluationPeriods ?? 1,
    treatMissingData: options.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  // The all-clear goes where the alarm went, so that whoever was paged hears that it is over.
  alarm.addAlarmAction(new SnsAction(topic));
  alarm.addOkAction(new SnsAction(topic));
  return alarm;
}
