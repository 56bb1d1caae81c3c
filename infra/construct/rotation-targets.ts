import { createHash } from 'node:crypto';
import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import type { SecretFormat } from '../../lambda/contract/secret-formats.js';
import { packInOrder } from './pack-in-order.js';

/** One entry of the target list the function reads (`lambda/rotation-function/config.ts`). */
export interface TargetEntry {
  readonly workspaceId: string;
  /** The secret's full ARN or name; a token for a secret the stack creates. */
  readonly secretId: string;
  /** Left out for the default, `json`. */
  readonly format?: SecretFormat;
}

/** Where the target list is: the path the function reads, and the parameters under it, in list order. */
export interface TargetParameters {
  readonly path: string;
  readonly parameters: readonly ssm.StringParameter[];
  /**
   * A fingerprint of the list: the same for the same list, another for any change (a workspace, its secret,
   * its format, the order). The function's environment carries it, so that a new list reaches every
   * execution environment (each reads the list once).
   */
  readonly version: string;
}

/** The most a standard-tier parameter holds (an advanced one holds more, and costs per parameter and month). */
export const MAX_PARAMETER_VALUE_LENGTH = 4096;

// A secret id that is still a token (the ARN of a secret the stack creates) is counted at the longest a
// Secrets Manager ARN can be once CloudFormation resolves it, so no parameter can outgrow its tier:
// "arn:" + partition (16; the longest today, "aws-us-gov", has 10) + ":secretsmanager:" + region (32; the
// longest today have 14) + ":" + account (12) + ":secret:" + name (512, Secrets Manager's limit) + "-" and
// the 6 characters Secrets Manager adds.
export const MAX_RESOLVED_SECRET_ARN_LENGTH = 'arn:'.length + 16 + ':secretsmanager:'.length + 32 + 1 + 12 + ':secret:'.length + 512 + 7;

// The names sort as the list does while their numbers have the same width: three digits are more
// parameters than a stack can hold (500 resources).
const INDEX_DIGITS = 3;
// Parameter Store refuses names that begin with these, in any case.
const RESERVED_NAME_PREFIX = /^\/?(aws|ssm)/i;

/**
 * Writes the target list as JSON arrays into standard String parameters under a path of this construct's own
 * (`/<stack name>/<construct path>/rotation-targets/000`, `.../001`, ...), each holding as many entries, in
 * order, as fit. They are written one after another: Parameter Store throttles many writes at once.
 */
export function createTargetParameters(scope: Construct, targets: readonly TargetEntry[]): TargetParameters {
  const path = targetsParameterPath(scope);
  const stack = Stack.of(scope);
  const parameters = packInOrder(targets, {
    budget: MAX_PARAMETER_VALUE_LENGTH,
    base: '[]'.length,
    // The comma before each entry: one too many for the first, which keeps the sum an upper bound.
    sizeOf: (entry) => resolvedEntryLength(entry) + ','.length,
  }).map((chunk, index) => {
    const number = String(index).padStart(INDEX_DIGITS, '0');
    return new ssm.StringParameter(scope, `RotationTargets${number}`, {
      parameterName: `${path}/${number}`,
      stringValue: stack.toJsonString(chunk),
      tier: ssm.ParameterTier.STANDARD,
      description:
        `Rotation targets ${number} of the Prolific webhook secret rotation in stack ${stack.stackName}. ` +
        'Written by the stack; do not edit.',
    });
  });
  parameters.forEach((parameter, index) => {
    const previous = parameters[index - 1];
    if (previous) parameter.node.addDependency(previous);
  });
  return { path, parameters, version: fingerprint(stack, targets) };
}

/** The list as CloudFormation will see it (a secret the stack creates by its logical id), hashed. */
function fingerprint(stack: Stack, targets: readonly TargetEntry[]): string {
  return createHash('sha256').update(JSON.stringify(stack.resolve(targets))).digest('hex').slice(0, FINGERPRINT_LENGTH);
}

const FINGERPRINT_LENGTH = 16;

/** Lets the function list the parameters under `path` (GetParametersByPath is authorized on the path alone). */
export function grantTargetsRead(fn: lambda.IFunction, path: string): void {
  fn.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'ReadRotationTargets',
      actions: ['ssm:GetParametersByPath'],
      resources: [Stack.of(fn).formatArn({ service: 'ssm', resource: 'parameter', resourceName: path.slice(1) })],
    }),
  );
}

/** The length of an entry's JSON once deployed, with a token secret id counted at its longest. */
function resolvedEntryLength(entry: TargetEntry): number {
  const secretId = Token.isUnresolved(entry.secretId) ? 'x'.repeat(MAX_RESOLVED_SECRET_ARN_LENGTH) : entry.secretId;
  return JSON.stringify({ ...entry, secretId }).length;
}

/** `/<stack name>/<this construct's path in the stack>/rotation-targets`, in the characters Parameter Store allows. */
function targetsParameterPath(scope: Construct): string {
  const stack = Stack.of(scope);
  const below = scope.node.scopes.slice(scope.node.scopes.indexOf(stack) + 1);
  const path = `/${[stack.stackName, ...below.map(({ node }) => node.id.replace(/[^A-Za-z0-9_.-]/g, '-')), 'rotation-targets'].join('/')}`;
  if (!Token.isUnresolved(stack.stackName) && RESERVED_NAME_PREFIX.test(path)) {
    throw new Error(
      `The rotation targets are stored under ${path}, but Parameter Store refuses names that begin with "aws" or "ssm": ` +
        `give stack "${stack.stackName}" a name that does not`,
    );
  }
  return path;
}
