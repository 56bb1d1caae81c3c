import { readFileSync } from 'node:fs';
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  ProlificWebhookSecretRotation,
  type ProlificWebhookSecretRotationProps,
} from '../../infra/construct/prolific-webhook-secret-rotation.js';
import { ProlificWebhookSecretRotationStack } from '../../infra/app/rotation-stack.js';
import { readStackSettings } from '../../infra/app/stack-settings.js';
import { readStackName } from '../../infra/app/stack-name.js';

/** A fixed environment, so ARNs and conditions render the same on every machine. */
export const TEST_ENV = { account: '123456789012', region: 'eu-west-2' };

/** The context `cdk synth` gives the app from cdk.json: feature flags and CLI settings. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

/**
 * An app configured as cdk.json configures it. Bundling the function is left to the artifact test:
 * with no stack selected for bundling, a synthesis takes a fraction of a second. So is CDK's built-in
 * CloudFormation schema validation (it compiles WebAssembly on each test file's first synthesis, seconds
 * each): the compliance checks and the app's own synthesis keep it (`cloudFormationValidation: true`).
 */
export function testApp(context: Record<string, unknown> = {}, { cloudFormationValidation = false } = {}): App {
  return new App({
    context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...context },
    builtinCloudFormationValidation: cloudFormationValidation,
  });
}

/** The deployable stack, built from context exactly as infra/app/app.ts builds it. */
export function buildStack(app: App): ProlificWebhookSecretRotationStack {
  return new ProlificWebhookSecretRotationStack(app, readStackName(app.node), {
    env: TEST_ENV,
    settings: readStackSettings(app.node),
  });
}

/** The construct alone in a stack, for the props the stack does not exercise. */
export function synthesizeConstruct(
  props: ProlificWebhookSecretRotationProps,
  prepare?: (stack: Stack) => Partial<ProlificWebhookSecretRotationProps>,
): { construct: ProlificWebhookSecretRotation; template: Template } {
  const stack = new Stack(testApp(), 'TestStack', { env: TEST_ENV });
  const construct = new ProlificWebhookSecretRotation(stack, 'Rotation', { ...props, ...prepare?.(stack) });
  return { construct, template: Template.fromStack(stack) };
}

/** The logical id of the CloudFormation resource behind the construct at `path` (relative to the stack). */
export function logicalIdAt(stack: Stack, path: string): string {
  const [first = '', ...rest] = path.split('/');
  const target = rest.reduce((scope, id) => scope.node.findChild(id), stack.node.findChild(first));
  return stack.getLogicalId(target.node.defaultChild as CfnElement);
}

/** `{"Ref": ...}` of the resource behind the construct at `path`. */
export function refTo(stack: Stack, path: string): { Ref: string } {
  return { Ref: logicalIdAt(stack, path) };
}

/** `{"Fn::GetAtt": [..., attribute]}` of the resource behind the construct at `path`. */
export function getAtt(stack: Stack, path: string, attribute: string): { 'Fn::GetAtt': [string, string] } {
  return { 'Fn::GetAtt': [logicalIdAt(stack, path), attribute] };
}
