// What an invocation reports, as data: the report's shape, and the report read back from the message of
// the error a failed invocation ends in. Free of Powertools and middy, so the command line can import it.
import type { TargetResult } from '../rotation-function/rotation/types.js';

/** What an invocation returns. Never holds a secret value or the token. */
export interface RotationReport {
  readonly action: string;
  readonly dryRun: boolean;
  readonly results: readonly TargetResult[];
}

/** What starts the last line of RotationFailedError's message: the whole report as JSON, for programs. */
export const REPORT_LINE_PREFIX = 'Report: ';

/** The report a RotationFailedError's message carries, or undefined when the message carries none. */
export function reportFromErrorMessage(message: string): RotationReport | undefined {
  const line = message.split('\n').findLast((candidate) => candidate.startsWith(REPORT_LINE_PREFIX));
  if (line === undefined) return undefined;
  try {
    const report = JSON.parse(line.slice(REPORT_LINE_PREFIX.length)) as Partial<RotationReport> | null;
    return typeof report?.action === 'string' && Array.isArray(report.results) ? (report as RotationReport) : undefined;
  } catch {
    return undefined;
  }
}
