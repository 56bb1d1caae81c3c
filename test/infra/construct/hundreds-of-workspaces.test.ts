// Hundreds of workspaces in one stack: the timeout follows the batch size and the concurrency, the schedules
// split the workspaces into batches whose runs queue for one another, and nothing else grows per workspace.
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProlificWebhookSecretRotationStack } from '../../../infra/app/rotation-stack.js';
import { MAX_EVENT_BYTES } from '../../../lambda/contract/invocation-events.js';
import { dashboardWidgets } from '../../support/dashboard.js';
import { buildStack, synthesizeConstruct, testApp } from '../../support/synth.js';

/** `count` Prolific-like workspace ids (24 hex digits), in order. */
const workspaceIds = (count: number, length = 24) =>
  Array.from({ length: count }, (_, index) => index.toString(16).padStart(length, '0'));
const adopted = (ids: readonly string[]) =>
  ids.map((id) => `${id}=arn:aws:secretsmanager:eu-west-2:123456789012:secret:prolific/webhook-signing-secret/${id}-AbC123`).join(',');

interface Resource {
  readonly Type: string;
  readonly Properties: ResourceProperties;
}

/** The properties the assertions read, each on the resources that have it. */
interface ResourceProperties {
  readonly Timeout: number;
  readonly Description: string;
  readonly GroupName: unknown;
  readonly ScheduleExpression: string;
  readonly Target: { readonly Input: string; readonly RetryPolicy: unknown; readonly DeadLetterConfig: unknown };
  readonly MaximumEventAgeInSeconds: number;
  readonly MaximumRetryAttempts: number;
  readonly MetricName: string;
}

function resourcesOf(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.toJSON().Resources as Record<string, Resource>).filter(([, resource]) => resource.Type === type);
}

const functionTimeout = (template: Template) => resourcesOf(template, 'AWS::Lambda::Function')[0]?.[1].Properties.Timeout;

describe('the synthesized function timeout', () => {
  it('is 90 s for one workspace', () => {
    expect(functionTimeout(synthesizeConstruct({ workspaces: [{ workspaceId: 'ws-a' }] }).template)).toBe(90);
  });

  it('is 315 s for 100 workspaces at concurrency 25 (4 rounds), which the function is told', () => {
    const { template } = synthesizeConstruct({ workspaces: workspaceIds(100).map((workspaceId) => ({ workspaceId })), concurrency: 25 });

    expect(functionTimeout(template)).toBe(315);
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { ROTATION_CONCURRENCY: '25' } } });
  });
});

describe('100 workspaces whose secrets the stack creates', () => {
  let template: Template;

  beforeAll(() => {
    template = Template.fromStack(buildStack(testApp({ workspaces: workspaceIds(100).join(',') })));
  });

  it('have one invocation of 10 rounds: a timeout of 765 s, one rotation schedule and one heartbeat', () => {
    expect(functionTimeout(template)).toBe(765);
    expect(resourcesOf(template, 'AWS::Scheduler::Schedule').map(([, schedule]) => schedule.Properties.Target.Input)).toEqual([
      '{"action":"rotate"}',
      '{"action":"sync"}',
    ]);
  });

  it('have a SecretArn output each (100 is the most that do), and the targets path', () => {
    const outputs = Object.keys(template.findOutputs('*'));

    expect(outputs.filter((key) => key.startsWith('SecretArn'))).toHaveLength(100);
    expect(outputs).toContain('TargetsParameterPath');
  });
});

describe('500 workspaces with adopted secrets', () => {
  let stack: ProlificWebhookSecretRotationStack;
  let template: Template;
  const ids = workspaceIds(500);

  beforeAll(() => {
    stack = buildStack(testApp({ workspaces: adopted(ids) }));
    template = Template.fromStack(stack);
  });

  const schedules = (action: string) =>
    resourcesOf(template, 'AWS::Scheduler::Schedule').filter(
      ([, schedule]) => (JSON.parse(schedule.Properties.Target.Input) as { action: string }).action === action,
    );

  it('run in five batches of 100, one invocation each, with a timeout of 765 s', () => {
    expect(functionTimeout(template)).toBe(765);
    expect(schedules('rotate')).toHaveLength(5);
    expect(schedules('sync')).toHaveLength(5);
  });

  it.each([
    ['rotate', 'RotationSchedule'],
    ['sync', 'HeartbeatSchedule'],
  ])('%s: each batch its own schedule, sending its workspaceIds, every workspace once and in order', (action, id) => {
    const batches = schedules(action);
    const events = batches.map(
      ([, schedule]) => JSON.parse(schedule.Properties.Target.Input) as { action: string; workspaceIds: string[] },
    );

    expect(batches.map(([logicalId]) => logicalId.replace(/[0-9A-F]{8}$/, ''))).toEqual(
      ['', '2', '3', '4', '5'].map((suffix) => `Rotation${id}${suffix}`),
    );
    expect(events.map((event) => Object.keys(event))).toEqual(Array(5).fill(['action', 'workspaceIds']));
    expect(events.flatMap((event) => event.workspaceIds)).toEqual(ids);
    for (const [, schedule] of batches) {
      expect(schedule.Properties.Target.Input.length).toBeLessThanOrEqual(MAX_EVENT_BYTES);
    }
    expect(batches[1]?.[1].Properties.Description).toMatch(/: workspaces 101 to 200 of 500\.$/);
  });

  it('are all in the one schedule group, with the same expression, retry policy and dead-letter queue', () => {
    const all = resourcesOf(template, 'AWS::Scheduler::Schedule').map(([, schedule]) => schedule.Properties);

    expect(new Set(all.map((properties) => properties.GroupName)).size).toBe(1);
    template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    expect(new Set(schedules('rotate').map(([, schedule]) => schedule.Properties.ScheduleExpression))).toEqual(
      new Set(['rate(30 days)']),
    );
    const deliveries = all.map(({ Target: target }) => JSON.stringify([target.RetryPolicy, target.DeadLetterConfig]));
    expect(new Set(deliveries)).toHaveProperty('size', 1);
  });

  it('queue for one another: ten runs fired at once, one at a time, all start within the 6 hours Lambda keeps an event', () => {
    const [[, config] = []] = resourcesOf(template, 'AWS::Lambda::EventInvokeConfig');
    const maxEventAge = Number(config?.Properties.MaximumEventAgeInSeconds);
    // Lambda retries a throttled event at most 5 minutes apart: the function may idle that long between runs.
    const lastStart = (10 - 1) * (Number(functionTimeout(template)) + 5 * 60);

    template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 1 });
    expect(config?.Properties.MaximumRetryAttempts).toBe(0);
    expect(maxEventAge).toBe(6 * 60 * 60);
    expect(lastStart).toBeLessThanOrEqual(maxEventAge);
  });

  it('have one staleness alarm, on the oldest secret of all, and no alarm for any one workspace', () => {
    const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);

    expect(alarms).toHaveLength(4 + 6 + 1);
    expect(alarms.filter((alarm) => alarm.MetricName === 'SecondsSinceLastRotation')).toEqual([
      expect.objectContaining({ Statistic: 'Maximum', Dimensions: [{ Name: 'service', Value: 'prolific-webhook-secret-rotation' }] }),
    ]);
    expect(JSON.stringify(alarms)).not.toContain('workspace_id');
  });

  it('have the same dashboard as two workspaces: eight widgets, naming no workspace', () => {
    const widgets = dashboardWidgets(template);

    expect(widgets).toHaveLength(8);
    expect(JSON.stringify(widgets)).not.toContain(ids[0]);
  });

  it('have no SecretArn output each (past 100), and a targets path output that says where the secrets are', () => {
    const outputs = template.findOutputs('*');

    expect(Object.keys(outputs).sort()).toEqual([
      'AlarmTopicArn',
      'ApiTokenSecretArn',
      'DashboardUrl',
      'FunctionDeadLetterQueueUrl',
      'FunctionName',
      'LogGroupName',
      'ScheduleDeadLetterQueueUrl',
      'TargetsParameterPath',
    ]);
    expect(outputs.TargetsParameterPath?.Description).toMatch(
      /aws ssm get-parameters-by-path --path <this path> \(more than 100 workspaces: no SecretArn output for each\)\.$/,
    );
    expect(outputs.TargetsParameterPath?.Value).toBe(stack.rotation.targetsParameterPath);
  });
});
