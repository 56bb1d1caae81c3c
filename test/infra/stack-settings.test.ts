import { App, Duration } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { scheduleInterval } from '../../infra/schedule-interval.js';
import { readStackSettings } from '../../infra/stack-settings.js';

const TOKEN_ARN = 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:prolific/api-token-AbC123';

function settingsFrom(context: Record<string, unknown>) {
  return readStackSettings(new App({ context }).node);
}

describe('readStackSettings', () => {
  it('defaults to a 30-day rate in UTC, enabled, with a created token secret and no e-mail', () => {
    const settings = settingsFrom({ workspaces: 'ws-a' });

    expect(settings).toEqual({
      workspaces: [{ workspaceId: 'ws-a' }],
      schedule: 'rate(30 days)',
      timeZone: 'Etc/UTC',
      scheduleEnabled: true,
      stalenessThresholdDays: undefined,
      tokenSecret: undefined,
      alarmEmail: undefined,
    });
  });

  it('reads command-line strings (-c key=value)', () => {
    const settings = settingsFrom({
      workspaces: ' ws-a, ws-b=prolific/webhook ,ws-c=' + TOKEN_ARN.replace('api-token', 'webhook-c'),
      schedule: 'cron(0 3 1 * ? *)',
      timeZone: 'Europe/London',
      scheduleEnabled: 'false',
      stalenessThresholdDays: '45',
      tokenSecret: TOKEN_ARN,
      alarmEmail: 'ops@example.com',
    });

    expect(settings).toEqual({
      workspaces: [
        { workspaceId: 'ws-a' },
        { workspaceId: 'ws-b', existingSecret: 'prolific/webhook' },
        { workspaceId: 'ws-c', existingSecret: TOKEN_ARN.replace('api-token', 'webhook-c') },
      ],
      schedule: 'cron(0 3 1 * ? *)',
      timeZone: 'Europe/London',
      scheduleEnabled: false,
      stalenessThresholdDays: 45,
      tokenSecret: TOKEN_ARN,
      alarmEmail: 'ops@example.com',
    });
  });

  it('reads cdk.json values (arrays, booleans, numbers)', () => {
    const settings = settingsFrom({ workspaces: ['ws-a', 'ws-b'], scheduleEnabled: true, stalenessThresholdDays: 10 });

    expect(settings.workspaces).toEqual([{ workspaceId: 'ws-a' }, { workspaceId: 'ws-b' }]);
    expect(settings.scheduleEnabled).toBe(true);
    expect(settings.stalenessThresholdDays).toBe(10);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['no workspaces', { workspaces: undefined }, /Context key "workspaces" is required: a comma-separated list/],
    ['an empty workspace list', { workspaces: ' , ' }, /Context key "workspaces" is required/],
    ['a workspace list of numbers', { workspaces: [1, 2] }, /Context key "workspaces" is required/],
    ['a malformed workspace id', { workspaces: 'ws a' }, /Context key "workspaces": "ws a" is not a Prolific workspace id/],
    [
      'an existing secret given by partial ARN',
      { workspaces: 'ws-a=arn:aws:secretsmanager:eu-west-2:123456789012:secret:prolific' },
      /Context key "workspaces \(ws-a\)" must be a secret name or a complete secret ARN/,
    ],
    ['an empty schedule', { schedule: '' }, /Context key "schedule" must be a non-empty string/],
    [
      'a cron schedule without a staleness threshold',
      { schedule: 'cron(0 3 1 * ? *)' },
      /Context key "stalenessThresholdDays" is required when "schedule" is a cron/,
    ],
    ['an unknown time zone', { timeZone: 'Mars/Olympus' }, /Context key "timeZone" must be an IANA time zone/],
    ['a non-boolean scheduleEnabled', { scheduleEnabled: 'yes' }, /Context key "scheduleEnabled" must be true or false/],
    ['a zero staleness threshold', { stalenessThresholdDays: '0' }, /Context key "stalenessThresholdDays" must be a positive number/],
    ['a non-numeric staleness threshold', { stalenessThresholdDays: 'soon' }, /must be a positive number/],
    ['a token secret with spaces', { tokenSecret: 'my token' }, /Context key "tokenSecret" must be a secret name or a complete secret ARN/],
    ['a numeric alarm e-mail', { alarmEmail: 42 }, /Context key "alarmEmail" must be a non-empty string/],
  ])('rejects %s, naming the key', (_case, context, message) => {
    expect(() => settingsFrom({ workspaces: 'ws-a', ...context })).toThrow(message);
  });
});

describe('scheduleInterval', () => {
  it.each<[string, Duration]>([
    ['rate(1 day)', Duration.days(1)],
    ['rate(30 days)', Duration.days(30)],
    ['rate(12 hours)', Duration.hours(12)],
    ['rate(1 minute)', Duration.minutes(1)],
  ])('reads %s', (expression, interval) => {
    expect(scheduleInterval(expression, 'schedule')?.toSeconds()).toBe(interval.toSeconds());
  });

  it('has no single interval for a cron expression', () => {
    expect(scheduleInterval('cron(0 3 1 * ? *)', 'schedule')).toBeUndefined();
  });

  it.each(['rate(0 days)', 'rate(2 day)', 'rate(1 weeks)', 'at(2030-01-01T00:00:00)', 'cron(0 3 1 * ?)', 'every month'])(
    'rejects %s, naming the prop',
    (expression) => {
      expect(() => scheduleInterval(expression, 'schedule')).toThrow(/^schedule must /);
    },
  );
});
