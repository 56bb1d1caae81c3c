import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { METRIC_NAMES, SERVICE_DIMENSION, WORKSPACE_DIMENSION } from '../../lambda/contract/metrics.js';
import type { FunctionMetricsSource } from './rotation-alarms.js';

// The heartbeat reports once a day, so one datapoint a day is the finest that every line has; the range
// shows three 30-day rotations of each secret.
const PERIOD = Duration.days(1);
const DEFAULT_RANGE = Duration.days(90);
const SECONDS_PER_DAY = 24 * 60 * 60;
const GRAPH_WIDTH = 12;
const GRAPH_HEIGHT = 6;
// A graph of hundreds of lines shows nothing: each graph names the few workspaces that stand out.
const WORKSPACES_PER_GRAPH = 10;
// Each line found by a SEARCH is labelled with its workspace.
const WORKSPACE_LABEL = `\${PROP('Dim.${WORKSPACE_DIMENSION}')}`;
const ALL_WORKSPACES = 'All workspaces';

/** What the dashboard shows: the function's metrics, and the construct's alarms. */
export interface RotationDashboardOptions extends FunctionMetricsSource {
  readonly alarms: readonly cloudwatch.IAlarm[];
  readonly dashboardName?: string;
}

/**
 * One graph per metric, the same size for 1 workspace or 500: a line over every workspace where it helps,
 * and the workspaces that stand out (the oldest secrets, the most failures), found with SEARCH expressions
 * rather than named one by one. And the alarms' states.
 */
export function createRotationDashboard(scope: Construct, options: RotationDashboardOptions): cloudwatch.Dashboard {
  const search = (metricName: string, statistic: string) =>
    `SEARCH('{${quoted(options.metricsNamespace)},${SERVICE_DIMENSION},${WORKSPACE_DIMENSION}} ` +
    `MetricName=${quoted(metricName)} ${SERVICE_DIMENSION}=${quoted(options.serviceName)}', '${statistic}', ${PERIOD.toSeconds()})`;
  const expression = (text: string, label: string) => new cloudwatch.MathExpression({ expression: text, label, period: PERIOD });
  // The workspaces with the largest values of the day (SORT's MAX or SUM over the range), one line each.
  const top = (metricName: string, statistic: string, order: 'MAX' | 'SUM', scale = '') =>
    expression(`SORT(${search(metricName, statistic)}, ${order}, DESC, ${WORKSPACES_PER_GRAPH})${scale}`, WORKSPACE_LABEL);
  // Every workspace together: the function emits each count once more without the workspace dimension.
  const total = (metricName: string) => serviceWideMetric(options, metricName, cloudwatch.Stats.SUM).with({ label: ALL_WORKSPACES });
  const graph = (title: string, metrics: cloudwatch.IMetric[], axisLabel = 'Count') =>
    new cloudwatch.GraphWidget({
      title,
      left: metrics,
      leftYAxis: { label: axisLabel, min: 0, showUnits: false },
      width: GRAPH_WIDTH,
      height: GRAPH_HEIGHT,
    });
  const oldest = new cloudwatch.MathExpression({
    expression: `oldest / ${SECONDS_PER_DAY}`,
    usingMetrics: { oldest: serviceWideMetric(options, METRIC_NAMES.secondsSinceLastRotation, cloudwatch.Stats.MAXIMUM) },
    label: 'Oldest of all workspaces (what the staleness alarm watches)',
    period: PERIOD,
  });
  return new cloudwatch.Dashboard(scope, 'Dashboard', {
    dashboardName: options.dashboardName,
    defaultInterval: DEFAULT_RANGE,
    widgets: [
      [
        new cloudwatch.AlarmStatusWidget({
          title: 'Alarms of the Prolific webhook secret rotation',
          alarms: [...options.alarms],
          width: 2 * GRAPH_WIDTH,
          height: GRAPH_HEIGHT,
        }),
      ],
      [
        graph(
          `Age of the current secret (days): the ${WORKSPACES_PER_GRAPH} oldest`,
          [oldest, top(METRIC_NAMES.secondsSinceLastRotation, cloudwatch.Stats.MAXIMUM, 'MAX', ` / ${SECONDS_PER_DAY}`)],
          'Days',
        ),
        graph('Rotations', [total(METRIC_NAMES.rotationSucceeded)]),
      ],
      [
        graph(`Failed targets: all, and the ${WORKSPACES_PER_GRAPH} workspaces with most`, [
          total(METRIC_NAMES.targetFailed),
          top(METRIC_NAMES.targetFailed, cloudwatch.Stats.SUM, 'SUM'),
        ]),
        graph(`Secrets healed from Prolific (changed outside the schedule): all, and the ${WORKSPACES_PER_GRAPH} workspaces with most`, [
          total(METRIC_NAMES.driftHealed),
          top(METRIC_NAMES.driftHealed, cloudwatch.Stats.SUM, 'SUM'),
        ]),
      ],
      [
        // Counts as each run read them from Prolific, not events: the day's largest reading.
        graph(`Failed deliveries since the last rotation: the ${WORKSPACES_PER_GRAPH} workspaces with most`, [
          top(METRIC_NAMES.deliveriesFailedSinceRotation, cloudwatch.Stats.MAXIMUM, 'MAX'),
        ]),
        graph(`Disabled webhook subscriptions: the ${WORKSPACES_PER_GRAPH} workspaces with most`, [
          top(METRIC_NAMES.subscriptionsDisabled, cloudwatch.Stats.MAXIMUM, 'MAX'),
        ]),
      ],
      [
        graph(`Delivery health unreadable: the ${WORKSPACES_PER_GRAPH} workspaces with most`, [
          top(METRIC_NAMES.deliveryHealthUnknown, cloudwatch.Stats.MAXIMUM, 'MAX'),
        ]),
      ],
    ],
  });
}

/** The dashboard in the CloudWatch console, in its stack's Region (the commercial partition's console). */
export function dashboardConsoleUrl(dashboard: cloudwatch.Dashboard): string {
  const { region } = Stack.of(dashboard);
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${dashboard.dashboardName}`;
}

/** A metric the function emits without the workspace dimension, over a day. */
function serviceWideMetric(source: FunctionMetricsSource, metricName: string, statistic: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: source.metricsNamespace,
    metricName,
    dimensionsMap: { [SERVICE_DIMENSION]: source.serviceName },
    statistic,
    period: PERIOD,
  });
}

/** A name or value in a SEARCH: in double quotes, so spaces and punctuation match as they are. */
function quoted(text: string): string {
  return `"${text.replace(/["\\]/g, '\\$&')}"`;
}
