// What CloudFormation, IAM, Parameter Store and Lambda allow, held at the scale of hundreds of workspaces: the
// target list's parameters, the function role's policies, the stack's resources, and the checks that refuse
// what would not deploy, with what to do instead.
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_PARAMETER_VALUE_LENGTH, MAX_RESOLVED_SECRET_ARN_LENGTH } from '../../../infra/construct/rotation-targets.js';
import { ProlificWebhookSecretRotation } from '../../../infra/construct/prolific-webhook-secret-rotation.js';
import { buildStack, synthesizeConstruct, TEST_ENV, testApp } from '../../support/synth.js';

const ARN_PREFIX = 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:';
const TARGETS_PATH = '/ProlificWebhookSecretRotation/Rotation/rotation-targets';
// IAM's limits, in characters without white space: a role's inline policies together, one managed policy.
const MAX_INLINE_POLICY_SIZE = 10_240;
const MAX_MANAGED_POLICY_SIZE = 6_144;
// What CDK counts an ARN that CloudFormation fills in (a Ref or GetAtt); the ARNs here resolve to about 100.
const REFERENCE_LENGTH = 150;

const workspaceIds = (count: number, length = 24) =>
  Array.from({ length: count }, (_, index) => index.toString(16).padStart(length, '0'));
const adoptedByArn = (ids: readonly string[], name: (id: string, index: number) => string) =>
  ids.map((id, index) => `${id}=${ARN_PREFIX}${name(id, index)}-AbC123`).join(',');
const keyArn = (index: number) =>
  `arn:aws:kms:eu-west-2:123456789012:key/${index.toString(16).padStart(8, '0')}-1111-1111-1111-111111111111`;

interface Resource {
  readonly Type: string;
  readonly Properties: ResourceProperties;
  readonly DependsOn?: string[];
}

/** The properties the assertions read, each on the resources that have it (a value still a token is an intrinsic). */
interface ResourceProperties {
  readonly Name: string;
  readonly Value: unknown;
  readonly Roles?: unknown;
  readonly PolicyDocument: { readonly Statement: { Action: string | string[]; Resource: unknown }[] };
  readonly Environment: { readonly Variables: Record<string, unknown> };
}

function resourcesOf(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.toJSON().Resources as Record<string, Resource>).filter(([, resource]) => resource.Type === type);
}

/** A value as CloudFormation resolves it, each reference filled in by `reference` (its logical id in). */
function resolved(value: unknown, reference: (logicalId: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => resolved(item, reference));
  if (typeof value !== 'object' || value === null) return value;
  const intrinsic = value as { Ref?: string; 'Fn::GetAtt'?: [string, string]; 'Fn::Join'?: [string, unknown[]] };
  if (intrinsic.Ref !== undefined) return reference(intrinsic.Ref);
  if (intrinsic['Fn::GetAtt'] !== undefined) return reference(intrinsic['Fn::GetAtt'][0]);
  const join = intrinsic['Fn::Join'];
  if (join !== undefined) return join[1].map((part) => resolved(part, reference)).join(join[0]);
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolved(item, reference)]));
}

/** The function role's policies, each with its size as IAM counts it. */
function functionRolePolicies(template: Template): { inline: number[]; managed: number[] } {
  const [[roleId] = []] = resourcesOf(template, 'AWS::IAM::Role').filter(([id]) => id.startsWith('RotationFunctionRole'));
  const size = (resource: Resource) =>
    JSON.stringify(resolved(resource.Properties.PolicyDocument, () => 'x'.repeat(REFERENCE_LENGTH))).length;
  const onRole = (resource: Resource) => JSON.stringify(resource.Properties.Roles) === JSON.stringify([{ Ref: roleId }]);
  return {
    inline: resourcesOf(template, 'AWS::IAM::Policy').filter(([, policy]) => onRole(policy)).map(([, policy]) => size(policy)),
    managed: resourcesOf(template, 'AWS::IAM::ManagedPolicy').filter(([, policy]) => onRole(policy)).map(([, policy]) => size(policy)),
  };
}

function expectWithinIamLimits(template: Template): void {
  const { inline, managed } = functionRolePolicies(template);
  expect(inline.reduce((sum, size) => sum + size, 0)).toBeLessThanOrEqual(MAX_INLINE_POLICY_SIZE);
  expect(managed.length).toBeLessThanOrEqual(10);
  for (const size of managed) expect(size).toBeLessThanOrEqual(MAX_MANAGED_POLICY_SIZE);
}

// Names as an organisation might give them: 55 characters, ARNs of about 100.
const longName = (id: string) => `prolific/webhook-signing-secret/${id}`;
let fiveHundredAdopted: Template;

beforeAll(() => {
  fiveHundredAdopted = Template.fromStack(buildStack(testApp({ workspaces: adoptedByArn(workspaceIds(500), longName) })));
});

describe('the target list of 500 workspaces with 128-character ids', () => {
  let template: Template;
  const ids = workspaceIds(500, 128);
  const targets = ids.map((workspaceId, index) => ({ workspaceId, secretId: `${ARN_PREFIX}prolific/${index}-AbC123` }));
  const parameters = () => resourcesOf(template, 'AWS::SSM::Parameter');

  beforeAll(() => {
    template = Template.fromStack(buildStack(testApp({ workspaces: adoptedByArn(ids, (_id, index) => `prolific/${index}`) })));
  });

  it('is split over standard String parameters, each value within 4096 characters', () => {
    expect(parameters().length).toBeGreaterThan(1);
    for (const [, parameter] of parameters()) {
      expect(parameter.Properties).toMatchObject({ Type: 'String', Tier: 'Standard' });
      expect((parameter.Properties.Value as string).length).toBeLessThanOrEqual(MAX_PARAMETER_VALUE_LENGTH);
    }
  });

  it('is named with zero-padded numbers under the path, so that name order is list order', () => {
    const names = parameters().map(([, parameter]) => parameter.Properties.Name);

    expect(names).toEqual(names.map((_name, index) => `${TARGETS_PATH}/${String(index).padStart(3, '0')}`));
    expect([...names].sort()).toEqual(names);
  });

  it('read in name order, is every workspace with its secret, in the configured order', () => {
    const byName = [...parameters()].sort(([, a], [, b]) => (a.Properties.Name < b.Properties.Name ? -1 : 1));

    expect(byName.flatMap(([, parameter]) => JSON.parse(parameter.Properties.Value as string) as unknown[])).toEqual(targets);
  });

  it('is written one parameter after another (Parameter Store throttles many writes at once), all before the function', () => {
    const ids = parameters().map(([id]) => id);
    const [[, fn] = []] = resourcesOf(template, 'AWS::Lambda::Function');

    parameters().forEach(([, parameter], index) => {
      if (index > 0) expect(parameter.DependsOn).toContain(ids[index - 1]);
    });
    expect(fn?.DependsOn).toEqual(expect.arrayContaining(ids));
  });

  it('is found by the function through one environment variable, and read with GetParametersByPath on the path alone', () => {
    const [[, fn] = []] = resourcesOf(template, 'AWS::Lambda::Function');
    const statements = resourcesOf(template, 'AWS::IAM::Policy')
      .concat(resourcesOf(template, 'AWS::IAM::ManagedPolicy'))
      .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement);

    expect(fn?.Properties.Environment.Variables.ROTATION_TARGETS_PARAMETER_PATH).toBe(TARGETS_PATH);
    expect(fn?.Properties.Environment.Variables.ROTATION_TARGETS).toBeUndefined();
    expect(statements.filter((statement) => [statement.Action].flat().some((action) => action.startsWith('ssm:')))).toEqual([
      {
        Sid: 'ReadRotationTargets',
        Effect: 'Allow',
        Action: 'ssm:GetParametersByPath',
        Resource: `arn:aws:ssm:eu-west-2:123456789012:parameter${TARGETS_PATH}`,
      },
    ]);
  });

  it('keeps the function environment far within the 4 KB Lambda allows', () => {
    const [[, fn] = []] = resourcesOf(template, 'AWS::Lambda::Function');

    expect(JSON.stringify(resolved(fn?.Properties.Environment.Variables, () => 'x'.repeat(REFERENCE_LENGTH))).length).toBeLessThan(1024);
  });
});

describe('the target list of secrets the stack creates', () => {
  it('counts each secret ARN CloudFormation fills in at the longest a secret ARN can be', () => {
    const longest = `arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:${'n'.repeat(512)}-AbC123`;

    expect(MAX_RESOLVED_SECRET_ARN_LENGTH).toBeGreaterThanOrEqual(longest.length);
  });

  it('stays within 4096 characters a parameter with every secret ARN at that longest', () => {
    const { template } = synthesizeConstruct({ workspaces: workspaceIds(30, 128).map((workspaceId) => ({ workspaceId })) });

    const values = resourcesOf(template, 'AWS::SSM::Parameter').map(([, parameter]) =>
      resolved(parameter.Properties.Value, () => 'a'.repeat(MAX_RESOLVED_SECRET_ARN_LENGTH)) as string,
    );
    expect(values.length).toBeGreaterThan(1);
    for (const value of values) expect(value.length).toBeLessThanOrEqual(MAX_PARAMETER_VALUE_LENGTH);
    expect(values.flatMap((value) => JSON.parse(value) as { workspaceId: string }[]).map(({ workspaceId }) => workspaceId)).toEqual(
      workspaceIds(30, 128),
    );
  });
});

describe("the function role's policies stay within IAM's limits without a quota increase", () => {
  it('with 500 adopted secrets: split into statements CDK moves into at most 10 managed policies', () => {
    expectWithinIamLimits(fiveHundredAdopted);
  });

  it('with 500 adopted secrets that share a customer-managed key', () => {
    const ids = workspaceIds(500);
    const template = Template.fromStack(
      buildStack(testApp({ workspaces: adoptedByArn(ids, longName), secretKeys: ids.map((id) => `${id}=${keyArn(0)}`).join(',') })),
    );

    expectWithinIamLimits(template);
  });

  it('with as many created secrets as a stack holds (380), each ARN counted as CDK counts it', () => {
    const template = Template.fromStack(buildStack(testApp({ workspaces: workspaceIds(380).join(',') })));

    expectWithinIamLimits(template);
    expect(Object.keys(template.toJSON().Resources as object).length).toBeLessThanOrEqual(500);
  });

  it('holds, as the refusal says, 600 adopted by complete ARN with names like prolific/<24 hex digits>: 10 managed policies', () => {
    const template = Template.fromStack(buildStack(testApp({ workspaces: adoptedByArn(workspaceIds(600), (id) => `prolific/${id}`) })));

    expect(functionRolePolicies(template).managed).toHaveLength(10);
    expectWithinIamLimits(template);
  });

  it('refuses 500 secrets with a customer-managed key each: their ARNs need 15 managed policies, and says what to do', () => {
    const ids = workspaceIds(500);
    const stack = buildStack(
      testApp({
        workspaces: adoptedByArn(ids, (id) => `prolific/${id}`),
        secretKeys: ids.map((id, index) => `${id}=${keyArn(index)}`).join(','),
      }),
    );

    expect(() => Template.fromStack(stack)).toThrow(
      /Role ProlificWebhookSecretRotation\/Rotation\/FunctionRole needs 15 managed policies for its permissions; IAM attaches at most 10 to a role without a quota increase\. .*600 workspaces adopted by complete ARN, with names like prolific\/<24 hex digits> and no KMS key of their own, synthesize with 10 managed policies\. Share KMS keys between secrets, adopt secrets by complete ARN with names that short, or split the workspaces across stacks/,
    );
  });
});

describe("CloudFormation's 500 resources", () => {
  it('leaves 500 adopted workspaces a small stack: 73 resources, 8 outputs, a template under half the 1 MB CloudFormation takes', () => {
    const template = fiveHundredAdopted.toJSON() as { Resources: object; Outputs: object };

    expect(Object.keys(template.Resources).length).toBeLessThanOrEqual(73);
    expect(Object.keys(template.Outputs)).toHaveLength(8);
    expect(JSON.stringify(template).length).toBeLessThan(500_000);
  });

  it('refuses, while the construct is built, more secrets to create than a stack holds, and says to adopt them or split', () => {
    expect(() => buildStack(testApp({ workspaces: workspaceIds(400).join(',') }))).toThrow(
      /^Stack ProlificWebhookSecretRotation would hold 506 resources; CloudFormation allows 500 in one stack\. The construct creates a secret for 400 of the workspaces: adopt existing secrets instead \(.*context "workspaces" with <workspace id>=<secret name or ARN>\), or split the workspaces across stacks \(one construct each\)\.$/,
    );
  });

  it('refuses at synthesis a stack that resources added after the construct take past 500', () => {
    const stack = new Stack(testApp(), 'Crowded', { env: TEST_ENV });
    new ProlificWebhookSecretRotation(stack, 'Rotation', {
      workspaces: [{ workspaceId: 'ws-a', secret: Secret.fromSecretNameV2(stack, 'Adopted', 'prolific/webhook') }],
    });
    for (let index = 0; index < 480; index++) new sqs.CfnQueue(stack, `Queue${index}`);

    expect(() => Template.fromStack(stack)).toThrow(/Stack Crowded would hold \d+ resources; CloudFormation allows 500 in one stack\. Leave out other resources, or split/);
  });
});
