// Secrets Manager's own rotation (`rotation: 'secrets-manager'`): each target secret gets an
// AWS::SecretsManager::RotationSchedule that calls the rotation function with the four native steps, so
// "Rotate secret immediately", LastRotatedDate and NextRotationDate, and Security Hub's rotation controls all
// work. The function runs one invocation at a time (reserved concurrency 1: every step, and every run, is
// atomic towards the others), and Secrets Manager invokes it synchronously, where a throttled call fails the
// rotation. So no two secrets share a rotation window, and the windows leave out the hours of the daily
// heartbeat: the plan below gives each secret a window of its own.
import { Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { NATIVE_STEPS } from '../../lambda/contract/report.js';
import { TARGET_TIME_BUDGET_MS } from '../../lambda/contract/time-budgets.js';
import { THROTTLED_RETRY_INTERVAL } from './invocation-batches.js';

/** Who starts a rotation: the construct's EventBridge Scheduler runs, or Secrets Manager's own rotation. */
export const ROTATION_MODES = ['scheduler', 'secrets-manager'] as const;
export type RotationMode = (typeof ROTATION_MODES)[number];

/** The rotation window unless configured: one hour, Secrets Manager's shortest, fits the most secrets in a day. */
export const DEFAULT_ROTATION_WINDOW = Duration.hours(1);

/**
 * The longest one native rotation takes: its four steps, each a target's whole time budget (every Prolific
 * call at its full budget, retries included). Secrets Manager runs the steps one after another.
 */
export const NATIVE_ROTATION_WORST_CASE = Duration.millis(NATIVE_STEPS.length * TARGET_TIME_BUDGET_MS);

const HOURS_A_DAY = 24;
// Days every month has: a secret's day of the month exists in every month.
const DAYS_EVERY_MONTH = 28;
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** How often each secret rotates, as the cron of Secrets Manager (UTC) can say it. */
export type RotationCycle =
  | { readonly kind: 'daily' }
  | { readonly kind: 'weekly' }
  | { readonly kind: 'monthly'; readonly months: number };

/** One secret's rotation: its UTC cron expression and the window it has to itself. */
export interface RotationSlot {
  readonly workspaceId: string;
  readonly expression: string;
  /** The day of the cycle (0 for daily; 0-6 from Sunday for weekly; 0-27 for the 1st to the 28th for monthly). */
  readonly day: number;
  /** The UTC hour the window opens. */
  readonly hour: number;
}

/** Every secret's slot, and what they were planned from. */
export interface NativeRotationPlan {
  readonly cycle: RotationCycle;
  readonly windowHours: number;
  /** The UTC hours from midnight kept for the daily heartbeat, which starts at 00:00. */
  readonly heartbeatHours: number;
  readonly slots: readonly RotationSlot[];
}

/**
 * The cycle that rotates at least as often as `rate(<n> days)` asks: daily below a week, weekly below 28 days,
 * else every nearest whole number of months (at most 12): months differ in length, so a 30-day interval is
 * "monthly" (28 to 31 days).
 */
export function rotationCycle(intervalDays: number): RotationCycle {
  if (intervalDays < 7) return { kind: 'daily' };
  if (intervalDays < DAYS_EVERY_MONTH) return { kind: 'weekly' };
  return { kind: 'monthly', months: Math.min(12, Math.max(1, Math.round(intervalDays / 30))) };
}

/** How long the daily heartbeat may hold the function: its invocations queued one after another, with Lambda's retry gaps. */
export function heartbeatSpan(invocations: number, timeout: Duration): Duration {
  return Duration.seconds(invocations * (timeout.toSeconds() + THROTTLED_RETRY_INTERVAL.toSeconds()));
}

/**
 * One window per secret, none overlapping another or the heartbeat's hours: the secrets spread over the days of
 * the cycle first, then over the hours of each day. Throws when there are more secrets than windows.
 */
export function planNativeRotation(
  workspaceIds: readonly string[],
  options: { intervalDays: number; window: Duration; heartbeat: Duration },
): NativeRotationPlan {
  const windowHours = checkedWindowHours(options.window);
  const heartbeatHours = Math.max(1, Math.ceil(options.heartbeat.toSeconds() / 3600));
  const cycle = rotationCycle(options.intervalDays);
  const days = cycle.kind === 'daily' ? 1 : cycle.kind === 'weekly' ? WEEKDAYS.length : DAYS_EVERY_MONTH;
  const windowsADay = Math.floor((HOURS_A_DAY - heartbeatHours) / windowHours);
  if (workspaceIds.length > days * windowsADay) {
    throw new Error(
      `rotation 'secrets-manager' gives each secret a rotation window of its own (${windowHours} h, ${windowsADay} a day after ` +
        `the heartbeat's ${heartbeatHours} h), so a ${cycle.kind} cycle holds ${days * windowsADay} secrets, not ` +
        `${workspaceIds.length}. Use a longer schedule interval, a shorter rotationWindow, rotation 'scheduler', or split ` +
        'the workspaces across stacks',
    );
  }
  const slots = workspaceIds.map((workspaceId, index) => {
    const day = index % days;
    const hour = heartbeatHours + Math.floor(index / days) * windowHours;
    return { workspaceId, day, hour, expression: cronFor(cycle, day, hour) };
  });
  return { cycle, windowHours, heartbeatHours, slots };
}

/** The heartbeat in this mode: daily at 00:00 UTC, in the hours the plan keeps free of rotation windows. */
export const NATIVE_HEARTBEAT_EXPRESSION = scheduler.ScheduleExpression.cron({ minute: '0', hour: '0' });

/**
 * A RotationSchedule per secret calling `fn`, each in its slot, never rotating on deployment; and the one
 * permission that lets Secrets Manager, for this account alone, invoke `fn`.
 */
export function createNativeRotation(
  scope: Construct,
  fn: lambda.IFunction,
  secrets: ReadonlyMap<string, secretsmanager.ISecret>,
  plan: NativeRotationPlan,
): secretsmanager.CfnRotationSchedule[] {
  // Written out rather than RotationSchedule's grant: that one admits Secrets Manager calling for any account.
  const permission = new lambda.CfnPermission(scope, 'SecretsManagerRotationPermission', {
    action: 'lambda:InvokeFunction',
    functionName: fn.functionArn,
    principal: 'secretsmanager.amazonaws.com',
    sourceAccount: Stack.of(scope).account,
  });
  return plan.slots.map(({ workspaceId, expression }) => {
    const secret = secrets.get(workspaceId);
    if (secret?.secretFullArn === undefined) {
      throw new Error(
        `rotation 'secrets-manager': the secret of workspace "${workspaceId}" must be known by its complete ARN (import it ` +
          'with Secret.fromSecretCompleteArn): Secrets Manager names it so when it invokes the function',
      );
    }
    // The L1: the L2 RotationSchedule has no rotation window, and grants GetRandomPassword on every resource.
    const schedule = new secretsmanager.CfnRotationSchedule(scope, `SecretRotation-${workspaceId}`, {
      secretId: secret.secretFullArn,
      rotationLambdaArn: fn.functionArn,
      rotateImmediatelyOnUpdate: false,
      rotationRules: { scheduleExpression: expression, duration: `${plan.windowHours}h` },
    });
    schedule.node.addDependency(permission);
    return schedule;
  });
}

function cronFor(cycle: RotationCycle, day: number, hour: number): string {
  switch (cycle.kind) {
    case 'daily':
      return `cron(0 ${hour} * * ? *)`;
    case 'weekly':
      return `cron(0 ${hour} ? * ${WEEKDAYS[day]} *)`;
    case 'monthly': {
      const months = Array.from({ length: Math.ceil(12 / cycle.months) }, (_, index) => 1 + index * cycle.months);
      return `cron(0 ${hour} ${day + 1} ${cycle.months === 1 ? '*' : months.join(',')} ? *)`;
    }
  }
}

function checkedWindowHours(window: Duration): number {
  const hours = window.toSeconds() / 3600;
  if (!Number.isInteger(hours) || hours < 1 || hours > HOURS_A_DAY - 1) {
    throw new Error(`rotationWindow must be a whole number of hours from 1 to 23, got ${window.toHumanString()}`);
  }
  return hours;
}

/** What the rotation mode is chosen and planned from: the props, checked as far as the construct got. */
export interface RotationModeOptions {
  readonly rotation: RotationMode | undefined;
  readonly rotationWindow: Duration | undefined;
  readonly scheduleEnabled: boolean;
  readonly expression: string;
  /** The `rate(...)` schedule's interval; undefined for `cron(...)`. */
  readonly interval: Duration | undefined;
  readonly workspaceIds: readonly string[];
  /** The heartbeat's invocations and the function's timeout. */
  readonly heartbeat: { readonly invocations: number; readonly timeout: Duration };
}

/** Checks `rotation` and `rotationWindow`; the plan of each secret's window in `secrets-manager` mode, else undefined. */
export function checkedRotationMode(options: RotationModeOptions): NativeRotationPlan | undefined {
  const rotation = options.rotation ?? 'scheduler';
  if (!(ROTATION_MODES as readonly string[]).includes(rotation)) {
    throw new Error(`rotation must be one of ${ROTATION_MODES.join(', ')}, got "${rotation}"`);
  }
  if (rotation === 'scheduler') {
    if (options.rotationWindow !== undefined) throw new Error("rotationWindow is for rotation 'secrets-manager'");
    return undefined;
  }
  if (!options.scheduleEnabled) {
    throw new Error(
      "rotation 'secrets-manager' needs scheduleEnabled: a secret with Secrets Manager rotation has a schedule; " +
        "for rotation by hand alone use rotation 'scheduler' with scheduleEnabled false",
    );
  }
  const days = options.interval === undefined ? NaN : options.interval.toSeconds() / 86_400;
  if (!Number.isInteger(days)) {
    throw new Error(
      `rotation 'secrets-manager' needs a schedule of whole days, rate(<n> days), which it spreads over the secrets' own ` +
        `UTC windows; got "${options.expression}"`,
    );
  }
  return planNativeRotation(options.workspaceIds, {
    intervalDays: days,
    window: options.rotationWindow ?? DEFAULT_ROTATION_WINDOW,
    heartbeat: heartbeatSpan(options.heartbeat.invocations, options.heartbeat.timeout),
  });
}
