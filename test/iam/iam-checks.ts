// A check is one request against one deployment and the decision IAM must reach: Allowed for what the code
// and AWS's services do, Denied for what must never be allowed. Each says why, for the report.
import { resourcePolicyFor, type Deployment, type RolePrincipal } from './deployments.js';
import { evaluate, type AllowingStatement, type Decision, type IamRequest } from './evaluate.js';

export type Expected = 'Allowed' | 'Denied';

/**
 * Where a check comes from: a recorded call, a call an AWS service makes for it, a call a library makes on a path
 * the run does not reach, a service's own call, or the must-never list.
 */
export type CheckSource = 'recorded' | 'on behalf' | 'library' | 'service' | 'never';

export interface IamCheck {
  /** Who makes the request, by name: `rotation-function`, `cloudwatch.amazonaws.com`, `another account`, ... */
  readonly who: string;
  /** What the request touches, by role: `target secret`, `token secret`, `default event bus`, ... */
  readonly resourceLabel: string;
  readonly request: IamRequest;
  readonly expected: Expected;
  readonly source: CheckSource;
  /** Why the request is made (or must never be allowed). */
  readonly why: string;
}

export interface CheckResult extends IamCheck {
  readonly decision: Decision;
  readonly allowedBy: readonly AllowingStatement[];
}

/** Evaluates every check against the deployment's policies. */
export async function runChecks(deployment: Deployment, checks: readonly IamCheck[]): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    const evaluation = await evaluate(check.request, resourcePolicyFor(deployment, check.request.resource));
    results.push({ ...check, ...evaluation });
  }
  return results;
}

export function meetsExpectation(result: CheckResult): boolean {
  return result.expected === 'Allowed' ? result.decision === 'Allowed' : result.decision !== 'Allowed';
}

/** The role of a deployment by name; throws when the configuration has no such role. */
export function roleNamed(deployment: Deployment, name: string): RolePrincipal {
  const role = deployment.roles.get(name);
  if (role === undefined) throw new Error(`${deployment.name} has no role ${name}`);
  return role.principal;
}

/**
 * The condition keys Secrets Manager's call to KMS carries when it encrypts or decrypts a secret's version for a
 * caller. Its encryption context is {SecretARN, SecretVersionId}; iam-simulate does not take a value for a key
 * named after a context key (kms:EncryptionContext:SecretARN), so only the keys' names go in.
 */
export function viaSecretsManager(deployment: Deployment): Record<string, string | string[]> {
  return {
    'kms:ViaService': `secretsmanager.${deployment.region}.amazonaws.com`,
    'kms:CallerAccount': deployment.account,
    'kms:EncryptionContextKeys': ['SecretARN', 'SecretVersionId'],
  };
}
