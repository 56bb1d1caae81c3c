// The target list the function reads from Parameter Store: where it is written, and its fingerprint. (500
// workspaces over several parameters, each within its tier: deployment-limits.test.ts.)
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { createTargetParameters } from '../../../infra/construct/rotation-targets.js';
import { synthesizeConstruct, TEST_ENV } from '../../support/synth.js';

describe('ROTATION_TARGETS_VERSION', () => {
  const versionOf = (workspaces: { workspaceId: string; format?: 'plain' }[]) => {
    const { template } = synthesizeConstruct({ workspaces });
    const withVersion = { Properties: { Environment: { Variables: { ROTATION_TARGETS_VERSION: Match.anyValue() } } } };
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function', withVersion)) as {
      Properties: { Environment: { Variables: { ROTATION_TARGETS_VERSION: string } } };
    }[];
    return fn?.Properties.Environment.Variables.ROTATION_TARGETS_VERSION;
  };

  // The function reads its target list from SSM once per execution environment. Without a change to its own
  // configuration, a deployment that changed only the list would leave warm environments on the old one.
  it('changes with the target list, so a new list reaches every execution environment', () => {
    const two = versionOf([{ workspaceId: 'ws-a' }, { workspaceId: 'ws-b' }]);

    expect(two).toMatch(/^[0-9a-f]{16}$/);
    expect(versionOf([{ workspaceId: 'ws-a' }, { workspaceId: 'ws-b' }])).toBe(two);
    expect(versionOf([{ workspaceId: 'ws-a' }])).not.toBe(two);
    expect(versionOf([{ workspaceId: 'ws-b' }, { workspaceId: 'ws-a' }])).not.toBe(two);
    expect(versionOf([{ workspaceId: 'ws-a' }, { workspaceId: 'ws-b', format: 'plain' }])).not.toBe(two);
  });
});

describe('createTargetParameters', () => {
  it('writes the list under /<stack name>/<construct path>/rotation-targets, in the characters Parameter Store allows', () => {
    const stack = new Stack(new App(), 'TargetsStack', { env: TEST_ENV });
    const scope = new Construct(new Construct(stack, 'Team A'), 'Rotation');

    const targets = createTargetParameters(scope, [
      { workspaceId: 'ws-a', secretId: 'prolific/a' },
      { workspaceId: 'ws-b', secretId: 'prolific/b', format: 'plain' },
    ]);

    expect(targets.path).toBe('/TargetsStack/Team-A/Rotation/rotation-targets');
    Template.fromStack(stack).hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/TargetsStack/Team-A/Rotation/rotation-targets/000',
      Type: 'String',
      Tier: 'Standard',
      Value: '[{"workspaceId":"ws-a","secretId":"prolific/a"},{"workspaceId":"ws-b","secretId":"prolific/b","format":"plain"}]',
    });
  });

  it('refuses a stack whose name would make the path begin with "aws" or "ssm", which Parameter Store refuses', () => {
    const stack = new Stack(new App(), 'ssm-rotation', { env: TEST_ENV });

    expect(() => createTargetParameters(stack, [{ workspaceId: 'ws-a', secretId: 'prolific/a' }])).toThrow(
      /^The rotation targets are stored under \/ssm-rotation\/rotation-targets, but Parameter Store refuses names that begin with "aws" or "ssm": give stack "ssm-rotation" a name that does not$/,
    );
  });
});
