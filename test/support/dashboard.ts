import type { Template } from 'aws-cdk-lib/assertions';

/** One widget of a dashboard body, as much of it as the tests read. */
export interface DashboardWidget {
  readonly type: string;
  readonly properties: {
    readonly title?: string;
    readonly alarms?: string[];
    /** Each entry: `[namespace, name, dimension, value, ..., options]`, or `[options]` for an expression. */
    readonly metrics?: unknown[][];
  };
}

/**
 * The body of the template's one dashboard, parsed as CloudWatch reads it. The references CloudFormation
 * fills in are written as Fn::Sub writes them: `${AWS::Region}`, `${<logical id>.Arn}`.
 */
interface DashboardResource {
  readonly Properties: { readonly DashboardBody: string | { 'Fn::Join': [string, unknown[]] } };
}

export function dashboardWidgets(template: Template): DashboardWidget[] {
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as DashboardResource[];
  const [dashboard] = dashboards;
  if (dashboard === undefined) throw new Error('The template has no dashboard.');
  const body = dashboard.Properties.DashboardBody;
  const text =
    typeof body === 'string'
      ? body
      : body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : `\${${referenceName(part)}}`)).join('');
  return (JSON.parse(text) as { widgets: DashboardWidget[] }).widgets;
}

/** The expressions of every graph (SEARCH and metric math), and the metrics named one by one, as `namespace/name/dimension=value...`. */
export function graphedLines(widgets: readonly DashboardWidget[]): { expressions: string[]; metrics: string[] } {
  const entries = widgets.flatMap((widget) => widget.properties.metrics ?? []);
  const options = (entry: unknown[]) => entry[entry.length - 1] as { expression?: string };
  return {
    expressions: entries.flatMap((entry) => {
      const { expression } = options(entry);
      return expression === undefined ? [] : [expression];
    }),
    metrics: entries
      .filter((entry) => options(entry).expression === undefined)
      .map((entry) => {
        const [namespace, name, ...dimensions] = entry.slice(0, -1) as string[];
        const pairs = Array.from({ length: dimensions.length / 2 }, (_, index) => `${dimensions[2 * index]}=${dimensions[2 * index + 1]}`);
        return [namespace, name, ...pairs].join('/');
      }),
  };
}

function referenceName(part: unknown): string {
  const reference = part as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  if (reference.Ref !== undefined) return reference.Ref;
  if (reference['Fn::GetAtt'] !== undefined) return reference['Fn::GetAtt'].join('.');
  throw new Error(`Unexpected reference in the dashboard body: ${JSON.stringify(part)}`);
}
