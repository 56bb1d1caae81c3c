// The dashboard: one graph per metric whatever the number of workspaces, the workspaces that stand out found
// by SEARCH, and the state of every alarm.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Dashboard, type CfnDashboard } from 'aws-cdk-lib/aws-cloudwatch';
import { beforeAll, describe, expect, it } from 'vitest';
import { METRIC_NAMES } from '../../../lambda/contract/metrics.js';
import type { ProlificWebhookSecretRotationStack } from '../../../infra/app/rotation-stack.js';
import { dashboardConsoleUrl } from '../../../infra/construct/rotation-dashboard.js';
import { dashboardWidgets, graphedLines } from '../../support/dashboard.js';
import { buildStack, synthesizeConstruct, testApp } from '../../support/synth.js';

const WORKSPACES = ['ws-a', 'ws-b'];

let stack: ProlificWebhookSecretRotationStack;
let template: Template;

beforeAll(() => {
  stack = buildStack(testApp({ workspaces: WORKSPACES.join(',') }));
  template = Template.fromStack(stack);
});

describe('the dashboard', () => {
  const widgets = () => dashboardWidgets(template);
  const search = (metricName: string, statistic: string) =>
    `SEARCH('{"ProlificWebhookSecretRotation",service,workspace_id} MetricName="${metricName}" ` +
    `service="prolific-webhook-secret-rotation"', '${statistic}', 86400)`;

  it('is one dashboard with a generated name', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as { Properties: { DashboardName?: string } }[];
    expect(dashboard?.Properties.DashboardName).toBeUndefined();
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

describe('the dashboard of a construct with a custom name, namespace and service', () => {
  it('takes the name it is given, and graphs the metrics in the custom namespace with the custom service', () => {
    const { construct, template } = synthesizeConstruct({
      workspaces: [{ workspaceId: 'ws-a' }],
      dashboardName: 'prolific-rotation',
      metricsNamespace: 'Custom',
      serviceName: 'custom-service',
    });

    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'prolific-rotation' });
    const dashboardId = Stack.of(construct).getLogicalId(construct.dashboard.node.defaultChild as CfnDashboard);
    expect(Object.keys(template.findResources('AWS::CloudWatch::Dashboard'))).toEqual([dashboardId]);
    const { expressions, metrics } = graphedLines(dashboardWidgets(template));
    expect(expressions).toContain(
      `SORT(SEARCH('{"Custom",service,workspace_id} MetricName="TargetFailed" service="custom-service"', 'Sum', 86400), SUM, DESC, 10)`,
    );
    expect(metrics).toContain('Custom/RotationSucceeded/service=custom-service');
    expect(metrics).toContain('Custom/SecondsSinceLastRotation/service=custom-service');
  });
});

describe('dashboardConsoleUrl', () => {
  it("opens the dashboard by name in the console of its stack's Region, the deployment's Region where the stack names none", () => {
    const anywhere = new Stack(new App(), 'Anywhere');
    const dashboard = new Dashboard(anywhere, 'Dashboard', { dashboardName: 'rotation' });

    expect(anywhere.resolve(dashboardConsoleUrl(dashboard))).toEqual({
      'Fn::Join': [
        '',
        [
          'https://',
          { Ref: 'AWS::Region' },
          '.console.aws.amazon.com/cloudwatch/home?region=',
          { Ref: 'AWS::Region' },
          '#dashboards:name=',
          { Ref: expect.stringMatching(/^Dashboard/) as unknown },
        ],
      ],
    });
  });
});
