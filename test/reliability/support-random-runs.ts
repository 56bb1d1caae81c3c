// What the race and sequence tests share: invoking real handlers concurrently in this process, capturing
// what they print, and reading the final state of both stand-ins against DESIGN.md's invariants.
// (The harness's invoke() captures output per call, which interleaved calls would tangle; here capture
// spans a whole batch of concurrent invocations.)
import type { Context } from 'aws-lambda';
import type { createHandler, RotationReport } from '../../lambda/handler.js';
import { AWSCURRENT, AWSPENDING } from '../../lambda/secrets/labels.js';
import { parseStoredSecret } from '../../lambda/secrets/stored-secret.js';
import type { ProlificStandIn } from '../standins/prolific.js';
import type { SecretsManagerStandIn } from '../standins/secrets-manager.js';
import { captureOutput } from '../support/capture-output.js';

export type Handler = ReturnType<typeof createHandler>;

/** What one invocation gave back: its report, or the error it ended in (name and message only). */
export interface InvocationOutcome {
  readonly report?: RotationReport;
  readonly error?: { readonly name: string; readonly message: string };
}

export async function invoke(handler: Handler, event: unknown, context: Context): Promise<InvocationOutcome> {
  try {
    return { report: await handler(event, context) };
  } catch (error) {
    return { error: error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) } };
  }
}

/** Runs `work` while everything written to stdout and stderr (log lines, metrics) is captured instead of printed. */
export async function capturingOutput<T>(work: () => Promise<T>): Promise<{ value: T; output: string[] }> {
  const output: string[] = [];
  return { value: await captureOutput(output, work), output };
}

export interface TargetState {
  /** Prolific has no active secret, or AWSCURRENT holds exactly it (id and value): invariant 1. */
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

/** How many of `secrets` appear anywhere in `texts` (invariant 4: none may). */
export function countLeaks(secrets: readonly string[], texts: readonly string[]): number {
  const haystack = texts.join('\n');
  return secrets.filter((secret) => haystack.includes(secret)).length;
}

/** Every text an outcome carries that a person or a log could see. */
export function visibleTexts(outcome: InvocationOutcome): string[] {
  return [JSON.stringify(outcome.report ?? null), outcome.error ? `${outcome.error.name}: ${outcome.error.message}` : ''];
}
