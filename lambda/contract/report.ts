// What an invocation reports, as data: the actions, outcomes and steps it speaks of, each target's line, the
// report's shape, and the report read back from the message of the error a failed invocation ends in. The
// function, the command line and the console share it; it imports nothing.

/** What a run is asked to do for each target. */
export const ACTIONS = ['rotate', 'sync', 'status'] as const;
export type Action = (typeof ACTIONS)[number];

/** Secrets Manager's own rotation invokes the function once per step, in this order. */
export const NATIVE_STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
export type NativeStep = (typeof NATIVE_STEPS)[number];

export type Outcome = 'rotated' | 'healed' | 'resumed' | 'unchanged' | 'would-rotate' | 'would-heal' | 'failed';

/** What a real run would do to a target, in order; a dry run reports it as `plan`. */
export type PlannedStep = 'resume' | 'drop-pending' | 'heal' | 'rotate';

/** The protocol's steps, in order; `store` and `confirm` repeat while a concurrent rotation overtakes the run. */
export type ProtocolStep = 'pre-flight' | 'resume' | 'reconcile' | 'write-check' | 'rotate' | 'store' | 'confirm';

/** The step a target was in: logged as `rotation_step`, and named in a failure. */
export type RotationStep = ProtocolStep | NativeStep;

/** One target's line of the report. Never holds a secret value. */
export interface TargetResult {
  readonly workspaceId: string;
  readonly secretId: string;
  readonly outcome: Outcome;
  /** Prolific's active secret id at the end (what AWSCURRENT holds after a successful run). */
  readonly prolificSecretId: string | null;
  /** The AWSCURRENT version id at the end. */
  readonly versionId: string | null;
  /** When AWSCURRENT was written by a rotation or heal (`rotated_at`), if known. */
  readonly lastRotatedAt: string | null;
  /** Read-only runs only: whether AWSCURRENT differs from Prolific's active secret. */
  readonly drift?: boolean;
  /** Dry runs only: what a real run would do, in order (e.g. heal, then rotate); empty when nothing. */
  readonly plan?: readonly PlannedStep[];
  /**
   * True when the run found no version labelled AWSCURRENT at all: receivers had no key. A read-only run
   * reports it; a sync or rotate repairs it (and still reports it, so the repair raises an alarm).
   */
  readonly currentMissing?: boolean;
  /**
   * True when a run stored Prolific's active secret over another secret AWSCURRENT held: something outside
   * this function's runs changed Prolific's secret (someone rotated it in the Prolific app, or a POST
   * Prolific completed after the client gave up). Repaired, but a person should hear of it.
   */
  readonly driftHealed?: boolean;
  /** `status` and `sync` only: what Prolific knows of the workspace's deliveries since the current secret. */
  readonly deliveries?: DeliveryHealth;
  /** `status` and `sync` only, when delivery health could not be read: why. The outcome stands. */
  readonly deliveriesError?: string;
  /** Failed runs only: why, and what it means for receivers. */
  readonly error?: string;
  /** Failed runs only: the step that failed. */
  readonly failedStep?: RotationStep;
}

/** What Prolific knows of a workspace's deliveries: whether receivers are verifying with the stored secret. */
export interface DeliveryHealth {
  /** Enabled subscriptions. */
  readonly subscriptions: number;
  /** Disabled subscriptions: Prolific disables one after 5 days of failed deliveries. */
  readonly disabled: number;
  /**
   * Deliveries created since the current secret was rotated in that failed, each counted once (by event id).
   * Exact unless `failureCount` says otherwise.
   */
  readonly failedSinceRotation: number;
  /** When the latest of those counted was created, if any. */
  readonly lastFailureAt: string | null;
  /**
   * Absent when `failedSinceRotation` is exact. `'lower-bound'`: at least that many failed, but some pages of
   * a subscription's events were left unread (more than the 10 pages read per subscription would hold, or
   * Prolific answered the same page again). `'not-read'`: the current secret's rotation time is unknown (a
   * placeholder), so no events were read and `failedSinceRotation` is 0.
   */
  readonly failureCount?: 'lower-bound' | 'not-read';
}

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
