// Least privilege, evaluated: the calls of a representative run recorded against the stand-ins, every
// configuration synthesized, and each configuration's checks (every recorded call and what AWS's services do
// must be allowed; the must-never list must be denied) evaluated against its template's policies, with the
// grants no allowed check used.
import { recordedChecks, serviceChecks } from './allowed-calls.js';
import { CONFIGURATIONS } from './configurations.js';
import type { Deployment } from './deployments.js';
import { unusedGrants, type GrantPart } from './grant-usage.js';
import { runChecks, type CheckResult, type IamCheck } from './iam-checks.js';
import { neverAllowed } from './never-allowed.js';
import { recordRepresentativeRuns, type RecordedRuns } from './record-runs.js';

export interface ConfigurationEvaluation {
  readonly key: string;
  readonly deployment: Deployment;
  readonly results: readonly CheckResult[];
  readonly unused: readonly GrantPart[];
}

export interface LeastPrivilegeEvaluation {
  readonly recorded: RecordedRuns;
  readonly configurations: readonly ConfigurationEvaluation[];
}

/**
 * Grants no check uses, each a finding to report (these checks never change the infrastructure), with why it
 * is there. The tests fail on any other unused grant, and on a finding that is no longer one.
 */
export const UNUSED_GRANT_FINDINGS: readonly { readonly matches: (part: GrantPart) => boolean; readonly why: string }[] = [
  {
    matches: ({ role, action }) => role === 'rotation-function' && (action === 'sqs:GetQueueAttributes' || action === 'sqs:GetQueueUrl'),
    why: "SqsDestination grants the function's role queue.grantSendMessages; Lambda's on-failure destination only sends (sqs:SendMessage)",
  },
  {
    matches: ({ role, resource }) => role === 'scheduler' && resource?.endsWith(':*') === true,
    why:
      "LambdaInvoke grants the scheduler's role the function's versions and aliases (<function ARN>:*); " +
      'the schedules invoke the function itself',
  },
];

// Below this many workspaces every workspace's secret is checked, so a granted resource nothing touched is unused too.
const BY_RESOURCE_BELOW = 10;

export async function evaluateLeastPrivilege(): Promise<LeastPrivilegeEvaluation> {
  const recorded = await recordRepresentativeRuns();
  const configurations: ConfigurationEvaluation[] = [];
  for (const { key, name, synthesize } of CONFIGURATIONS) {
    const deployment = synthesize(name);
    const checks = [...recordedChecks(deployment, recorded.calls), ...serviceChecks(deployment), ...neverAllowed(deployment)];
    const results = await runChecks(deployment, uniqueChecks(checks));
    const unused = unusedGrants(deployment, results, { byResource: deployment.workspaces.length < BY_RESOURCE_BELOW });
    configurations.push({ key, deployment, results, unused });
  }
  return { recorded, configurations };
}

/** The checks, each request once (secrets that share a key cause the same KMS request many times over). */
function uniqueChecks(checks: readonly IamCheck[]): IamCheck[] {
  const seen = new Set<string>();
  return checks.filter(({ who, request, expected }) => {
    const { principal, ...rest } = request;
    const key = JSON.stringify([who, principal.kind === 'role' ? principal.roleArn : principal, rest, expected]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
