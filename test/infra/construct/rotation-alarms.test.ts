// What the function reports (delivery health, heals, missed events, a missing current version) reaches a
// person through alarms. (The operational and staleness alarms of a deployed stack, and their topic:
// rotation-stack.test.ts.)
import { readFileSync } from 'node:fs';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { METRIC_NAMES } from '../../../lambda/contract/metrics.js';
import type { ProlificWebhookSecretRotationStack } from '../../../infra/app/rotation-stack.js';
import { ProlificWebhookSecretRotation } from '../../../infra/construct/prolific-webhook-secret-rotation.js';
import { buildStack, refTo, TEST_ENV, testApp } from '../../support/synth.js';

const WORKSPACES = ['ws-a', 'ws-b'];

let stack: ProlificWebhookSecretRotationStack;
let template: Template;

beforeAll(() => {
  stack = buildStack(testApp({ workspaces: WORKSPACES.join(',') }));
  template = Template.fromStack(stack);
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
      AlarmName: `ProlificWebhookSecretRotation-Rotation-${id.replace(/Alarm$/, '')}`,
      AlarmActions: [topicRef()],
      OKActions: [topicRef()],
      AlarmDescription: expect.stringMatching(description) as unknown,
    });
  });

  it('are deployed with the schedule disabled too: a person may run sync by hand', () => {
    const manual = Template.fromStack(buildStack(testApp({ workspaces: 'ws-a', scheduleEnabled: 'false' })));

    const alarms = Object.values(manual.findResources('AWS::CloudWatch::Alarm')) as { Properties: { MetricName: string } }[];
    const watched = alarms.map((alarm) => alarm.Properties.MetricName);
    expect(watched).toEqual(
      expect.arrayContaining(['SubscriptionsDisabled', 'DeliveriesFailedSinceRotation', 'DriftHealed', 'RotationEventFailed']),
    );
    expect(watched).not.toContain('SecondsSinceLastRotation');
  });
});

describe('every alarm, as the e-mail shows it', () => {
  interface AlarmProperties {
    readonly AlarmName: string;
    readonly AlarmDescription: string;
    readonly AlarmActions: unknown[];
    readonly OKActions?: unknown[];
  }
  const alarmsOf = (of: Template) =>
    Object.values(of.findResources('AWS::CloudWatch::Alarm')).map((alarm) => (alarm as { Properties: AlarmProperties }).Properties);
  // The rows of the table in docs/operations.md, section "Alarms": each alarm's description names one.
  const runbookRows = () => {
    const runbook = readFileSync(new URL('../../../docs/operations.md', import.meta.url), 'utf8');
    const section = runbook.slice(runbook.indexOf('\n## Alarms\n'), runbook.indexOf('\n## ', runbook.indexOf('\n## Alarms\n') + 1));
    return section.split('\n').filter((line) => line.startsWith('| '));
  };

  it('has a stable name that starts with the stack name, unique, within the 255 characters CloudWatch allows', () => {
    const names = alarmsOf(template).map((alarm) => alarm.AlarmName);

    expect(names).toHaveLength(4 + 6 + 1);
    for (const name of names) {
      expect(name).toMatch(/^ProlificWebhookSecretRotation-Rotation-[A-Za-z]+$/);
      expect(name.length).toBeLessThanOrEqual(255);
    }
    expect(new Set(names).size).toBe(names.length);
  });

  it('sends the all-clear (OK) to the same topic as the alarm', () => {
    for (const alarm of alarmsOf(template)) {
      expect(alarm.AlarmActions).toHaveLength(1);
      expect(alarm.OKActions).toEqual(alarm.AlarmActions);
    }
  });

  it("ends its description with its runbook entry, a row of docs/operations.md's Alarms table, within 1024 characters", () => {
    const rows = runbookRows();

    for (const alarm of alarmsOf(template)) {
      const [, row] = /Runbook: docs\/operations\.md, section "Alarms", row "([^"]+)"\.$/.exec(alarm.AlarmDescription) ?? [];
      expect(row, alarm.AlarmName).toBeDefined();
      expect(rows.filter((line) => line.startsWith(`| ${row ?? ''} `)), `${alarm.AlarmName}: row "${row ?? ''}"`).toHaveLength(1);
      expect(alarm.AlarmDescription.length).toBeLessThanOrEqual(1024);
    }
  });

  it('names the saved log queries that find the failed workspace, and the healed one', () => {
    const description = (name: string) => alarmsOf(template).find((alarm) => alarm.AlarmName.endsWith(`-${name}`))?.AlarmDescription;

    expect(description('FunctionErrors')).toContain('ProlificWebhookSecretRotation/Rotation/failures-by-workspace-and-step');
    expect(description('FunctionErrors')).toContain('ProlificWebhookSecretRotation/Rotation/one-run');
    expect(description('DriftHealed')).toContain('ProlificWebhookSecretRotation/Rotation/heals');
  });

  it('differs between two constructs in one stack, by the construct path', () => {
    const both = new Stack(testApp(), 'TwoRotations', { env: TEST_ENV });
    new ProlificWebhookSecretRotation(both, 'Europe', { workspaces: [{ workspaceId: 'ws-a' }] });
    new ProlificWebhookSecretRotation(both, 'America', { workspaces: [{ workspaceId: 'ws-b' }] });

    const names = alarmsOf(Template.fromStack(both)).map((alarm) => alarm.AlarmName);
    expect(names.filter((name) => name.startsWith('TwoRotations-Europe-'))).toHaveLength(11);
    expect(names.filter((name) => name.startsWith('TwoRotations-America-'))).toHaveLength(11);
  });
});
