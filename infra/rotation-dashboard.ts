import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { METRIC_NAMES, SERVICE_DIMENSION, WORKSPACE_DIMENSION } from '../lambda/contract.js';
import type { FunctionMetricsSource } from './rotation-alarms.js';

// The heartbeat reports once a day, so one datapoint a day is the finest that every line has; the range
// shows three 30-day rotations of each secret.
const PERIOD = Duration.days(1);
const DEFAULT_RANGE = Duration.days(90);
const SECONDS_PER_DAY = 24 * 60 * 60;
const GRAPH_WIDTH = 12;
const GRAPH_HEIGHT = 6;

/** What the dashboard shows: every workspace's metrics, and the construct's alarms. */
export interface RotationDashboardOptions extends FunctionMetricsSource {
  readonly workspaceIds: readonly string[];
  readonly alarms: readonly cloudwatch.IAlarm[];
  readonly dashboardName?: string;
}

/** One graph per metric, each with a line per workspace (so it stays readable with many), and the alarms' states. */
export function createRotationDashboard(scope: Construct, options: RotationDashboardOptions): cloudwatch.Dashboard {
  const lines = (metricName: string, statistic: string) =>
    options.workspaceIds.map((workspaceId) => workspaceMetric(options, workspaceId, metricName, statistic));
  const graph = (title: string, metrics: cloudwatch.IMetric[], axisLabel = 'Count') =>
    new cloudwatch.GraphWidget({
      title,
      left: metrics,
      leftYAxis: { label: axisLabel, min: 0, showUnits: false },
      width: GRAPH_WIDTH,
      height: GRAPH_HEIGHT,
    });
  const ages = options.workspaceIds.map(
    (workspaceId, index) =>
      new cloudwatch.MathExpression({
        // Identifiers must start with a lower-case letter; a workspace id may not.
        expression: `age${index} / ${SECONDS_PER_DAY}`,
        usingMetrics: { [`age${index}`]: workspaceMetric(options, workspaceId, METRIC_NAMES.secondsSinceLastRotation, cloudwatch.Stats.MAXIMUM) },
        label: workspaceId,
        period: PERIOD,
      }),
  );
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
        graph('Age of the current secret (days)', ages, 'Days'),
        graph('Rotations', lines(METRIC_NAMES.rotationSucceeded, cloudwatch.Stats.SUM)),
      ],
      [
        graph('Failed targets', lines(METRIC_NAMES.targetFailed, cloudwatch.Stats.SUM)),
        graph('Secrets healed from Prolific (changed outside the schedule)', lines(METRIC_NAMES.driftHealed, cloudwatch.Stats.SUM)),
      ],
      [
        // Counts as each run read them from Prolific, not events: the day's largest reading.
        graph('Failed deliveries since the last rotation', lines(METRIC_NAMES.deliveriesFailedSinceRotation, cloudwatch.Stats.MAXIMUM)),
        graph('Disabled webhook subscriptions', lines(METRIC_NAMES.subscriptionsDisabled, cloudwatch.Stats.MAXIMUM)),
      ],
      [graph('Delivery health unreadable', lines(METRIC_NAMES.deliveryHealthUnknown, cloudwatch.Stats.MAXIMUM))],
    ],
  });
}

function workspaceMetric(source: FunctionMetricsSource, workspaceId: string, metricName: string, statistic: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: source.metricsNamespace,
    metricName,
    dimensionsMap: { [SERVICE_DIMENSION]: source.serviceName, [WORKSPACE_DIMENSION]: workspaceId },
    statistic,
    period: PERIOD,
    label: workspaceId,
  });
}
