// The rotation core's own vocabulary. It knows nothing of Lambda, events or environment variables: the
// handler translates an invocation into these words, and the core works over the two interfaces it is
// handed (a Prolific client and a secret store).
import type { DeliveryHealth, ProlificClient } from '../prolific/types.js';
import type { SecretStore } from '../secrets/store.js';
import type { SecretFormat } from '../../contract/stored-secret.js';

/** What a run is asked to do for each target. */
export const ACTIONS = ['rotate', 'sync', 'status'] as const;
export type Action = (typeof ACTIONS)[number];

/** Secrets Manager's own rotation invokes the function once per step, in this order. */
export const NATIVE_STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
export type NativeStep = (typeof NATIVE_STEPS)[number];

/** One Prolific workspace whose signing secret is kept in one Secrets Manager secret. */
export interface RotationTarget {
  readonly workspaceId: string;
  /** ARN or name of the target secret (the handler resolves it to the full ARN before the core runs). */
  readonly secretId: string;
  /** What the secret's SecretString holds: the JSON shape (default) or the bare signing secret. */
  readonly format: SecretFormat;
}

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

/** The slice of Powertools' Logger the core uses. */
export interface RotationLogger {
  warn(message: string, attributes: Record<string, unknown>): void;
}

export interface RotationDependencies {
  readonly prolific: ProlificClient;
  readonly store: SecretStore;
  readonly logger: RotationLogger;
  readonly now?: () => Date;
  /** Milliseconds left before the run must have reported. @default () => Infinity */
  readonly msLeft?: () => number;
}

export interface RotationMode {
  readonly action: Action;
  /** Read and report only: no Secrets Manager write, no Prolific POST. `status` is always read-only. */
  readonly dryRun: boolean;
}
