import { Duration } from 'aws-cdk-lib';

// EventBridge Scheduler's recurring forms. `rate(1 day)` takes the singular unit, `rate(2 days)` the plural.
const RATE_EXPRESSION = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON_EXPRESSION = /^cron\(\S+( \S+){5}\)$/;

const UNIT_TO_DURATION: Record<string, (amount: number) => Duration> = {
  minute: Duration.minutes,
  hour: Duration.hours,
  day: Duration.days,
};

/**
 * The interval between two runs of a recurring schedule expression: a `Duration` for `rate(...)`,
 * `undefined` for `cron(...)` (a cron expression has no single interval).
 * Throws, naming `propName`, for anything else (including one-time `at(...)` schedules).
 */
export function scheduleInterval(expression: string, propName: string): Duration | undefined {
  if (CRON_EXPRESSION.test(expression)) {
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
  return (UNIT_TO_DURATION[singular] as (amount: number) => Duration)(amount);
}
