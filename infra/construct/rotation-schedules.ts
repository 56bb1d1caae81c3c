import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { HEARTBEAT_EVENT, SCHEDULED_ROTATION_EVENT } from '../../lambda/contract/invocation-events.js';
import { createDeadLetterQueue } from './dead-letter-queue.js';
import { batchEvent } from './invocation-batches.js';

// The heartbeat runs daily, whatever the rotation interval: it stores Prolific's active secret over one changed
// outside the schedule, and emits SecondsSinceLastRotation and each workspace's delivery health.
const HEARTBEAT_EXPRESSION = scheduler.ScheduleExpression.rate(Duration.days(1));
const SCHEDULE_RETRY_ATTEMPTS = 3;
const SCHEDULE_MAX_EVENT_AGE = Duration.hours(1);

/** Where the schedules deliver: the function, their group, the role they invoke with, the queue for what fails. */
export interface ScheduleDelivery {
  readonly function: lambda.IFunction;
  readonly scheduleGroup: scheduler.ScheduleGroup;
  readonly role: iam.IRole;
  readonly deadLetterQueue: sqs.Queue;
}

/** The schedule group, scheduler role and dead-letter queue that the schedules invoking `fn` share. */
export function createScheduleDelivery(scope: Construct, fn: lambda.IFunction): ScheduleDelivery {
  // A group of its own: it holds only these schedules, and its metrics are theirs alone.
  const scheduleGroup = new scheduler.ScheduleGroup(scope, 'ScheduleGroup', {
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const deadLetterQueue = createDeadLetterQueue(
    scope,
    'ScheduleDeadLetterQueue',
    'EventBridge Scheduler dead-letter queue: it receives the events the scheduler could not deliver.',
  );
  const role = createSchedulerRole(scope, scheduleGroup, fn);
  return { function: fn, scheduleGroup, role, deadLetterQueue };
}

/**
 * The schedules that rotate the workspaces: one per batch (`batches`, in order), all at the same times. The
 * runs queue in Lambda's asynchronous queue and go one at a time.
 */
export function createRotationSchedules(
  scope: Construct,
  delivery: ScheduleDelivery,
  options: { expression: scheduler.ScheduleExpression; enabled: boolean; batches: readonly (readonly string[])[] },
): scheduler.Schedule[] {
  return createBatchSchedules(scope, 'RotationSchedule', delivery, options.batches, {
    expression: options.expression,
    enabled: options.enabled,
    event: SCHEDULED_ROTATION_EVENT,
    description: 'Rotates the Prolific webhook signing secrets',
  });
}

/**
 * The daily sync runs, one per batch: they repair drift (a secret changed outside the schedule) within a day,
 * without a POST to Prolific, and report each workspace's age, which the staleness alarm watches, and delivery health.
 * `expression` is daily: `rate(1 day)` unless a fixed time of day is needed (Secrets Manager's own rotation).
 */
export function createHeartbeatSchedules(
  scope: Construct,
  delivery: ScheduleDelivery,
  batches: readonly (readonly string[])[],
  expression: scheduler.ScheduleExpression = HEARTBEAT_EXPRESSION,
): scheduler.Schedule[] {
  return createBatchSchedules(scope, 'HeartbeatSchedule', delivery, batches, {
    expression,
    enabled: true,
    event: HEARTBEAT_EVENT,
    description:
      'Daily sync run: stores the secret Prolific signs with if it changed outside the schedule, and reports ' +
      "each secret's age and each workspace's delivery health",
  });
}

/**
 * One schedule per batch. The first keeps the id (and, with a single batch, the event and description) a
 * deployment without batches has, so growing into batches replaces nothing.
 */
function createBatchSchedules(
  scope: Construct,
  id: string,
  delivery: ScheduleDelivery,
  batches: readonly (readonly string[])[],
  options: { expression: scheduler.ScheduleExpression; enabled: boolean; event: object; description: string },
): scheduler.Schedule[] {
  let first = 1;
  return batches.map((batch, index) => {
    const range = `workspaces ${first} to ${first + batch.length - 1} of ${batches.flat().length}`;
    first += batch.length;
    return createSchedule(scope, index === 0 ? id : `${id}${index + 1}`, delivery, {
      expression: options.expression,
      enabled: options.enabled,
      input: batchEvent(options.event, batch, batches.length),
      description: batches.length === 1 ? `${options.description}.` : `${options.description}: ${range}.`,
    });
  });
}

function createSchedule(
  scope: Construct,
  id: string,
  delivery: ScheduleDelivery,
  options: { expression: scheduler.ScheduleExpression; enabled: boolean; input: object; description: string },
): scheduler.Schedule {
  return new scheduler.Schedule(scope, id, {
    schedule: options.expression,
    enabled: options.enabled,
    description: options.description,
    scheduleGroup: delivery.scheduleGroup,
    target: new LambdaInvoke(delivery.function, {
      role: delivery.role,
      input: scheduler.ScheduleTargetInput.fromObject(options.input),
      // The scheduler retries only when Lambda did not accept the event, so no run is repeated.
      retryAttempts: SCHEDULE_RETRY_ATTEMPTS,
      maxEventAge: SCHEDULE_MAX_EVENT_AGE,
      deadLetterQueue: delivery.deadLetterQueue,
    }),
  });
}

function createSchedulerRole(
  scope: Construct,
  scheduleGroup: scheduler.IScheduleGroup,
  fn: lambda.IFunction,
): iam.Role {
  const stack = Stack.of(scope);
  const role = new iam.Role(scope, 'SchedulerRole', {
    description: 'EventBridge Scheduler: invoke the rotation function, send undeliverable events to its queue.',
    // Only schedules of this group in this account may use the role (no confused deputy).
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account, 'aws:SourceArn': scheduleGroup.scheduleGroupArn },
      },
    }),
  });
  const functionLogicalId = stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction);
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${functionLogicalId}.Arn>:*]`,
    reason:
      'The wildcard is the version/alias suffix that grantInvoke adds for this one rotation function; ' +
      'the role can invoke no other function.',
  });
  return role;
}
