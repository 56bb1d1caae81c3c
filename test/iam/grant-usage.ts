// Which grants the checks used: an identity statement's action counts as used when an allowed check was allowed
// by that statement for that action; its resource, when an allowed check on that resource was. What is left is
// granted and never needed, unless something the checks do not make needs it.
import type { Deployment } from './deployments.js';
import type { CheckResult } from './iam-checks.js';
import type { PolicyStatement } from './template-policies.js';

/** One action, or one resource, of one Allow statement of a role's identity policies. */
export interface GrantPart {
  readonly role: string;
  readonly policy: string;
  /** 1-based, as the evaluator counts. */
  readonly statement: number;
  readonly sid: string | undefined;
  readonly action?: string;
  readonly resource?: string;
}

const listOf = (value: unknown): string[] => [value ?? []].flat() as string[];

/** An IAM pattern (`*` and `?`) as a case-insensitive regular expression. */
function patternOf(pattern: string, caseInsensitive: boolean): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, caseInsensitive ? 'i' : '');
}

/**
 * The actions (and, with `byResource`, the resources) of the deployment's roles' Allow statements that no allowed
 * check used. `byResource` suits a configuration whose checks touch every resource it grants.
 */
export function unusedGrants(deployment: Deployment, results: readonly CheckResult[], options: { byResource: boolean }): GrantPart[] {
  const unused: GrantPart[] = [];
  for (const [role, { principal }] of deployment.roles) {
    const isRole = (candidate: CheckResult['request']['principal']) => candidate.kind === 'role' && candidate.roleArn === principal.roleArn;
    const allowed = results.filter(({ decision, request }) => decision === 'Allowed' && isRole(request.principal));
    for (const { name: policy, document } of principal.identityPolicies) {
      document.Statement.forEach((statement: PolicyStatement, index) => {
        if (statement.Effect !== 'Allow') return;
        const number = index + 1;
        const sid = statement.Sid as string | undefined;
        const usedBy = allowed.filter((result) => result.allowedBy.some((by) => by.policy === policy && by.statement === number));
        for (const action of listOf(statement.Action)) {
          const matches = patternOf(action, true);
          if (!usedBy.some(({ request }) => matches.test(request.action))) unused.push({ role, policy, statement: number, sid, action });
        }
        if (!options.byResource) return;
        for (const resource of listOf(statement.Resource)) {
          const matches = patternOf(resource, false);
          if (!usedBy.some(({ request }) => matches.test(request.resource))) {
            unused.push({ role, policy, statement: number, sid, resource });
          }
        }
      });
    }
  }
  return unused;
}

export function describeGrantPart(part: GrantPart): string {
  return `${part.role}: ${part.action ?? part.resource} (${part.sid ?? `${part.policy} statement ${part.statement}`})`;
}
