// The calls the code makes, as IAM sees them, by role rather than by name: the stand-ins' account, Region and
// test names say nothing about a deployment, so each recorded call is kept as who makes it (the rotation
// function, the example receiver, the receiver kit) and what it touches (the token secret, a workspace's
// target secret, the default event bus, the targets' SSM path, the example's idempotency table), with the
// request's condition keys. A
// deployment (deployments.ts) turns each back into concrete ARNs.
import type { ConditionKeys, RecordedAwsCall } from '../../local/standins/call-recorder.js';

export const PRINCIPAL_ROLES = ['rotation-function', 'example-receiver', 'receiver-kit'] as const;
export type PrincipalRole = (typeof PRINCIPAL_ROLES)[number];

export type ResourceRole = 'token-secret' | 'target-secret' | 'default-event-bus' | 'targets-parameter-path' | 'idempotency-table';

export interface RoleCall {
  readonly principal: PrincipalRole;
  readonly action: string;
  readonly resource: ResourceRole;
  readonly conditionKeys: ConditionKeys;
  /** How many recorded calls this one stands for. */
  readonly count: number;
}

// Values that identify one request (a version id) rather than what kind of request it is.
const PER_REQUEST_KEYS = new Set(['secretsmanager:VersionId']);

/**
 * The recorded calls by role, each kind once (with how many there were). Throws for a call whose access key,
 * resource or action is not known: every call must be accounted for.
 */
export function roleCallsOf(
  recorded: readonly RecordedAwsCall[],
  principals: ReadonlyMap<string, PrincipalRole>,
  resources: ReadonlyMap<string, ResourceRole>,
): RoleCall[] {
  const calls = new Map<string, RoleCall>();
  for (const call of recorded) {
    const principal = principals.get(call.accessKeyId ?? '');
    const resource = resources.get(call.resource);
    if (principal === undefined || resource === undefined || call.action === undefined) {
      throw new Error(`A call nobody accounts for: ${JSON.stringify(call)}`);
    }
    const kind = JSON.stringify([
      principal,
      call.action,
      resource,
      Object.entries(call.conditionKeys)
        .map(([key, value]) => [key, PER_REQUEST_KEYS.has(key) ? '*' : value])
        .sort(),
    ]);
    const seen = calls.get(kind);
    const conditionKeys = seen?.conditionKeys ?? call.conditionKeys;
    calls.set(kind, { principal, action: call.action, resource, conditionKeys, count: (seen?.count ?? 0) + 1 });
  }
  return [...calls.values()];
}

/** A call as one line: `secretsmanager:GetSecretValue target-secret {"secretsmanager:VersionStage":"AWSCURRENT"}`. */
export function describeRoleCall(call: Pick<RoleCall, 'action' | 'resource' | 'conditionKeys'>): string {
  const keys = Object.keys(call.conditionKeys).length === 0 ? '' : ` ${JSON.stringify(call.conditionKeys)}`;
  return `${call.action} ${call.resource}${keys}`;
}
