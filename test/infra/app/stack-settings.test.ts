import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
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

  it('reads the KMS key of adopted secrets and of the token secret', () => {
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

  it('reads a per-workspace secret format', () => {
    const settings = settingsFrom({ workspaces: 'ws-a=prolific/bare,ws-b', secretFormats: 'ws-a=plain' });

    expect(settings.workspaces).toEqual([
      { workspaceId: 'ws-a', existingSecret: 'prolific/bare', format: 'plain' },
      { workspaceId: 'ws-b' },
    ]);
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
    ['a workspace listed twice', { workspaces: 'ws-a,ws-b,ws-a' }, /Context key "workspaces" lists workspace "ws-a" twice/],
    ['ids that differ only in letter case', { workspaces: 'ws-a,WS-A' }, /"workspaces" lists "ws-a" and "WS-A", which differ only in letter case/],
    ['a schedule that is no expression', { schedule: 'every30days' }, /Context key "schedule" must be a recurring EventBridge Scheduler expression/],
    ['a plural unit for one', { schedule: 'rate(1 days)' }, /Context key "schedule" must use a positive amount with a singular unit for 1/],
    ['a schedule more often than hourly', { schedule: 'rate(30 minutes)' }, /Context key "schedule" must not run more often than once an hour/],
    ['a cron schedule every five minutes', { schedule: 'cron(0/5 * * * ? *)', stalenessThresholdDays: 1 }, /must not run more often than once an hour/],
    ['a cron schedule without "?"', { schedule: 'cron(0 3 1 * MON *)', stalenessThresholdDays: 40 }, /must have "\?" in exactly one of day-of-month and day-of-week/],
    ['an unknown context key (a typo)', { shedule: 'rate(7 days)' }, /Context key "shedule" is not one this app reads \(a typo\?\); its keys are workspaces, schedule,/],
    ['a key that is not a KMS key ARN', { secretKeys: 'ws-a=alias/my-key' }, /Context key "secretKeys \(ws-a\)" must be the ARN of a KMS key/],
    ['a key for a workspace not listed', { secretKeys: `ws-z=${KEY_ARN}` }, /Context key "secretKeys" names workspace "ws-z", which is not in "workspaces"/],
    ['a token key without an adopted token secret', { tokenSecretKey: KEY_ARN }, /Context key "tokenSecretKey" is for an adopted token secret/],
    ['an unknown format', { secretFormats: 'ws-a=yaml' }, /Context key "secretFormats \(ws-a\)" must be one of json, plain/],
    [
      'a workspace secret that is the token secret, by ARN and by name',
      { workspaces: 'ws-a=arn:aws:secretsmanager:eu-west-2:123456789012:secret:prolific/x-AbC123', tokenSecret: 'prolific/x' },
      /Context keys "workspaces" \(ws-a\) and "tokenSecret" name the same secret "prolific\/x"/,
    ],
    [
      'two workspaces with one secret, by name and by ARN',
      { workspaces: 'ws-a=prolific/x,ws-b=arn:aws:secretsmanager:eu-west-2:123456789012:secret:prolific/x-AbC123' },
      /Context keys "workspaces" \(ws-a\) and "workspaces" \(ws-b\) name the same secret/,
    ],
  ])('rejects %s, naming the key', (_case, context, message) => {
    expect(() => settingsFrom({ workspaces: 'ws-a', ...context })).toThrow(message);
  });
});

describe('the rotation context key', () => {
  it('reads -c rotation=secrets-manager, and leaves the default to the construct when not given', () => {
    expect(settingsFrom({ workspaces: 'ws-a', rotation: 'secrets-manager' }).rotation).toBe('secrets-manager');
    expect(settingsFrom({ workspaces: 'ws-a', rotation: 'scheduler' }).rotation).toBe('scheduler');
    expect(settingsFrom({ workspaces: 'ws-a' }).rotation).toBeUndefined();
  });

  it('refuses an unknown mode, listing the allowed ones', () => {
    expect(() => settingsFrom({ workspaces: 'ws-a', rotation: 'native' })).toThrow(
      'Context key "rotation" must be one of scheduler, secrets-manager, got "native"',
    );
  });
});
