// What the race and sequence tests check once their runs have finished: where each target's labels
// ended up against Prolific's active secret, and whether any secret value or the token was printed or
// returned.
import { AWSCURRENT, AWSPENDING } from '../../../lambda/contract/staging-labels.js';
import { parseStoredSecret } from '../../../lambda/contract/stored-secret.js';
import type { ProlificStandIn } from '../../../local/standins/prolific.js';
import type { SecretsManagerStandIn } from '../../../local/standins/secrets-manager.js';
import type { ErrorSummary, InvocationOutcome } from '../../../local/invoke-handler.js';

export interface TargetState {
  /**
   * Prolific has no active secret, or AWSCURRENT holds exactly it (id and value): invariant 1 (after a
   * successful run, AWSCURRENT holds Prolific's active secret).
   */
  readonly inSync: boolean;
  /** AWSPENDING sits on a version other than AWSCURRENT (a rotation left in flight). */
  readonly pendingLeft: boolean;
}

export function targetState(
  prolific: ProlificStandIn,
  secretsManager: SecretsManagerStandIn,
  target: { readonly workspaceId: string; readonly secretId: string },
): TargetState {
  const stored = parseStoredSecret(secretsManager.valueAt(target.secretId, AWSCURRENT));
  const active = prolific.activeSecret(target.workspaceId);
  const versions = secretsManager.versions(target.secretId);
  const holder = (stage: string) => versions.find((version) => version.stages.includes(stage));
  return {
    inSync: active === undefined || (stored?.id === active.id && stored.value === active.value),
    pendingLeft: holder(AWSPENDING) !== undefined && holder(AWSPENDING) !== holder(AWSCURRENT),
  };
}

/** How many of `secrets` appear anywhere in `texts` (invariant 4: no secret value or token in logs, errors or results). */
export function countLeaks(secrets: readonly string[], texts: readonly string[]): number {
  const haystack = texts.join('\n');
  return secrets.filter((secret) => haystack.includes(secret)).length;
}

/** Every text an outcome carries that a person or a log could see. */
export function visibleTexts(outcome: InvocationOutcome<ErrorSummary>): string[] {
  return [JSON.stringify(outcome.report ?? null), outcome.error ? `${outcome.error.name}: ${outcome.error.message}` : ''];
}
