// Closing the loop: the daily heartbeat repairs drift, the function may tell receivers of a rotation on the
// default event bus, and what the function reports (delivery health, heals, missed events) reaches a person
// through alarms and a dashboard.
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { HEARTBEAT_EVENT } from '../../../lambda/contract/invocation-events.js';
import { METRIC_NAMES } from '../../../lambda/contract/metrics.js';
import { ROTATION_EVENT } from '../../../lambda/contract/rotation-event.js';
import type { ProlificWebhookSecretRotationStack } from '../../../infra/app/rotation-stack.js';
import { dashboardWidgets, graphedLines } from '../../support/dashboard.js';
import { buildStack, refTo, testApp } from '../../support/synth.js';

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
  const widgets = () => dashboardWidgets(template);
  const search = (metricName: string, statistic: string) =>
    `SEARCH('{"ProlificWebhookSecretRotation",service,workspace_id} MetricName="${metricName}" service="prolific-webhook-secret-rotation"', '${statistic}', 86400)`;

  it('is one dashboard with a generated name', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    expect(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]?.Properties.DashboardName).toBeUndefined();
  });

  it.each([
    [METRIC_NAMES.secondsSinceLastRotation, 'Maximum', 'MAX'],
    [METRIC_NAMES.targetFailed, 'Sum', 'SUM'],
    [METRIC_NAMES.driftHealed, 'Sum', 'SUM'],
    [METRIC_NAMES.deliveriesFailedSinceRotation, 'Maximum', 'MAX'],
    [METRIC_NAMES.subscriptionsDisabled, 'Maximum', 'MAX'],
    [METRIC_NAMES.deliveryHealthUnknown, 'Maximum', 'MAX'],
  ])('graphs the 10 workspaces with the largest %s, found by a SEARCH', (metricName, statistic, order) => {
    expect(graphedLines(widgets()).expressions.join('\n')).toContain(`SORT(${search(metricName, statistic)}, ${order}, DESC, 10)`);
  });

  it.each([METRIC_NAMES.rotationSucceeded, METRIC_NAMES.targetFailed, METRIC_NAMES.driftHealed])(
    'graphs %s over every workspace from the service-wide metric, with no SEARCH (which stops at 500 workspaces)',
    (metricName) => {
      const { expressions, metrics } = graphedLines(widgets());
      expect(metrics).toContain(`ProlificWebhookSecretRotation/${metricName}/service=prolific-webhook-secret-rotation`);
      expect(expressions).not.toContain(`SUM(${search(metricName, 'Sum')})`);
    },
  );

  it('shows the age of the current secret in days: the oldest of all (what the staleness alarm watches) and the 10 oldest', () => {
    const { expressions, metrics } = graphedLines(widgets());

    expect(metrics).toContain('ProlificWebhookSecretRotation/SecondsSinceLastRotation/service=prolific-webhook-secret-rotation');
    expect(expressions).toContain('oldest / 86400');
    expect(expressions).toContain(`SORT(${search(METRIC_NAMES.secondsSinceLastRotation, 'Maximum')}, MAX, DESC, 10) / 86400`);
  });

  it('labels each line a SEARCH finds with its workspace, and names no workspace itself', () => {
    const labels = widgets()
      .flatMap((widget) => widget.properties.metrics ?? [])
      .map((entry) => entry[entry.length - 1] as { expression?: string; label?: string })
      .filter((options) => options.expression?.startsWith('SORT('))
      .map((options) => options.label);

    expect(new Set(labels)).toEqual(new Set(["${PROP('Dim.workspace_id')}"]));
    expect(JSON.stringify(widgets())).not.toMatch(/ws-a|ws-b/);
  });

  it('keeps to one graph per metric, whatever the number of workspaces, and one alarm status widget', () => {
    expect(widgets().map((widget) => widget.type)).toEqual(['alarm', ...Array<string>(7).fill('metric')]);
  });

  it("shows the state of every one of the construct's alarms", () => {
    const alarmIds = Object.keys(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarmIds).toHaveLength(stack.rotation.alarms.length);
    expect(widgets()[0]?.properties.alarms).toEqual(alarmIds.map((alarmId) => `\${${alarmId}.Arn}`));
  });
});
