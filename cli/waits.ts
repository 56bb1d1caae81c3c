// How long the command line waits for AWS: a few seconds for a call that reads, and for an invocation as long
// as the function may run (its own timeout, and margins), said in one line before it starts waiting: a
// synchronous invocation answers only when the run ends.

/** --call-timeout's default: how long one try of a call waits to connect, and then for its answer. */
export const DEFAULT_CALL_TIMEOUT_SECONDS = 5;
/** Tries of a CloudFormation or SSM call (the SDK's standard retries, timeouts included). */
export const READ_ATTEMPTS = 3;

/**
 * Lambda's limit on a function's init phase: a cold invocation may spend it before the function's own
 * timeout starts counting.
 */
const INIT_LIMIT_SECONDS = 10;

/** The function's timeout, Lambda's init limit, and one call's time on the network (--call-timeout). */
export function invocationWaitSeconds(functionTimeoutSeconds: number, callTimeoutSeconds: number): number {
  return functionTimeoutSeconds + INIT_LIMIT_SECONDS + callTimeoutSeconds;
}

export interface PlannedInvocations {
  readonly functionName: string;
  readonly functionTimeoutSeconds: number;
  /** The workspaces the invocations run for; undefined for `invoke --event`. */
  readonly workspaces?: number;
  readonly invocations: number;
}

/** e.g. "Invoking fn for 25 workspaces; this can take up to 13 min (the function's timeout)…" */
export function waitNotice({ functionName, functionTimeoutSeconds, workspaces, invocations }: PlannedInvocations): string {
  const upTo = `up to ${duration(functionTimeoutSeconds)} (the function's timeout)`;
  const forWhom = workspaces === undefined ? '' : ` for ${workspaces} workspace${workspaces === 1 ? '' : 's'}`;
  if (invocations <= 1) return `Invoking ${functionName}${forWhom}; this can take ${upTo}…`;
  return `Invoking ${functionName}${forWhom} in ${invocations} invocations, one at a time; each can take ${upTo}…`;
}

/** "45 s", "13 min", "2 min 30 s". */
export function duration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds % 60);
  if (minutes === 0) return `${rest} s`;
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}
