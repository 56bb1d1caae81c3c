// The command line's exit statuses and the two errors that end a run before it has a report to show.
import type { RotationReport } from '../lambda/contract/report.js';

/** Exit statuses, as `--help` and docs/cli.md list them. */
export const EXIT = {
  /** Every workspace succeeded. */
  ok: 0,
  /** One or more workspaces failed; the report was still printed. */
  workspaceFailed: 1,
  /** The command line itself was wrong. */
  usage: 2,
  /** Nothing (or not everything) ran: credentials, region, stack, function, access, a run in progress... */
  couldNotRun: 3,
} as const;

/** The arguments are wrong: the message says which and how to write them. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The run could not start or could not finish: one or two lines saying what went wrong and what to do.
 * `report` holds what the batches before the failure reported, if any ran.
 */
export class CouldNotRunError extends Error {
  constructor(
    message: string,
    readonly report?: RotationReport,
  ) {
    super(message);
    this.name = 'CouldNotRunError';
  }
}
