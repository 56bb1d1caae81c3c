import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { readStackName } from '../../../infra/app/stack-name.js';
import { ProlificWebhookSecretRotationStack } from '../../../infra/app/rotation-stack.js';
import { readStackSettings } from '../../../infra/app/stack-settings.js';
import { STACK_NAME } from '../../../lambda/contract/stack.js';
import { TEST_ENV, testApp } from '../../support/synth.js';

const nameFrom = (context: Record<string, unknown>) => readStackName(new App({ context }).node);

describe('readStackName', () => {
  it('names the stack ProlificWebhookSecretRotation, where the command line looks by default, unless told otherwise', () => {
    expect(nameFrom({})).toBe(STACK_NAME);
    expect(STACK_NAME).toBe('ProlificWebhookSecretRotation');
  });

  it('takes -c stackName=<name>, trimmed, so that two deployments share an account and region', () => {
    expect(nameFrom({ stackName: ' RotationStaging ' })).toBe('RotationStaging');
    expect(nameFrom({ stackName: `R${'-'.repeat(127)}` })).toHaveLength(128);
  });

  it.each([
    ['a leading digit', '2Rotation'],
    ['a character CloudFormation refuses', 'Rotation_Staging'],
    ['more than 128 characters', 'R'.repeat(129)],
    ['an empty string', ' '],
    ['a number', 42],
  ])('refuses %s, naming the key and the rule', (_case, stackName) => {
    expect(() => nameFrom({ stackName })).toThrow(
      'Context key "stackName" must be a CloudFormation stack name (a letter, then up to 127 letters, digits or "-"), ' +
        `got ${JSON.stringify(stackName)}`,
    );
  });

  it('is a context key the settings accept', () => {
    expect(() => readStackSettings(new App({ context: { workspaces: 'ws-a', stackName: 'RotationStaging' } }).node)).not.toThrow();
  });

  it("gives its name to what the stack derives from it: the target list's SSM path and the secrets' descriptions", () => {
    const app = testApp({ workspaces: 'a1b2c3d4e5f6a7b8c9d0e1f2', stackName: 'RotationStaging' });

    const stack = new ProlificWebhookSecretRotationStack(app, readStackName(app.node), {
      env: TEST_ENV,
      settings: readStackSettings(app.node),
    });

    const template = Template.fromStack(stack);
    const parameterNames = Object.values(template.findResources('AWS::SSM::Parameter')).map(
      ({ Properties }) => (Properties as { Name: string }).Name,
    );
    expect(stack.stackName).toBe('RotationStaging');
    expect(parameterNames).toEqual(['/RotationStaging/Rotation/rotation-targets/000']);
    expect(JSON.stringify(template.findResources('AWS::SecretsManager::Secret'))).toContain('of stack RotationStaging');
  });
});
