import { CfnResource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';

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
export function resourceLimitProblem(scope: IConstruct, advice: string): string | undefined {
  const count = stackResourceCount(scope);
  if (count <= MAX_STACK_RESOURCES) return undefined;
  return `Stack ${Stack.of(scope).stackName} would hold ${count} resources; CloudFormation allows ${MAX_STACK_RESOURCES} in one stack. ${advice}`;
}

/**
 * What is wrong when `role` needs more managed policies than IAM attaches without a quota increase: CDK moves
 * what overflows the role's inline policy into managed policies (OverflowPolicy1, 2, ...) at synthesis, and
 * only warns past 10. `advice` says what to do.
 */
export function managedPolicyLimitProblem(role: iam.Role, advice: string): string | undefined {
  const count = role.node.children.filter((child) => child instanceof iam.ManagedPolicy).length;
  if (count <= MAX_MANAGED_POLICIES_PER_ROLE) return undefined;
  return (
    `Role ${role.node.path} needs ${count} managed policies for its permissions; IAM attaches at most ` +
    `${MAX_MANAGED_POLICIES_PER_ROLE} to a role without a quota increase. ${advice}`
  );
}
