import { Duration } from 'aws-cdk-lib';

// EventBridge Scheduler's recurring forms. `rate(1 day)` takes the singular unit, `rate(2 days)` the plural.
const RATE_EXPRESSION = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON_EXPRESSION = /^cron\((\S+(?: \S+){5})\)$/;
// A rotation replaces the secret every receiver verifies with; more often than hourly is a mistake.
const SHORTEST_INTERVAL = Duration.hours(1);

const UNIT_TO_DURATION = {
  minute: (amount: number) => Duration.minutes(amount),
  hour: (amount: number) => Duration.hours(amount),
  day: (amount: number) => Duration.days(amount),
};

/**
 * The interval between two runs of a recurring schedule expression: a `Duration` for `rate(...)`,
 * `undefined` for `cron(...)` (a cron expression has no single interval).
 * Throws, naming `propName`, for anything else (including one-time `at(...)` schedules), for a schedule
 * that runs more often than once an hour, and for a cron expression EventBridge would refuse.
 */
export function scheduleInterval(expression: string, propName: string): Duration | undefined {
  const cron = CRON_EXPRESSION.exec(expression);
  if (cron) {
    const [, fields = ''] = cron;
    checkCronFields(fields.split(' '), expression, propName);
    return undefined;
  }
  const rate = RATE_EXPRESSION.exec(expression);
  if (!rate) {
    throw new Error(
      `${propName} must be a recurring EventBridge Scheduler expression, rate(<n> <unit>) or ` +
        `cron(<6 fields>), got "${expression}"`,
    );
  }
  const [, digits, unit = ''] = rate;
  const amount = Number(digits);
  // The expression matched, so the unit is one of UNIT_TO_DURATION's, in the singular or the plural.
  const singular = unit.replace(/s$/, '') as keyof typeof UNIT_TO_DURATION;
  if (amount < 1 || (amount === 1) !== (unit === singular)) {
    throw new Error(
      `${propName} must use a positive amount with a singular unit for 1 and a plural unit otherwise ` +
        `(rate(1 day), rate(30 days)), got "${expression}"`,
    );
  }
  const interval = UNIT_TO_DURATION[singular](amount);
  if (interval.toSeconds() < SHORTEST_INTERVAL.toSeconds()) {
    throw new Error(`${propName} must not run more often than once an hour, got "${expression}"`);
  }
  return interval;
}

/**
 * EventBridge's cron rules that matter here: minutes, hours, day-of-month, month, day-of-week, year, where
 * exactly one of day-of-month and day-of-week is `?`; and a single minute, so it runs at most hourly.
 */
function checkCronFields(fields: string[], expression: string, propName: string): void {
  const [minutes, , dayOfMonth, , dayOfWeek] = fields;
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    throw new Error(
      `${propName} must have "?" in exactly one of day-of-month and day-of-week (EventBridge's rule), ` +
        `e.g. cron(0 3 1 * ? *) or cron(0 3 ? * MON *), got "${expression}"`,
    );
  }
  if (!/^\d{1,2}$/.test(minutes ?? '') || Number(minutes) > 59) {
    throw new Error(`${propName} must not run more often than once an hour: give a single minute (0-59), got "${expression}"`);
  }
}

/** What the threshold and the schedule are called where they were given: props, or context keys. */
export interface StalenessSettingNames {
  readonly threshold: string;
  readonly schedule: string;
}

/**
 * Refuses a staleness threshold shorter than the interval of a `rate(...)` schedule: the staleness alarm would
 * fire before every rotation. A `cron(...)` schedule (no `interval`) has no single interval to hold it to.
 */
export function checkStalenessThreshold(threshold: Duration, interval: Duration | undefined, names: StalenessSettingNames): void {
  if (interval === undefined || threshold.toSeconds() >= interval.toSeconds()) return;
  throw new Error(
    `${names.threshold} (${threshold.toHumanString()}) is shorter than the rotation interval of ${names.schedule} ` +
      `(${interval.toHumanString()}): the staleness alarm would fire before every rotation. Give at least ` +
      `${interval.toHumanString()}, or leave it out for twice the interval.`,
  );
}
