// Secrets Manager's own rotation (`rotation: 'secrets-manager'`): a RotationSchedule per target secret calling
// the function, each secret in a UTC window of its own, so that the function (one invocation at a time) is
// never invoked by two rotations at once, nor during the daily heartbeat.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { CfnSecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { rules } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_ROTATION_WINDOW,
  heartbeatSpan,
  NATIVE_ROTATION_WORST_CASE,
  planNativeRotation,
  rotationCycle,
} from '../../../infra/construct/native-rotation.js';
import { batchInvocations } from '../../../infra/construct/invocation-batches.js';
import type { ProlificWebhookSecretRotationProps } from '../../../infra/construct/props.js';
import { addComplianceChecks } from '../../../infra/app/compliance-checks.js';
import { ProlificWebhookSecretRotation } from '../../../infra/construct/prolific-webhook-secret-rotation.js';
import { synthesizeConstruct, TEST_ENV, testApp } from '../../support/synth.js';

const workspaceIds = (count: number) => Array.from({ length: count }, (_, index) => index.toString(16).padStart(24, '0'));
const arnOf = (id: string) => `arn:aws:secretsmanager:eu-west-2:123456789012:secret:prolific/${id}-AbC123`;

/** The construct in secrets-manager mode, every workspace adopting a secret by complete ARN. */
function synthesizeAdopted(ids: readonly string[], props: Partial<ProlificWebhookSecretRotationProps> = {}) {
  return synthesizeConstruct({ workspaces: [], rotation: 'secrets-manager', ...props }, (stack: Stack) => ({
    workspaces: ids.map((workspaceId) => ({
      workspaceId,
      secret: Secret.fromSecretCompleteArn(stack, `Adopted-${workspaceId}`, arnOf(workspaceId)),
    })),
  }));
}

interface RotationScheduleProperties {
  readonly SecretId: unknown;
  readonly RotationLambdaARN: unknown;
  readonly RotateImmediatelyOnUpdate: boolean;
  readonly RotationRules: { readonly ScheduleExpression: string; readonly Duration: string };
}

function propertiesOf<T>(template: Template, type: string): T[] {
  return Object.values(template.findResources(type)).map((resource) => (resource as { Properties: T }).Properties);
}

function countBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, number> {
  const counts = new Map<K, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/** The UTC hours, one cycle long, a window covers: "day:hour". */
function hoursCovered(expression: string, windowHours: number): string[] {
  const [, hour = '', dayOfMonth = '', , dayOfWeek = ''] = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/.exec(expression)?.slice(1) ?? [];
  const day = dayOfWeek === '?' ? dayOfMonth : dayOfWeek;
  return Array.from({ length: windowHours }, (_, offset) => `${day}:${Number(hour) + offset}`);
}

describe('the rotation cycle of rate(<n> days)', () => {
  it.each([
    [1, { kind: 'daily' }],
    [6, { kind: 'daily' }],
    [7, { kind: 'weekly' }],
    [27, { kind: 'weekly' }],
    [30, { kind: 'monthly', months: 1 }],
    [90, { kind: 'monthly', months: 3 }],
    [1000, { kind: 'monthly', months: 12 }],
  ])('rotates at least as often as every %i days asks: %o', (days, cycle) => {
    expect(rotationCycle(days)).toEqual(cycle);
  });
});

describe('the plan of 500 workspaces on the default 30-day schedule at concurrency 10', () => {
  const ids = workspaceIds(500);
  const batches = batchInvocations(ids, 10);
  const heartbeat = heartbeatSpan(batches.batches.length, batches.timeout);
  const plan = planNativeRotation(ids, { intervalDays: 30, window: DEFAULT_ROTATION_WINDOW, heartbeat });

  it('keeps the first hours of each UTC day for the heartbeat, its five invocations queued one after another', () => {
    expect(batches.batches).toHaveLength(5);
    expect(heartbeat.toSeconds()).toBe(5 * (batches.timeout.toSeconds() + 300));
    expect(plan.heartbeatHours).toBe(2);
  });

  it('gives every secret a window of its own, after the heartbeat and within its UTC day', () => {
    const windows = plan.slots.map(({ day, hour }) => `${day}:${hour}`);
    expect(new Set(windows).size).toBe(500);
    for (const { hour } of plan.slots) {
      expect(hour).toBeGreaterThanOrEqual(plan.heartbeatHours);
      expect(hour + plan.windowHours).toBeLessThanOrEqual(24);
    }
  });

  it('puts in each window no more secrets than one function instance rotates in it, at the declared worst case a rotation', () => {
    const perWindow = Math.floor(DEFAULT_ROTATION_WINDOW.toSeconds() / NATIVE_ROTATION_WORST_CASE.toSeconds());
    expect(NATIVE_ROTATION_WORST_CASE.toSeconds()).toBe(300);
    expect(perWindow).toBeGreaterThanOrEqual(1);
    // One: Secrets Manager starts a rotation at any time in its window, so two in one window could meet.
    expect(Math.max(...countBy(plan.slots, ({ day, hour }) => `${day}:${hour}`).values())).toBe(1);
  });

  it('spreads the secrets evenly over the 28 days every month has, monthly', () => {
    const perDay = [...countBy(plan.slots, ({ day }) => day).values()];
    expect(perDay).toHaveLength(28);
    expect(Math.max(...perDay) - Math.min(...perDay)).toBeLessThanOrEqual(1);
    expect(plan.slots[0]?.expression).toBe('cron(0 2 1 * ? *)');
    expect(plan.slots[28]?.expression).toBe('cron(0 3 1 * ? *)');
  });

  it('refuses more secrets than the cycle has windows, saying what to change', () => {
    expect(() => planNativeRotation(ids, { intervalDays: 1, window: DEFAULT_ROTATION_WINDOW, heartbeat })).toThrow(
      /a daily cycle holds 22 secrets, not 500\. Use a longer schedule interval/,
    );
  });
});

describe('a construct with rotation secrets-manager', () => {
  const ids = ['ws-a', 'ws-b', 'ws-c'];
  let template: Template;
  let stack: Stack;

  beforeAll(() => {
    const { construct, template: synthesized } = synthesizeConstruct({
      workspaces: ids.map((workspaceId) => ({ workspaceId })),
      rotation: 'secrets-manager',
      schedule: scheduler.ScheduleExpression.rate(Duration.days(7)),
    });
    template = synthesized;
    stack = construct.function.stack;
  });

  it('gives each target secret a RotationSchedule calling the function, in its own weekly window, never on deployment', () => {
    const schedules = propertiesOf<RotationScheduleProperties>(template, 'AWS::SecretsManager::RotationSchedule');
    expect(schedules).toHaveLength(3);
    expect(schedules.map(({ RotationRules }) => RotationRules)).toEqual([
      { ScheduleExpression: 'cron(0 1 ? * SUN *)', Duration: '1h' },
      { ScheduleExpression: 'cron(0 1 ? * MON *)', Duration: '1h' },
      { ScheduleExpression: 'cron(0 1 ? * TUE *)', Duration: '1h' },
    ]);
    for (const schedule of schedules) {
      expect(schedule.RotateImmediatelyOnUpdate).toBe(false);
      expect(JSON.stringify(schedule.RotationLambdaARN)).toMatch(/RotationFunction[0-9A-F]{8}.*Arn/);
      expect(JSON.stringify(schedule.SecretId)).toMatch(/RotationSecretws/);
    }
  });

  it('lets Secrets Manager invoke the function for this account only', () => {
    const permissions = propertiesOf<Record<string, unknown>>(template, 'AWS::Lambda::Permission').filter(
      ({ Principal }) => Principal === 'secretsmanager.amazonaws.com',
    );
    expect(permissions).toHaveLength(1);
    expect(permissions[0]).toMatchObject({ Action: 'lambda:InvokeFunction', SourceAccount: '123456789012' });
  });

  it("alarms when Secrets Manager's call to the function is throttled, which is no function error", () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Throttles',
      Namespace: 'AWS/Lambda',
      Statistic: 'Sum',
      Threshold: 1,
      AlarmDescription: Match.stringLikeRegexp('row "Function throttled"\\.$'),
    });
  });

  it('grants the function no more than it had: no GetRandomPassword', () => {
    expect(JSON.stringify(template.toJSON())).not.toContain('GetRandomPassword');
  });

  it('creates no rotation schedule of the scheduler mode, and runs the heartbeat at 00:00 UTC', () => {
    const schedules = propertiesOf<{ ScheduleExpression: string; Target: { Input: string } }>(template, 'AWS::Scheduler::Schedule');
    expect(schedules.map(({ ScheduleExpression, Target }) => [ScheduleExpression, Target.Input])).toEqual([
      ['cron(0 0 * * ? *)', '{"action":"sync"}'],
    ]);
  });

  it("passes cdk-nag's rotation check (AwsSolutions-SMG4) on every created target secret on its own merits", () => {
    const secrets = stack.node.findAll().filter((c): c is CfnSecret => c instanceof CfnSecret && c.node.path.includes('/Secret-ws-'));
    expect(secrets).toHaveLength(3);
    for (const secret of secrets) expect(rules.secretsmanager.SecretsManagerRotationEnabled(secret)).toBe('Compliant');
  });
});

describe('cdk-nag AwsSolutions and Serverless checks in this mode', () => {
  it('find no unacknowledged finding in a stack with created and adopted secrets', () => {
    const app = testApp();
    const stack = new Stack(app, 'NativeRotation', { env: TEST_ENV });
    const [created = '', adopted = ''] = workspaceIds(2);
    new ProlificWebhookSecretRotation(stack, 'Rotation', {
      rotation: 'secrets-manager',
      workspaces: [
        { workspaceId: created },
        { workspaceId: adopted, secret: Secret.fromSecretCompleteArn(stack, 'Adopted', arnOf(adopted)) },
      ],
    });
    addComplianceChecks(app);

    const report = JSON.parse(readFileSync(join(app.synth().directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: { violations?: unknown[] }[];
    };

    expect(report.pluginReports.flatMap(({ violations }) => violations ?? [])).toEqual([]);
  });
});

describe('windows read back from a synthesized stack of 30 adopted workspaces', () => {
  it('never share an hour, and stay clear of the heartbeat', () => {
    const { template } = synthesizeAdopted(workspaceIds(30));
    const rules = propertiesOf<RotationScheduleProperties>(template, 'AWS::SecretsManager::RotationSchedule').map(
      ({ RotationRules }) => RotationRules,
    );
    expect(rules).toHaveLength(30);
    const hours = rules.flatMap(({ ScheduleExpression, Duration }) => hoursCovered(ScheduleExpression, Number.parseInt(Duration)));
    expect(new Set(hours).size).toBe(hours.length);
    expect(hours.filter((hour) => hour.endsWith(':0'))).toEqual([]);
  });
});

describe('the props of the mode', () => {
  const one = [{ workspaceId: 'ws-a' }];

  it('refuses an unknown mode, listing the allowed ones', () => {
    expect(() => synthesizeConstruct({ workspaces: one, rotation: 'lambda' as never })).toThrow(
      'rotation must be one of scheduler, secrets-manager, got "lambda"',
    );
  });

  it('refuses a cron schedule, which it cannot spread over windows of its own', () => {
    expect(() =>
      synthesizeConstruct({
        workspaces: one,
        rotation: 'secrets-manager',
        schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '3', day: '1' }),
        stalenessThreshold: Duration.days(62),
      }),
    ).toThrow(/needs a schedule of whole days, rate\(<n> days\)/);
  });

  it('refuses a disabled schedule', () => {
    expect(() => synthesizeConstruct({ workspaces: one, rotation: 'secrets-manager', scheduleEnabled: false })).toThrow(
      /rotation 'secrets-manager' needs scheduleEnabled/,
    );
  });

  it('refuses rotationWindow in scheduler mode, and a window that is not whole hours', () => {
    expect(() => synthesizeConstruct({ workspaces: one, rotationWindow: Duration.hours(2) })).toThrow(
      "rotationWindow is for rotation 'secrets-manager'",
    );
    expect(() => synthesizeConstruct({ workspaces: one, rotation: 'secrets-manager', rotationWindow: Duration.minutes(90) })).toThrow(
      'rotationWindow must be a whole number of hours from 1 to 23, got 1 hour 30 minutes',
    );
  });

  it('refuses a secret imported by name: Secrets Manager invokes the function with the complete ARN', () => {
    expect(() =>
      synthesizeConstruct({ workspaces: [], rotation: 'secrets-manager' }, (stack) => ({
        workspaces: [{ workspaceId: 'ws-a', secret: Secret.fromSecretNameV2(stack, 'ByName', 'prolific/ws-a') }],
      })),
    ).toThrow(/the secret of workspace "ws-a" must be known by its complete ARN/);
  });
});
