import { App, Duration } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { scheduleInterval } from '../../../infra/construct/schedule-interval.js';
import { readStackSettings } from '../../../infra/app/stack-settings.js';

const TOKEN_ARN = 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:prolific/api-token-AbC123';
const KEY_ARN = 'arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function settingsFrom(context: Record<string, unknown>) {
  return readStackSettings(new App({ context }).node);
}

describe('readStackSettings', () => {
  it('defaults to a 30-day rate in UTC, enabled, with a created token secret, no e-mail and no example receiver', () => {
    const settings = settingsFrom({ workspaces: 'ws-a' });

    expect(settings).toEqual({
      workspaces: [{ workspaceId: 'ws-a' }],
      schedule: 'rate(30 days)',
      timeZone: 'Etc/UTC',
      scheduleEnabled: true,
      stalenessThresholdDays: undefined,
      tokenSecret: undefined,
      tokenSecretKeyArn: undefined,
      alarmEmail: undefined,
      exampleReceiver: false,
      concurrency: undefined,
      testEvents: false,
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
      exampleReceiver: 'true',
      concurrency: '25',
      testEvents: 'true',
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
      tokenSecretKeyArn: undefined,
      alarmEmail: 'ops@example.com',
      exampleReceiver: true,
      concurrency: 25,
      testEvents: true,
    });
  });

  it('item 13: reads the KMS key of adopted secrets and of the token secret', () => {
    const settings = settingsFrom({
      workspaces: `ws-a=prolific/webhook-a,ws-b`,
      secretKeys: `ws-a=${KEY_ARN}`,
      tokenSecret: TOKEN_ARN,
      tokenSecretKey: KEY_ARN.replace('1234', '9876'),
    });

    expect(settings.workspaces).toEqual([
      { workspaceId: 'ws-a', existingSecret: 'prolific/webhook-a', encryptionKeyArn: KEY_ARN },
      { workspaceId: 'ws-b' },
    ]);
    expect(settings.tokenSecretKeyArn).toBe(KEY_ARN.replace('1234', '9876'));
  });

  it('item 14: reads a per-workspace secret format', () => {
    const settings = settingsFrom({ workspaces: 'ws-a=prolific/bare,ws-b', secretFormats: 'ws-a=plain' });

    expect(settings.workspaces).toEqual([{ workspaceId: 'ws-a', existingSecret: 'prolific/bare', format: 'plain' }, { workspaceId: 'ws-b' }]);
  });

  it('reads cdk.json values (arrays, booleans, numbers)', () => {
    const settings = settingsFrom({
      workspaces: ['ws-a', 'ws-b'],
      scheduleEnabled: true,
      stalenessThresholdDays: 10,
      exampleReceiver: false,
      concurrency: 50,
      testEvents: false,
    });

    expect(settings.workspaces).toEqual([{ workspaceId: 'ws-a' }, { workspaceId: 'ws-b' }]);
    expect(settings.scheduleEnabled).toBe(true);
    expect(settings.exampleReceiver).toBe(false);
    expect(settings.stalenessThresholdDays).toBe(10);
    expect(settings.concurrency).toBe(50);
    expect(settings.testEvents).toBe(false);
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
    ['a non-boolean exampleReceiver', { exampleReceiver: 'on' }, /Context key "exampleReceiver" must be true or false, got "on"/],
    ['a non-boolean testEvents', { testEvents: 'yes' }, /Context key "testEvents" must be true or false, got "yes"/],
    ['a zero concurrency', { concurrency: '0' }, /Context key "concurrency" must be a positive number, got "0"/],
    ['a concurrency above 50', { concurrency: '51' }, /Context key "concurrency" must be a whole number from 1 to 50, got "51"/],
    ['a fractional concurrency', { concurrency: 2.5 }, /Context key "concurrency" must be a whole number from 1 to 50, got 2.5/],
    ['a zero staleness threshold', { stalenessThresholdDays: '0' }, /Context key "stalenessThresholdDays" must be a positive number/],
    ['a non-numeric staleness threshold', { stalenessThresholdDays: 'soon' }, /must be a positive number/],
    ['a token secret with spaces', { tokenSecret: 'my token' }, /Context key "tokenSecret" must be a secret name or a complete secret ARN/],
    ['a numeric alarm e-mail', { alarmEmail: 42 }, /Context key "alarmEmail" must be a non-empty string/],
    ['item 15: a workspace listed twice', { workspaces: 'ws-a,ws-b,ws-a' }, /Context key "workspaces" lists workspace "ws-a" twice/],
    ['item 15: a schedule that is no expression', { schedule: 'every30days' }, /Context key "schedule" must be a recurring EventBridge Scheduler expression/],
    ['item 15: a plural unit for one', { schedule: 'rate(1 days)' }, /Context key "schedule" must use a positive amount with a singular unit for 1/],
    ['item 15: a schedule more often than hourly', { schedule: 'rate(30 minutes)' }, /Context key "schedule" must not run more often than once an hour/],
    ['item 15: a cron schedule every five minutes', { schedule: 'cron(0/5 * * * ? *)', stalenessThresholdDays: 1 }, /must not run more often than once an hour/],
    ['item 15: a cron schedule without "?"', { schedule: 'cron(0 3 1 * MON *)', stalenessThresholdDays: 40 }, /must have "\?" in exactly one of day-of-month and day-of-week/],
    ['item 15: an unknown context key (a typo)', { shedule: 'rate(7 days)' }, /Context key "shedule" is not one this app reads \(a typo\?\); its keys are workspaces, schedule,/],
    ['item 13: a key that is not a KMS key ARN', { secretKeys: 'ws-a=alias/my-key' }, /Context key "secretKeys \(ws-a\)" must be the ARN of a KMS key/],
    ['item 13: a key for a workspace not listed', { secretKeys: `ws-z=${KEY_ARN}` }, /Context key "secretKeys" names workspace "ws-z", which is not in "workspaces"/],
    ['item 13: a token key without an adopted token secret', { tokenSecretKey: KEY_ARN }, /Context key "tokenSecretKey" is for an adopted token secret/],
    ['item 14: an unknown format', { secretFormats: 'ws-a=yaml' }, /Context key "secretFormats \(ws-a\)" must be one of json, plain/],
    [
      'item 1: a workspace secret that is the token secret, by ARN and by name',
      { workspaces: 'ws-a=arn:aws:secretsmanager:eu-west-2:123456789012:secret:prolific/x-AbC123', tokenSecret: 'prolific/x' },
      /Context keys "workspaces" \(ws-a\) and "tokenSecret" name the same secret "prolific\/x"/,
    ],
    [
      'item 1: two workspaces with one secret, by name and by ARN',
      { workspaces: 'ws-a=prolific/x,ws-b=arn:aws:secretsmanager:eu-west-2:123456789012:secret:prolific/x-AbC123' },
      /Context keys "workspaces" \(ws-a\) and "workspaces" \(ws-b\) name the same secret/,
    ],
  ])('rejects %s, naming the key', (_case, context, message) => {
    expect(() => settingsFrom({ workspaces: 'ws-a', ...context })).toThrow(message);
  });
});

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

  it.each(['rate(0 days)', 'rate(2 day)', 'rate(1 weeks)', 'rate(1 minute)', 'at(2030-01-01T00:00:00)', 'cron(0 3 1 * ?)', 'cron(0 3 ? * ? *)', 'cron(* 3 1 * ? *)', 'every month'])(
    'rejects %s, naming the prop',
    (expression) => {
      expect(() => scheduleInterval(expression, 'schedule')).toThrow(/^schedule must /);
    },
  );
});
