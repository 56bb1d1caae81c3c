import { describe, expect, it } from 'vitest';
import { templatePolicies } from './template-policies.js';
import type { CfnTemplate } from './template-resolver.js';

const ENVIRONMENT = { account: '123456789012', region: 'eu-west-2', stackName: 'Stack' };
const SEND = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': ['Queue', 'Arn'] } }],
};
const LAMBDA_TRUST = { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' };

const TEMPLATE: CfnTemplate = {
  Resources: {
    Role: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: { Statement: [LAMBDA_TRUST] },
        Policies: [{ PolicyName: 'Inline', PolicyDocument: SEND }],
      },
    },
    Attached: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'Attached', Roles: [{ Ref: 'Role' }], PolicyDocument: SEND } },
    Overflow: { Type: 'AWS::IAM::ManagedPolicy', Properties: { Roles: [{ Ref: 'Role' }], PolicyDocument: SEND } },
    Queue: { Type: 'AWS::SQS::Queue', Properties: {} },
    QueuePolicy: {
      Type: 'AWS::SQS::QueuePolicy',
      Properties: { Queues: [{ Ref: 'Queue' }], PolicyDocument: { Statement: [{ Sid: 'OnTheQueue' }] } },
    },
    Secret: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
    SecretPolicy: {
      Type: 'AWS::SecretsManager::ResourcePolicy',
      Properties: { SecretId: { Ref: 'Secret' }, ResourcePolicy: { Statement: [{ Sid: 'OnTheSecret' }] } },
    },
    Function: { Type: 'AWS::Lambda::Function', Properties: {} },
    Permission: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        FunctionName: { 'Fn::GetAtt': ['Function', 'Arn'] },
        Principal: '*',
        Action: 'lambda:InvokeFunctionUrl',
        FunctionUrlAuthType: 'NONE',
      },
    },
  },
};

describe('templatePolicies', () => {
  const policies = templatePolicies(TEMPLATE, ENVIRONMENT);
  const roleArn = 'arn:aws:iam::123456789012:role/Stack-Role';

  it("gives a role its inline policies, and the policies and managed policies that name it, resolved", () => {
    expect(policies.roleArns).toEqual(new Map([['Role', roleArn]]));
    expect(policies.identityPolicies(roleArn).map(({ name }) => name)).toEqual(['Role/Inline', 'Attached', 'Overflow']);
    expect(policies.identityPolicies(roleArn)[0]?.document.Statement[0]?.Resource).toBe('arn:aws:sqs:eu-west-2:123456789012:Stack-Queue');
  });

  it('files resource policies under the ARN of what they protect: a queue named by URL, a secret, a role (its trust policy)', () => {
    expect(policies.resourcePolicy('arn:aws:sqs:eu-west-2:123456789012:Stack-Queue')?.Statement).toEqual([{ Sid: 'OnTheQueue' }]);
    expect(policies.resourcePolicy(policies.resolver.resolveString({ Ref: 'Secret' }))?.Statement).toEqual([{ Sid: 'OnTheSecret' }]);
    expect(policies.resourcePolicy(roleArn)?.Statement).toEqual([LAMBDA_TRUST]);
  });

  it("turns a Lambda permission into the statement Lambda adds to the function's policy", () => {
    expect(policies.resourcePolicy('arn:aws:lambda:eu-west-2:123456789012:function:Stack-Function')?.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: '*',
        Action: 'lambda:InvokeFunctionUrl',
        Resource: 'arn:aws:lambda:eu-west-2:123456789012:function:Stack-Function',
        Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } },
      },
    ]);
  });

  it('refuses a template with a policy it does not read, rather than evaluate without it', () => {
    const withBucketPolicy = { Resources: { ...TEMPLATE.Resources, BucketPolicy: { Type: 'AWS::S3::BucketPolicy', Properties: {} } } };

    expect(() => templatePolicies(withBucketPolicy, ENVIRONMENT)).toThrow(/BucketPolicy \(AWS::S3::BucketPolicy\) carries a policy/);
  });
});
