// The stack's name, from the `stackName` context key: two deployments (staging and production, say) share an
// account and region under two names. Every name the stack derives follows it (the target list's SSM path,
// the secrets' descriptions); the command line finds a stack so named with `--stack <name>`.
import type { Node } from 'constructs';
import { STACK_NAME } from '../../lambda/contract/stack.js';

// CloudFormation's rule: a letter, then letters, digits and hyphens, 128 characters at most.
const CLOUDFORMATION_STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;

/** The name `-c stackName=<name>` gives, or ProlificWebhookSecretRotation. */
export function readStackName(node: Node): string {
  const value: unknown = node.tryGetContext('stackName');
  if (value === undefined) return STACK_NAME;
  const name = typeof value === 'string' ? value.trim() : undefined;
  if (name === undefined || !CLOUDFORMATION_STACK_NAME.test(name)) {
    throw new Error(
      'Context key "stackName" must be a CloudFormation stack name (a letter, then up to 127 letters, digits or "-"), ' +
        `got ${JSON.stringify(value)}`,
    );
  }
  return name;
}
