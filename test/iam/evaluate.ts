// One request evaluated by a real IAM policy evaluator (@cloud-copilot/iam-simulate): the principal's identity
// policies and the resource's policy, with the request context AWS would give it. The evaluator's pitfalls are
// handled here once: a request it cannot evaluate (an unknown action, a resource of the wrong type, an invalid
// policy) comes back as `resultType: 'error'`, not as a denial; a context key that does not apply to the action
// is silently dropped (`ignoredContextKeys`); the global keys (aws:PrincipalArn, ...) are not derived from the
// principal; and the resource owner's account is taken as given, not from the ARN.
import { runSimulation, anonymousPrincipal, type Simulation } from '@cloud-copilot/iam-simulate';
import type { ConditionKeys } from '../../local/standins/call-recorder.js';
import type { NamedPolicy, PolicyDocument } from './template-policies.js';

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/** Who makes a request: a role (as a session of it), an AWS service, or nobody (an unsigned request). */
export type Principal =
  | { readonly kind: 'role'; readonly roleArn: string; readonly sessionName: string; readonly identityPolicies: readonly NamedPolicy[] }
  | { readonly kind: 'service'; readonly service: string }
  | { readonly kind: 'anonymous' };

export interface IamRequest {
  readonly principal: Principal;
  readonly action: string;
  /** A concrete ARN. */
  readonly resource: string;
  /** The request's own condition keys (events:source, kms:ViaService, aws:SourceArn, ...). */
  readonly context?: ConditionKeys;
}

/** An identity statement that allowed a request: its policy and its position (1-based) there. */
export interface AllowingStatement {
  readonly policy: string;
  readonly statement: number;
}

export interface Evaluation {
  readonly decision: Decision;
  readonly allowedBy: readonly AllowingStatement[];
}

export class EvaluationError extends Error {
  override readonly name = 'EvaluationError';
}

export async function evaluate(request: IamRequest, resourcePolicy: PolicyDocument | undefined): Promise<Evaluation> {
  const { principal } = request;
  const result = await runSimulation(
    {
      request: {
        principal: principalOf(principal),
        action: request.action,
        resource: { resource: request.resource, accountId: accountOf(request.resource) },
        contextVariables: { ...globalKeysOf(principal), ...(request.context as Record<string, string | string[]> | undefined) },
      },
      identityPolicies: principal.kind === 'role' ? principal.identityPolicies.map(({ name, document: policy }) => ({ name, policy })) : [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(resourcePolicy === undefined ? {} : { resourcePolicy }),
    } satisfies Simulation,
    {},
  );
  const described = `${request.action} on ${request.resource}`;
  if (result.resultType === 'error') throw new EvaluationError(`${described} could not be evaluated: ${JSON.stringify(result.errors)}`);
  if (result.resultType !== 'single') throw new EvaluationError(`${described}: the resource must be a concrete ARN`);
  const ignored = result.result.ignoredContextKeys ?? [];
  if (ignored.length > 0) throw new EvaluationError(`${described}: IAM has no context keys ${ignored.join(', ')} for this action`);
  const allowing = result.result.analysis.identityAnalysis?.allowStatements ?? [];
  const allowedBy = allowing.map(({ policyId, statement }) => ({ policy: policyId, statement: statement.index() }));
  return { decision: result.overallResult, allowedBy };
}

function principalOf(principal: Principal): Simulation['request']['principal'] {
  switch (principal.kind) {
    case 'role': {
      const [, , , , account, path = ''] = principal.roleArn.split(':');
      return `arn:aws:sts::${account}:assumed-role/${path.slice('role/'.length).split('/').at(-1)}/${principal.sessionName}`;
    }
    case 'service':
      return principal.service;
    case 'anonymous':
      return anonymousPrincipal;
  }
}

/** The global condition keys AWS sets for every request of the principal, over TLS as the SDKs send them. */
function globalKeysOf(principal: Principal): Record<string, string> {
  switch (principal.kind) {
    case 'role':
      return {
        'aws:PrincipalArn': principal.roleArn,
        'aws:PrincipalAccount': accountOf(principal.roleArn),
        'aws:PrincipalType': 'AssumedRole',
        'aws:SecureTransport': 'true',
      };
    case 'service':
      return { 'aws:PrincipalIsAWSService': 'true', 'aws:PrincipalServiceName': principal.service, 'aws:SecureTransport': 'true' };
    case 'anonymous':
      return { 'aws:SecureTransport': 'true' };
  }
}

/** The account in an ARN (the resource's owner): iam-simulate takes it as given and compares it with the principal's. */
export function accountOf(arn: string): string {
  const account = arn.split(':')[4];
  if (account === undefined || !/^\d{12}$/.test(account)) throw new EvaluationError(`No account in ARN ${arn}`);
  return account;
}
