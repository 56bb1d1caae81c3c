// The example webhook receiver the stack deploys with `-c exampleReceiver=true`: its template, and its
// bundle run as Lambda runs it against the Secrets Manager stand-in (the kit itself is tested in test/lambda).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDelivery } from '../../lambda/receiver/index.js';
import type { ProlificWebhookSecretRotationStack } from '../../infra/rotation-stack.js';
import { startSecretsManagerStandIn, type SecretsManagerStandIn } from '../standins/secrets-manager.js';
import { copyBundle, invokeBundle } from './bundle.js';
import { buildStack, getAtt, refTo, testApp } from './synth.js';

const receiverFunctions = (template: Template) =>
  template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('^Example Prolific webhook receiver') } });

describe('without -c exampleReceiver=true', () => {
  it('deploys no receiver, no Function URL and no receiver output', () => {
    const template = Template.fromStack(buildStack(testApp({ workspaces: 'ws-a,ws-b' })));

    expect(receiverFunctions(template)).toEqual({});
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::Lambda::Url', 0);
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
        Variables: Match.objectEquals({ PROLIFIC_SECRET_ID: refTo(stack, 'Rotation/Secret-ws-a'), PROLIFIC_SECRET_FORMAT: 'json' }),
      },
    });
  });

  it('logs to its own log group, with a retention', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    expect(template.toJSON().Resources[refTo(stack, 'ExampleReceiver/Logs').Ref].Properties.RetentionInDays).toBe(30);
  });

  it("may read exactly its workspace's secret, and write its log group, nothing else", () => {
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
    const output = template.findOutputs('ExampleReceiverUrl')['ExampleReceiverUrl'];

    expect(output?.Value).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(stack.exampleReceiver?.url.node.defaultChild as never), 'FunctionUrl'] });
    expect(output?.Description).toMatch(/workspace ws-a: point a Prolific webhook subscription's target_url at this URL/);
  });

});

describe('with -c exampleReceiver=true and an adopted first workspace secret', () => {
  it('verifies with the secret by the name it was given, in its format', () => {
    const adopted = Template.fromStack(
      buildStack(testApp({ workspaces: 'ws-a=prolific/bare,ws-b', secretFormats: 'ws-a=plain', exampleReceiver: true })),
    );

    adopted.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectEquals({ PROLIFIC_SECRET_ID: 'prolific/bare', PROLIFIC_SECRET_FORMAT: 'plain' }) },
    });
  });
});

// The handler as esbuild bundles it, imported where no node_modules can help it and run as Lambda runs it.
describe('the bundled example receiver', () => {
  const NOW_SECONDS = String(Math.floor(Date.now() / 1000));
  const BODY = '{"event_type":"study.status.change","resource_id":"abc"}';
  const VALUE = 'current-signing-secret';
  let bundleDirectory: string;
  let secretsManager: SecretsManagerStandIn;
  let secretArn: string;
  const outputs: string[] = [];

  beforeAll(async () => {
    const app = testApp({ workspaces: 'ws-a', exampleReceiver: 'true', 'aws:cdk:bundling-stacks': ['**'], 'aws:cdk:enable-asset-metadata': true });
    const stack = buildStack(app);
    const assembly = app.synth();
    const receiver = stack.node.findChild('ExampleReceiver').node.findChild('Function').node.defaultChild as never;
    const assetPath = assembly.getStackArtifact(stack.artifactId).template.Resources[stack.getLogicalId(receiver)].Metadata['aws:asset:path'];
    bundleDirectory = copyBundle(join(assembly.directory, assetPath), 'example-receiver-');
    rmSync(assembly.directory, { recursive: true, force: true });
    secretsManager = await startSecretsManagerStandIn();
    secretArn = secretsManager.createSecret('prolific/ws-a', JSON.stringify({ id: 's1', value: VALUE, workspace_id: 'ws-a', rotated_at: new Date().toISOString() })).arn;
  });

  afterAll(async () => {
    await secretsManager?.close();
    if (bundleDirectory) rmSync(bundleDirectory, { recursive: true, force: true });
  });

  /** A Function URL event (payload 2.0: lower-case headers) delivered to the bundle; its response. */
  async function deliver(headers: Record<string, string>): Promise<{ statusCode: number; body: string } | undefined> {
    const event = { headers: { 'content-type': 'application/json', ...headers }, body: BODY, isBase64Encoded: false };
    const { result, error, output } = await invokeBundle<{ statusCode: number; body: string }>(bundleDirectory, event, {
      ...secretsManager.env(),
      PROLIFIC_SECRET_ID: secretArn,
      PROLIFIC_SECRET_FORMAT: 'json',
    });
    outputs.push(output);
    expect(error).toBeUndefined();
    return result;
  }

  it('answers a delivery signed with the stored secret 200, with its event id, and logs which key matched', async () => {
    const response = await deliver({
      'x-prolific-request-signature': signDelivery(VALUE, NOW_SECONDS, BODY),
      'x-prolific-request-timestamp': NOW_SECONDS,
      'x-event-id': 'event-1',
    });

    expect(response).toMatchObject({ statusCode: 200, body: '{"received":"event-1"}' });
    expect(outputs.at(-1)).toMatch(/"event_id":"event-1".*"matched":"AWSCURRENT"|"matched":"AWSCURRENT".*"event_id":"event-1"/);
  });

  it('answers a delivery signed with another secret 401', async () => {
    const response = await deliver({
      'x-prolific-request-signature': signDelivery('another-secret', NOW_SECONDS, BODY),
      'x-prolific-request-timestamp': NOW_SECONDS,
      'x-event-id': 'event-2',
    });

    expect(response).toMatchObject({ statusCode: 401 });
  });

  it('never prints the secret value', () => {
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) expect(output).not.toContain(VALUE);
  });
});
