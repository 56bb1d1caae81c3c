import { CfnResource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct, IConstruct } from 'constructs';

/** CloudFormation's limit on the resources of one stack. */
const MAX_STACK_RESOURCES = 500;
/** The managed policies IAM attaches to one role without a quota increase. */
const MAX_MANAGED_POLICIES_PER_ROLE = 10;

/** The resources the stack of `scope` holds so far (a nested stack's own resources are its own). */
function stackResourceCount(scope: IConstruct): number {
  const stack = Stack.of(scope);
  return stack.node.findAll().filter((construct) => CfnResource.isCfnResource(construct) && Stack.of(construct) === stack).length;
}

/** What is wrong when the stack of `scope` holds more resources than CloudFormation allows; `advice` says what to do. */
function resourceLimitProblem(scope: IConstruct, advice: string): string | undefined {
  const count = stackResourceCount(scope);
  if (count <= MAX_STACK_RESOURCES) return undefined;
  return (
    `Stack ${Stack.of(scope).stackName} would hold ${count} resources; CloudFormation allows ${MAX_STACK_RESOURCES} in one stack. ` +
    advice
  );
}

/**
 * What is wrong when `role` needs more managed policies than IAM attaches without a quota increase: CDK moves
 * what overflows the role's inline policy into managed policies (OverflowPolicy1, 2, ...) at synthesis, and
 * only warns past 10. `advice` says what to do.
 */
function managedPolicyLimitProblem(role: iam.Role, advice: string): string | undefined {
  const count = role.node.children.filter((child) => child instanceof iam.ManagedPolicy).length;
  if (count <= MAX_MANAGED_POLICIES_PER_ROLE) return undefined;
  return (
    `Role ${role.node.path} needs ${count} managed policies for its permissions; IAM attaches at most ` +
    `${MAX_MANAGED_POLICIES_PER_ROLE} to a role without a quota increase. ${advice}`
  );
}

/**
 * CloudFormation's 500 resources and IAM's 10 managed policies a role, for the rotation construct `scope`:
 * checked now, so that what the construct adds fails at once with one clear line, and again at synthesis, when
 * everything is in the stack (resources added after the construct, and the managed policies CDK splits an
 * oversize policy into). `createdSecrets`: how many workspace secrets the construct creates.
 */
export function checkDeploymentLimits(scope: Construct, role: iam.Role, createdSecrets: number): void {
  const split = 'split the workspaces across stacks (one construct each).';
  const resourceAdvice =
    createdSecrets === 0
      ? `Leave out other resources, or ${split}`
      : `The construct creates a secret for ${createdSecrets} of the workspaces: adopt existing secrets instead (the ` +
        `workspace's "secret"; in the app, context "workspaces" with <workspace id>=<secret name or ARN>), or ${split}`;
  // The figure is measured: deployment-limits.test.ts synthesizes exactly these 600 and counts the policies.
  const policyAdvice =
    'The rotation function is granted each workspace secret (and each customer-managed KMS key) by ARN, and the ' +
    'ARNs set how many fit: 600 workspaces adopted by complete ARN, with names like prolific/<24 hex digits> and ' +
    'no KMS key of their own, synthesize with 10 managed policies. Share KMS keys between secrets, adopt secrets ' +
    `by complete ARN with names that short, or ${split}`;
  const immediate = resourceLimitProblem(scope, resourceAdvice);
  if (immediate !== undefined) throw new Error(immediate);
  scope.node.addValidation({
    validate: () =>
      [resourceLimitProblem(scope, resourceAdvice), managedPolicyLimitProblem(role, policyAdvice)].filter(
        (problem): problem is string => problem !== undefined,
      ),
  });
}
