import { Duration } from 'aws-cdk-lib';

// EventBridge Scheduler's recurring forms. `rate(1 day)` takes the singular unit, `rate(2 days)` the plural.
const RATE_EXPRESSION = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON_EXPRESSION = /^cron\((\S+(?: \S+){5})\)$/;
// A rotation replaces the secret every receiver verifies with; more often than hourly is a mistake.
const SHORTEST_INTERVAL = Duration.hours(1);

const UNIT_TO_DURATION: Record<string, (amount: number) => Duration> = {
  minute: Duration.minutes,
  hour: Duration.hours,
  day: Duration.days,
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
    checkCronFields((cron[1] as string).split(' '), expression, propName);
    return undefined;
  }
  const rate = RATE_EXPRESSION.exec(expression);
  if (!rate) {
    throw new Error(
      `${propName} must be a recurring EventBridge Scheduler expression, rate(<n> <unit>) or ` +
        `cron(<6 fields>), got "${expression}"`,
    );
  }
  const amount = Number(rate[1]);
  const unit = rate[2] as string;
  const singular = unit.replace(/s$/, '');
  if (amount < 1 || (amount === 1) !== (unit === singular)) {
    throw new Error(
      `${propName} must use a positive amount with a singular unit for 1 and a plural unit otherwise ` +
        `(rate(1 day), rate(30 days)), got "${expression}"`,
    );
  }
  const interval = (UNIT_TO_DURATION[singular] as (amount: number) => Duration)(amount);
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
