// Closing the loop: the daily heartbeat repairs drift, the function may tell receivers of a rotation on the
// default event bus, and what the function reports (delivery health, heals, missed events) reaches a person
// through alarms and a dashboard.
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { HEARTBEAT_EVENT, METRIC_NAMES, ROTATION_EVENT } from '../../lambda/contract.js';
import type { ProlificWebhookSecretRotationStack } from '../../infra/rotation-stack.js';
import { buildStack, refTo, testApp } from './synth.js';

const WORKSPACES = ['ws-a', 'ws-b'];
const DEFAULT_BUS_ARN = 'arn:aws:events:eu-west-2:123456789012:event-bus/default';

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

let stack: ProlificWebhookSecretRotationStack;
let template: Template;

beforeAll(() => {
  stack = buildStack(testApp({ workspaces: WORKSPACES.join(',') }));
  template = Template.fromStack(stack);
});

function heartbeatInput(): string {
  const heartbeats = Object.values(template.findResources('AWS::Scheduler::Schedule', { Properties: { ScheduleExpression: 'rate(1 day)' } }));
  expect(heartbeats).toHaveLength(1);
  return heartbeats[0]?.Properties.Target.Input as string;
}

function statementsOfEveryPolicy(): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
  );
}

describe('the daily heartbeat', () => {
  it('sends HEARTBEAT_EVENT from the contract', () => {
    expect(heartbeatInput()).toBe(JSON.stringify(HEARTBEAT_EVENT));
  });

  // The literal, so a change of HEARTBEAT_EVENT away from sync fails here.
  it('PIN: sends {"action":"sync"}, so drift is repaired within a day without a POST', () => {
    expect(heartbeatInput()).toBe('{"action":"sync"}');
  });

  it('is described as the run that repairs drift and reports age and delivery health, not as read-only', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 day)',
      Description: "Daily sync run: stores the secret Prolific signs with if it changed outside the schedule, and reports each secret's age and each workspace's delivery health.",
    });
    expect(JSON.stringify(template.toJSON())).not.toMatch(/read-only status heartbeat|daily status heartbeat/i);
  });
});

describe('the rotation event', () => {
  it('may be put by the function on the default bus of its account, with its own source only', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [refTo(stack, 'Rotation/FunctionRole')],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectEquals({
            Sid: 'PutRotationEvents',
            Effect: 'Allow',
            Action: 'events:PutEvents',
            Resource: DEFAULT_BUS_ARN,
            Condition: { StringEquals: { 'events:source': ROTATION_EVENT.source } },
          }),
        ]),
      },
    });
  });

  it('is the only events: permission in the stack, on no other resource', () => {
    const events = statementsOfEveryPolicy().filter((statement) => [statement.Action].flat().some((action) => action.startsWith('events:')));

    expect(events).toEqual([
      {
        Sid: 'PutRotationEvents',
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Resource: DEFAULT_BUS_ARN,
        Condition: { StringEquals: { 'events:source': 'prolific.webhook-secret-rotation' } },
      },
    ]);
  });
});

describe('the condition alarms', () => {
  const topicRef = () => refTo(stack, 'Rotation/AlarmTopic');

  it.each([
    ['SubscriptionsDisabledAlarm', METRIC_NAMES.subscriptionsDisabled, /subscription is disabled.*5 days.*PATCH \/api\/v1\/hooks\/subscriptions\/\{id\}\/ is_enabled=true/],
    ['DeliveriesFailingAlarm', METRIC_NAMES.deliveriesFailedSinceRotation, /deliveries failed since the last rotation: receivers are down, or do not verify/],
    ['DriftHealedAlarm', METRIC_NAMES.driftHealed, /changed outside the schedule.*Prolific app.*late POST.*Find out who/],
    ['RotationEventFailedAlarm', METRIC_NAMES.rotationEventFailed, /receivers that cache the secret were not told\. Refresh them by hand/],
    ['CurrentVersionMissingAlarm', METRIC_NAMES.currentVersionMissing, /no version labelled AWSCURRENT/],
    ['DeliveryHealthUnknownAlarm', METRIC_NAMES.deliveryHealthUnknown, /delivery health could not be read.*deliveries_error/],
  ])('%s: the sum of %s over every workspace, 1 or more in 5 minutes, notifying the topic', (id, metricName, description) => {
    const alarms = template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: metricName } });
    expect(Object.keys(alarms)).toEqual([expect.stringMatching(new RegExp(`^Rotation${id}[0-9A-F]{8}$`))]);
    expect(Object.values(alarms)[0]?.Properties).toEqual({
      Namespace: 'ProlificWebhookSecretRotation',
      MetricName: metricName,
      Dimensions: [{ Name: 'service', Value: 'prolific-webhook-secret-rotation' }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [topicRef()],
      AlarmDescription: expect.stringMatching(description),
    });
  });

  it('are deployed with the schedule disabled too: a person may run sync by hand', () => {
    const manual = Template.fromStack(buildStack(testApp({ workspaces: 'ws-a', scheduleEnabled: 'false' })));

    const watched = Object.values(manual.findResources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties.MetricName);
    expect(watched).toEqual(expect.arrayContaining(['SubscriptionsDisabled', 'DeliveriesFailedSinceRotation', 'DriftHealed', 'RotationEventFailed']));
    expect(watched).not.toContain('SecondsSinceLastRotation');
  });
});

describe('the dashboard', () => {
  const body = () => JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]?.Properties.DashboardBody);

  it('is one dashboard with a generated name', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    expect(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]?.Properties.DashboardName).toBeUndefined();
  });

  it.each([
    METRIC_NAMES.secondsSinceLastRotation,
    METRIC_NAMES.rotationSucceeded,
    METRIC_NAMES.targetFailed,
    METRIC_NAMES.driftHealed,
    METRIC_NAMES.deliveriesFailedSinceRotation,
    METRIC_NAMES.subscriptionsDisabled,
  ])('graphs %s for each workspace', (metricName) => {
    for (const workspaceId of WORKSPACES) {
      expect(body()).toContain(`\\"${metricName}\\",\\"service\\",\\"prolific-webhook-secret-rotation\\",\\"workspace_id\\",\\"${workspaceId}\\"`);
    }
  });

  it('shows the age of the current secret in days', () => {
    expect(body()).toContain('age0 / 86400');
    expect(body()).toContain('age1 / 86400');
  });

  it('keeps to one graph per metric, whatever the number of workspaces, and one alarm status widget', () => {
    const widgets = body().match(/\\"type\\":\\"(metric|alarm)\\"/g) ?? [];
    expect(widgets.filter((widget) => widget.includes('metric'))).toHaveLength(7);
    expect(widgets.filter((widget) => widget.includes('alarm'))).toHaveLength(1);
  });

  it("shows the state of every one of the construct's alarms", () => {
    const alarmIds = Object.keys(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarmIds).toHaveLength(stack.rotation.alarms.length);
    for (const alarmId of alarmIds) {
      expect(body()).toContain(`{"Fn::GetAtt":["${alarmId}","Arn"]}`);
    }
  });
});
