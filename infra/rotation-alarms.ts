import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { HEARTBEAT_EVENT, METRIC_NAMES, SERVICE_DIMENSION, WORKSPACE_DIMENSION } from '../lambda/contract.js';

const ALARM_PERIOD = Duration.minutes(5);
// Each staleness alarm looks at the daily maximum; two days in a row must breach (or be missing),
// so a heartbeat that is merely late within its day does not page anyone.
const STALENESS_PERIOD = Duration.days(1);
const STALENESS_EVALUATION_PERIODS = 2;

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
      description:
        'The rotation function failed. Read its log group for the run, then invoke ' +
        `${JSON.stringify(HEARTBEAT_EVENT)}.`,
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

/** The workspaces to watch, how long without rotation is too long, and where the function's metrics are. */
export interface StalenessAlarmOptions {
  readonly workspaceIds: Iterable<string>;
  readonly threshold: Duration;
  readonly metricsNamespace: string;
  readonly serviceName: string;
}

/** One alarm a workspace: it fires when the workspace has gone unrotated too long, or stopped being reported. */
export function createStalenessAlarms(
  scope: Construct,
  topic: sns.ITopic,
  options: StalenessAlarmOptions,
): cloudwatch.Alarm[] {
  const { threshold } = options;
  return [...options.workspaceIds].map((workspaceId) =>
    createAlarm(scope, topic, `StalenessAlarm-${workspaceId}`, {
      metric: new cloudwatch.Metric({
        namespace: options.metricsNamespace,
        metricName: METRIC_NAMES.secondsSinceLastRotation,
        dimensionsMap: { [SERVICE_DIMENSION]: options.serviceName, [WORKSPACE_DIMENSION]: workspaceId },
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
    }),
  );
}

function messagesWaitingIn(queue: sqs.IQueue): cloudwatch.Metric {
  return queue.metricApproximateNumberOfMessagesVisible({ period: ALARM_PERIOD, statistic: cloudwatch.Stats.MAXIMUM });
}

/** An alarm that notifies `topic`; by default it fires on one datapoint of 1 or more, and missing data is fine. */
function createAlarm(
  scope: Construct,
  topic: sns.ITopic,
  id: string,
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
    metric: options.metric,
    alarmDescription: options.description,
    threshold: options.threshold ?? 1,
    comparisonOperator: options.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: options.evaluationPeriods ?? 1,
    datapointsToAlarm: options.evaluationPeriods ?? 1,
    treatMissingData: options.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new SnsAction(topic));
  return alarm;
}
