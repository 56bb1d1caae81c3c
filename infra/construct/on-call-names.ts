import { createHash } from 'node:crypto';
import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The longest name CloudWatch gives an alarm, and CloudWatch Logs a saved query. */
export const MAX_ON_CALL_NAME_LENGTH = 255;
// What stands for the part of an owner's name cut off to fit: 8 hex digits of its hash, so that names stay distinct.
const HASH_LENGTH = 8;

/**
 * The name a person finds in an alarm e-mail or the console: the stack's name, the construct's path in its stack
 * (so that two constructs never share a name, in one stack or in two), then `name`, joined by `separator` (`/`
 * makes folders of saved queries). Within `MAX_ON_CALL_NAME_LENGTH`: a longer owner is cut, and a hash of it
 * stands for what was cut.
 */
export function onCallName(scope: IConstruct, name: string, separator: '-' | '/'): string {
  const stack = Stack.of(scope);
  const pathInStack = scope.node.scopes.slice(scope.node.scopes.indexOf(stack) + 1).map((construct) => construct.node.id);
  const owner = [stack.stackName, ...pathInStack].join(separator);
  const whole = `${owner}${separator}${name}`;
  if (whole.length <= MAX_ON_CALL_NAME_LENGTH) return whole;
  const hash = createHash('sha256').update(owner).digest('hex').slice(0, HASH_LENGTH);
  const kept = owner.slice(0, MAX_ON_CALL_NAME_LENGTH - name.length - HASH_LENGTH - 2 * separator.length);
  return `${kept}${separator}${hash}${separator}${name}`;
}
