// The rotation core's own vocabulary. It knows nothing of Lambda, events or environment variables: the
// handler translates an invocation into these words, and the core works over the two interfaces it is
// handed (a Prolific client and a secret store).
import type { Action } from '../../contract/report.js';
import type { ProlificClient } from '../prolific/types.js';
import type { SecretStore } from '../secrets/store.js';
import type { SecretFormat } from '../../contract/secret-formats.js';

/** One Prolific workspace whose signing secret is kept in one Secrets Manager secret. */
export interface RotationTarget {
  readonly workspaceId: string;
  /** ARN or name of the target secret (the handler resolves it to the full ARN before the core runs). */
  readonly secretId: string;
  /** What the secret's SecretString holds: the JSON shape (default) or the bare signing secret. */
  readonly format: SecretFormat;
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
