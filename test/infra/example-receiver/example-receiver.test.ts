// The example webhook receiver the stack deploys with `-c exampleReceiver=true`: its template. Its bundle,
// run as Lambda runs it, is tested in example-receiver-bundle.test.ts (with the slow suites).
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProlificWebhookSecretRotationStack } from '../../../infra/app/rotation-stack.js';
import { buildStack, getAtt, refTo, testApp } from '../../support/synth.js';

const receiverFunctions = (template: Template) =>
  template.findResources('AWS::Lambda::Function', {
    Properties: { Description: Match.stringLikeRegexp('^Example Prolific webhook receiver') },
  });

describe('without -c exampleReceiver=true', () => {
  it('deploys no receiver, no Function URL, no idempotency table and no receiver output', () => {
    const template = Template.fromStack(buildStack(testApp({ workspaces: 'ws-a,ws-b' })));

    expect(receiverFunctions(template)).toEqual({});
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::Lambda::Url', 0);
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    expect(Object.keys(template.findOutputs('*'))).not.toContain('ExampleReceiverUrl');
  });
});

describe('with -c exampleReceiver=true', () => {
  let stack: ProlificWebhookSecretRotationStack;
  let template: Template;

  beforeAll(() => {
    stack = buildStack(testApp({ workspaces: 'ws-a,ws-b', exampleReceiver: 'true' }));
    template = Template.fromStack(stack);
  });

  it("is a bundled nodejs24.x arm64 function told the first workspace's secret, with bounded concurrency", () => {
    expect(Object.keys(receiverFunctions(template))).toHaveLength(1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('workspace ws-a'),
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      ReservedConcurrentExecutions: 10,
      Role: getAtt(stack, 'ExampleReceiver/Role', 'Arn'),
      LoggingConfig: { LogGroup: refTo(stack, 'ExampleReceiver/Logs') },
      Environment: {
        Variables: Match.objectEquals({
          PROLIFIC_SECRET_ID: refTo(stack, 'Rotation/Secret-ws-a'),
          PROLIFIC_SECRET_FORMAT: 'json',
          IDEMPOTENCY_TABLE_NAME: refTo(stack, 'ExampleReceiver/Idempotency'),
        }),
      },
    });
  });

  it('logs to its own log group, with a retention', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    const resources = template.toJSON().Resources as Record<string, { Properties: { RetentionInDays?: number } }>;
    expect(resources[refTo(stack, 'ExampleReceiver/Logs').Ref]?.Properties.RetentionInDays).toBe(30);
  });

  it("may read exactly its workspace's secret, write its log group, and use its idempotency table, nothing else", () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [refTo(stack, 'ExampleReceiver/Role')],
      PolicyDocument: {
        Statement: [
          Match.objectEquals({
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Effect: 'Allow',
            Resource: getAtt(stack, 'ExampleReceiver/Logs', 'Arn'),
          }),
          Match.objectEquals({
            Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
            Effect: 'Allow',
            Resource: getAtt(stack, 'ExampleReceiver/Idempotency', 'Arn'),
          }),
          Match.objectEquals({
            Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
            Effect: 'Allow',
            Resource: refTo(stack, 'Rotation/Secret-ws-a'),
          }),
        ],
      },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] },
      Description: Match.stringLikeRegexp('^Example webhook receiver'),
      ManagedPolicyArns: Match.absent(),
    });
  });

  it('has its own idempotency table, keyed on id, on demand, its records deleted by TTL', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
      DeletionPolicy: 'Delete',
    });
  });

  it('is reached through a Function URL without IAM auth: the delivery signature is the authentication', () => {
    template.resourceCountIs('AWS::Lambda::Url', 1);
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      TargetFunctionArn: getAtt(stack, 'ExampleReceiver/Function', 'Arn'),
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunctionUrl',
      FunctionUrlAuthType: 'NONE',
      FunctionName: getAtt(stack, 'ExampleReceiver/Function', 'Arn'),
    });
  });

  it('names its URL in an output that says where to point a subscription', () => {
    const output = template.findOutputs('ExampleReceiverUrl').ExampleReceiverUrl;

    const urlLogicalId = stack.getLogicalId(stack.exampleReceiver?.url.node.defaultChild as never);
    expect(output?.Value).toEqual({ 'Fn::GetAtt': [urlLogicalId, 'FunctionUrl'] });
    expect(output?.Description).toMatch(/workspace ws-a: point a Prolific webhook subscription's target_url at this URL/);
  });

});

describe('with -c exampleReceiver=true and an adopted first workspace secret', () => {
  it('verifies with the secret by the name it was given, in its format', () => {
    const adopted = Template.fromStack(
      buildStack(testApp({ workspaces: 'ws-a=prolific/bare,ws-b', secretFormats: 'ws-a=plain', exampleReceiver: true })),
    );

    adopted.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectEquals({
          PROLIFIC_SECRET_ID: 'prolific/bare',
          PROLIFIC_SECRET_FORMAT: 'plain',
          IDEMPOTENCY_TABLE_NAME: Match.anyValue(),
        }),
      },
    });
  });
});
