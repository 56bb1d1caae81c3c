import { Duration } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { checkStalenessThreshold, scheduleInterval } from '../../../infra/construct/schedule-interval.js';

describe('scheduleInterval', () => {
  it.each<[string, Duration]>([
    ['rate(1 day)', Duration.days(1)],
    ['rate(30 days)', Duration.days(30)],
    ['rate(12 hours)', Duration.hours(12)],
    ['rate(60 minutes)', Duration.minutes(60)],
  ])('reads %s', (expression, interval) => {
    expect(scheduleInterval(expression, 'schedule')?.toSeconds()).toBe(interval.toSeconds());
  });

  it('has no single interval for a cron expression', () => {
    expect(scheduleInterval('cron(0 3 1 * ? *)', 'schedule')).toBeUndefined();
  });

  it.each([
    'rate(0 days)',
    'rate(2 day)',
    'rate(1 weeks)',
    'rate(1 minute)',
    'at(2030-01-01T00:00:00)',
    'cron(0 3 1 * ?)',
    'cron(0 3 ? * ? *)',
    'cron(* 3 1 * ? *)',
    'every month',
  ])(
    'rejects %s, naming the prop',
    (expression) => {
      expect(() => scheduleInterval(expression, 'schedule')).toThrow(/^schedule must /);
    },
  );
});

describe('scheduleInterval at the edges', () => {
  it('accepts hourly, the most often a rotation may run, and refuses anything more often', () => {
    expect(scheduleInterval('rate(1 hour)', 'schedule')?.toSeconds()).toBe(3600);
    expect(() => scheduleInterval('rate(59 minutes)', 'schedule')).toThrow(/^schedule must not run more often than once an hour, got "rate\(59 minutes\)"$/);
  });

  it('accepts a cron expression with "?" for the day of the month and a day of the week', () => {
    expect(scheduleInterval('cron(30 3 ? * MON *)', 'schedule')).toBeUndefined();
  });

  it('refuses a minutes field that is not a single minute from 0 to 59', () => {
    expect(() => scheduleInterval('cron(60 3 1 * ? *)', 'schedule')).toThrow(/give a single minute \(0-59\)/);
    expect(() => scheduleInterval('cron(0,30 3 1 * ? *)', 'schedule')).toThrow(/give a single minute \(0-59\)/);
  });

  it('names the setting it was given in every message, so each caller words its own context', () => {
    expect(() => scheduleInterval('every month', 'Context key "schedule"')).toThrow(
      /^Context key "schedule" must be a recurring EventBridge Scheduler expression, rate\(<n> <unit>\) or cron\(<6 fields>\), got "every month"$/,
    );
  });
});

describe('checkStalenessThreshold', () => {
  const names = { threshold: 'stalenessThreshold', schedule: 'schedule' };

  it('refuses a threshold shorter than the rate interval, naming both and what to give instead', () => {
    expect(() => {
      checkStalenessThreshold(Duration.days(7), Duration.days(30), names);
    }).toThrow(
      /^stalenessThreshold \(7 days\) is shorter than the rotation interval of schedule \(30 days\): the staleness alarm would fire before every rotation\. Give at least 30 days, or leave it out for twice the interval\.$/,
    );
  });

  it('accepts a threshold of the interval or more', () => {
    expect(() => {
      checkStalenessThreshold(Duration.days(30), Duration.days(30), names);
    }).not.toThrow();
    expect(() => {
      checkStalenessThreshold(Duration.days(45), Duration.days(30), names);
    }).not.toThrow();
  });

  it('holds a cron schedule, which has no single interval, to nothing', () => {
    expect(() => {
      checkStalenessThreshold(Duration.hours(1), undefined, names);
    }).not.toThrow();
  });
});
