// A report as a person reads it: one row per workspace, then each failure's step and error on lines of
// their own, then one summary line. Results never hold a secret value, so neither does this.
import type { RotationReport, TargetResult } from '../lambda/contract/report.js';

interface Column {
  readonly heading: string;
  cell(result: TargetResult): string;
}

const NONE = '-';

const COLUMNS: readonly Column[] = [
  { heading: 'WORKSPACE', cell: (result) => result.workspaceId },
  { heading: 'OUTCOME', cell: (result) => result.outcome },
  { heading: 'PROLIFIC SECRET', cell: (result) => result.prolificSecretId ?? NONE },
  { heading: 'VERSION', cell: (result) => result.versionId ?? NONE },
  { heading: 'LAST ROTATED', cell: (result) => (result.lastRotatedAt === null ? NONE : result.lastRotatedAt.replace(/\.\d+Z$/, 'Z')) },
  { heading: 'DRIFT', cell: drift },
  { heading: 'DELIVERIES', cell: deliveries },
];

/** Dry runs say what a real run would do. */
const PLAN_COLUMN: Column = { heading: 'PLAN', cell: (result) => (result.plan?.length ? result.plan.join(', ') : NONE) };

export function renderReport(report: RotationReport): string {
  const columns = report.results.some((result) => result.plan !== undefined) ? [...COLUMNS, PLAN_COLUMN] : COLUMNS;
  const rows = [columns.map((column) => column.heading), ...report.results.map((result) => columns.map((column) => column.cell(result)))];
  const widths = columns.map((_, index) => Math.max(...rows.map((row) => (row[index] ?? '').length)));
  const table = rows.map((row) => row.map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0))).join('  '));
  return [...table, ...failures(report.results), ...unknownDeliveries(report.results), '', summary(report)].join('\n') + '\n';
}

function drift(result: TargetResult): string {
  if (result.currentMissing) return 'no AWSCURRENT';
  if (result.driftHealed) return 'healed';
  if (result.drift === undefined) return NONE;
  return result.drift ? 'yes' : 'no';
}

function deliveries(result: TargetResult): string {
  if (result.deliveriesError !== undefined) return 'unknown';
  if (result.deliveries === undefined) return NONE;
  const { subscriptions, disabled, failedSinceRotation } = result.deliveries;
  return `${subscriptions} subscribed, ${disabled} disabled, ${failedSinceRotation} failed`;
}

function failures(results: readonly TargetResult[]): string[] {
  const failed = results.filter((result) => result.outcome === 'failed');
  if (failed.length === 0) return [];
  return [
    '',
    'Failed:',
    ...failed.flatMap((result) => [
      `  ${result.workspaceId} at ${result.failedStep ?? 'an unknown step'}:`,
      ...indented(result.error ?? 'no error given', '    '),
    ]),
  ];
}

function unknownDeliveries(results: readonly TargetResult[]): string[] {
  const unknown = results.filter((result) => result.deliveriesError !== undefined);
  if (unknown.length === 0) return [];
  const lines = unknown.flatMap((result) => indented(`${result.workspaceId}: ${result.deliveriesError}`, '  '));
  return ['', 'Delivery health unknown:', ...lines];
}

function indented(text: string, indent: string): string[] {
  return text.split('\n').map((line) => `${indent}${line}`);
}

/** e.g. "rotate: 5 workspaces, 4 rotated, 1 failed". */
function summary({ action, dryRun, results }: RotationReport): string {
  const counts = new Map<string, number>();
  for (const { outcome } of results) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  const outcomes = [...counts].map(([outcome, count]) => `${count} ${outcome}`);
  return [`${action}${dryRun ? ' (dry run)' : ''}: ${results.length} workspace${results.length === 1 ? '' : 's'}`, ...outcomes].join(', ');
}
