import { Duration, Lazy, Stack, TimeZone } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ProlificWebhookSecretRotation,
  type ProlificWebhookSecretRotationProps,
} from '../../../infra/construct/prolific-webhook-secret-rotation.js';
import { synthesizeConstruct, TEST_ENV, testApp } from '../../support/synth.js';

const ACCOUNT_ARN_PREFIX = 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:';
const TOKEN_ARN = `${ACCOUNT_ARN_PREFIX}prolific/api-token-AbC123`;
const TARGET_KEY_ARN = 'arn:aws:kms:eu-west-2:123456789012:key/11111111-1111-1111-1111-111111111111';
const TOKEN_KEY_ARN = 'arn:aws:kms:eu-west-2:123456789012:key/22222222-2222-2222-2222-222222222222';
const VIA_SECRETS_MANAGER = { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-2.amazonaws.com' } };

function rotationStatements(template: Template): Record<string, unknown>[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
    Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } };
  }[];
  return policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

describe('adopting existing secrets', () => {
  let template: Template;

  beforeAll(() => {
    // Prepare: one secret by name, one by complete ARN with a customer-managed key, a token secret with its key.
    ({ template } = synthesizeConstruct({ workspaces: [] }, (stack) => ({
      workspaces: [
        { workspaceId: 'by-name', secret: secretsmanager.Secret.fromSecretNameV2(stack, 'ByName', 'prolific/webhook') },
        {
          workspaceId: 'by-arn',
          secret: secretsmanager.Secret.fromSecretAttributes(stack, 'ByArn', {
            secretCompleteArn: `${ACCOUNT_ARN_PREFIX}prolific/other-webhook-XyZ789`,
            encryptionKey: kms.Key.fromKeyArn(stack, 'TargetKey', TARGET_KEY_ARN),
          }),
        },
      ],
      apiTokenSecret: secretsmanager.Secret.fromSecretAttributes(stack, 'Token', {
        secretCompleteArn: TOKEN_ARN,
        encryptionKey: kms.Key.fromKeyArn(stack, 'TokenKey', TOKEN_KEY_ARN),
      }),
    })));
  });

  it('creates no secret of its own', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
  });

  it('grants rotation on exactly the adopted secrets: the name matches only its own 6-character suffix', () => {
    expect(rotationStatements(template)).toContainEqual({
      Sid: 'RotateTargetSecrets',
      Effect: 'Allow',
      Action: [
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
        'secretsmanager:PutSecretValue',
        'secretsmanager:UpdateSecretVersionStage',
      ],
      Resource: [`${ACCOUNT_ARN_PREFIX}prolific/other-webhook-XyZ789`, `${ACCOUNT_ARN_PREFIX}prolific/webhook-??????`],
    });
  });

  it('names the adopted secrets by full ARN when known, by name otherwise, in the target list and the environment', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Value: JSON.stringify([
        { workspaceId: 'by-name', secretId: 'prolific/webhook' },
        { workspaceId: 'by-arn', secretId: `${ACCOUNT_ARN_PREFIX}prolific/other-webhook-XyZ789` },
      ]),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ PROLIFIC_TOKEN_SECRET_ID: TOKEN_ARN }) },
    });
  });

  it('grants the customer-managed keys only through Secrets Manager', () => {
    const statements = rotationStatements(template);

    expect(statements).toContainEqual({
      Sid: 'UseTargetSecretKeys',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: TARGET_KEY_ARN,
      Condition: VIA_SECRETS_MANAGER,
    });
    expect(statements).toContainEqual({
      Sid: 'UseApiTokenKey',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: TOKEN_KEY_ARN,
      Condition: VIA_SECRETS_MANAGER,
    });
    expect(statements).toContainEqual({
      Sid: 'ReadApiToken',
      Effect: 'Allow',
      Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
      Resource: TOKEN_ARN,
    });
  });
});

describe('a secret the construct creates with a customer-managed key', () => {
  it('is encrypted with the key, and the function may use the key through Secrets Manager', () => {
    // Prepare
    let keyArn: unknown;
    const { template } = synthesizeConstruct({ workspaces: [] }, (stack) => {
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
      keyArn = stack.resolve(key.keyArn);
      return { workspaces: [{ workspaceId: 'ws-a', encryptionKey: key }] };
    });

    // Assess
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Description: Match.stringLikeRegexp('workspace ws-a'),
      KmsKeyId: keyArn,
    });
    expect(rotationStatements(template)).toContainEqual({
      Sid: 'UseTargetSecretKeys',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: keyArn,
      Condition: VIA_SECRETS_MANAGER,
    });
  });
});

describe('schedule options', () => {
  it('takes a cron expression in a time zone, with the staleness threshold it then requires', () => {
    // Act
    const { template } = synthesizeConstruct({
      workspaces: [{ workspaceId: 'ws-a' }],
      schedule: ScheduleExpression.expression('cron(0 3 1 * ? *)', TimeZone.EUROPE_LONDON),
      stalenessThreshold: Duration.days(45),
    });

    // Assess
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 3 1 * ? *)',
      ScheduleExpressionTimezone: 'Europe/London',
      Target: { Input: '{"action":"rotate"}' },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'SecondsSinceLastRotation',
      Threshold: 45 * 24 * 60 * 60,
    });
  });

  it('derives the staleness threshold as twice a rate interval', () => {
    const { template } = synthesizeConstruct({
      workspaces: [{ workspaceId: 'ws-a' }],
      schedule: ScheduleExpression.rate(Duration.days(7)),
    });

    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'SecondsSinceLastRotation',
      Threshold: 14 * 24 * 60 * 60,
    });
  });

  it('when disabled, deploys the schedule disabled and leaves out the heartbeat and staleness alarms', () => {
    const { template } = synthesizeConstruct({
      workspaces: [{ workspaceId: 'ws-a' }],
      schedule: ScheduleExpression.expression('cron(0 3 1 * ? *)'),
      scheduleEnabled: false,
    });

    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 3 1 * ? *)',
      State: 'DISABLED',
    });
    expect(template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'SecondsSinceLastRotation' } })).toEqual({});
    // The operational and condition alarms: any run by hand still reports what they watch.
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4 + 6);
  });
});

describe('notifications and API options', () => {
  it('sends every alarm to a topic it is given, and creates none', () => {
    // Prepare
    let topicArn: unknown;
    const { construct, template } = synthesizeConstruct({ workspaces: [] }, (stack) => {
      const topic = sns.Topic.fromTopicArn(stack, 'Topic', 'arn:aws:sns:eu-west-2:123456789012:on-call');
      topicArn = topic.topicArn;
      return { workspaces: [{ workspaceId: 'ws-a' }], alarmTopic: topic };
    });

    // Assess
    template.resourceCountIs('AWS::SNS::Topic', 0);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as { Properties: { AlarmActions: unknown[] } }[];
    expect(alarms).toHaveLength(4 + 6 + 1);
    expect(construct.alarms).toHaveLength(4 + 6 + 1);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([topicArn]);
    }
  });

  it('passes a custom Prolific API base URL, metrics namespace, service name and concurrency to the function', () => {
    const { template } = synthesizeConstruct({
      workspaces: [{ workspaceId: 'ws-a' }],
      prolificApiBaseUrl: 'http://127.0.0.1:8080',
      metricsNamespace: 'Custom',
      serviceName: 'custom-service',
      concurrency: 3,
    });

    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          PROLIFIC_API_BASE_URL: 'http://127.0.0.1:8080',
          POWERTOOLS_METRICS_NAMESPACE: 'Custom',
          POWERTOOLS_SERVICE_NAME: 'custom-service',
          ROTATION_CONCURRENCY: '3',
        }),
      },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Custom',
      MetricName: 'SecondsSinceLastRotation',
      Dimensions: [{ Name: 'service', Value: 'custom-service' }],
    });
  });
});

describe('secretFor and grantRead', () => {
  let stack: Stack;
  let rotation: ProlificWebhookSecretRotation;
  let template: Template;

  beforeAll(() => {
    // Prepare: a receiver function next to the construct.
    stack = new Stack(testApp(), 'ReceiverStack', { env: TEST_ENV });
    rotation = new ProlificWebhookSecretRotation(stack, 'Rotation', {
      workspaces: [{ workspaceId: 'ws-a' }, { workspaceId: 'ws-b' }],
    });
    const receiverRole = new iam.Role(stack, 'ReceiverRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    const receiver = new lambda.Function(stack, 'Receiver', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('export const handler = async () => {};'),
      role: receiverRole,
    });

    // Act
    rotation.grantRead(receiver);
    template = Template.fromStack(stack);
  });

  it('returns the secret of each configured workspace', () => {
    expect(stack.resolve(rotation.secretFor('ws-b').secretArn)).toEqual({
      Ref: stack.getLogicalId(rotation.node.findChild('Secret-ws-b').node.defaultChild as secretsmanager.CfnSecret),
    });
  });

  it('refuses a workspace that is not configured', () => {
    expect(() => rotation.secretFor('ws-z')).toThrow(/No rotation target for workspace "ws-z"/);
  });

  it('lets a receiver read the target secrets and nothing else (not the token)', () => {
    const secretRef = (workspaceId: string) => ({
      Ref: stack.getLogicalId(rotation.node.findChild(`Secret-${workspaceId}`).node.defaultChild as secretsmanager.CfnSecret),
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(stack.node.findChild('ReceiverRole').node.defaultChild as iam.CfnRole) }],
      PolicyDocument: {
        Statement: [
          Match.objectEquals({
            Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
            Effect: 'Allow',
            Resource: [secretRef('ws-a'), secretRef('ws-b')],
          }),
        ],
      },
    });
  });
});

describe('grantReadFor', () => {
  it("lets a receiver of one workspace read that workspace's secret only", () => {
    // Prepare
    const stack = new Stack(testApp(), 'ReceiverStack', { env: TEST_ENV });
    const rotation = new ProlificWebhookSecretRotation(stack, 'Rotation', {
      workspaces: [{ workspaceId: 'ws-a' }, { workspaceId: 'ws-b' }],
    });
    const receiverRole = new iam.Role(stack, 'ReceiverRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

    // Act
    rotation.grantReadFor('ws-b', receiverRole);

    // Assess
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(receiverRole.node.defaultChild as iam.CfnRole) }],
      PolicyDocument: {
        Statement: [
          Match.objectEquals({
            Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
            Effect: 'Allow',
            Resource: { Ref: stack.getLogicalId(rotation.node.findChild('Secret-ws-b').node.defaultChild as secretsmanager.CfnSecret) },
          }),
        ],
      },
    });
    expect(() => rotation.grantReadFor('ws-z', receiverRole)).toThrow(/No rotation target for workspace "ws-z"/);
  });

  it("grants the customer-managed key of that workspace's secret too, through Secrets Manager only", () => {
    // Prepare
    const stack = new Stack(testApp(), 'ReceiverStack', { env: TEST_ENV });
    const secret = secretsmanager.Secret.fromSecretAttributes(stack, 'Adopted', {
      secretCompleteArn: `${ACCOUNT_ARN_PREFIX}prolific/webhook-AbC123`,
      encryptionKey: kms.Key.fromKeyArn(stack, 'Key', TARGET_KEY_ARN),
    });
    const rotation = new ProlificWebhookSecretRotation(stack, 'Rotation', { workspaces: [{ workspaceId: 'ws-a', secret }] });
    const receiverRole = new iam.Role(stack, 'ReceiverRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

    // Act
    rotation.grantReadFor('ws-a', receiverRole);

    // Assess
    const receiverRoles = JSON.stringify([{ Ref: stack.getLogicalId(receiverRole.node.defaultChild as iam.CfnRole) }]);
    const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')) as {
      Properties: { Roles: unknown; PolicyDocument: { Statement: unknown[] } };
    }[];
    const receiverPolicy = policies.find((policy) => JSON.stringify(policy.Properties.Roles) === receiverRoles);
    expect(receiverPolicy?.Properties.PolicyDocument.Statement).toEqual([
      {
        Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
        Effect: 'Allow',
        Resource: `${ACCOUNT_ARN_PREFIX}prolific/webhook-AbC123`,
      },
      { Action: 'kms:Decrypt', Effect: 'Allow', Resource: TARGET_KEY_ARN, Condition: VIA_SECRETS_MANAGER },
    ]);
  });
});

describe('validation of props', () => {
  const targets = (count: number) => Array.from({ length: count }, (_, index) => ({ workspaceId: `ws-${index}` }));

  it.each<[string, Partial<ProlificWebhookSecretRotationProps>, RegExp]>([
    ['no target', { workspaces: [] }, /workspaces must name at least one Prolific workspace/],
    ['a concurrency of 0', { concurrency: 0 }, /concurrency must be a whole number from 1 to 50 known at synthesis, got 0/],
    ['a concurrency above 50', { concurrency: 51 }, /concurrency must be a whole number from 1 to 50/],
    ['a fractional concurrency', { concurrency: 2.5 }, /concurrency must be a whole number from 1 to 50/],
    ['a malformed workspace id', { workspaces: [{ workspaceId: 'ws a' }] }, /workspaces: workspaceId must be 1 to 128/],
    ['a workspace listed twice', { workspaces: [{ workspaceId: 'ws-a' }, { workspaceId: 'ws-a' }] }, /"ws-a" is listed twice/],
    ['ids that differ only in case', { workspaces: [{ workspaceId: 'ws-a' }, { workspaceId: 'WS-A' }] }, /"ws-a" and "WS-A" differ only in letter case/],
    ['a one-time schedule', { schedule: ScheduleExpression.at(new Date('2030-01-01T00:00:00Z')) }, /schedule must be a recurring/],
    ['a rate with the wrong plural', { schedule: ScheduleExpression.expression('rate(1 days)') }, /singular unit for 1/],
    [
      'a cron schedule without a staleness threshold',
      { schedule: ScheduleExpression.expression('cron(0 3 1 * ? *)') },
      /stalenessThreshold is required when schedule is a cron/,
    ],
    ['a zero staleness threshold', { stalenessThreshold: Duration.seconds(0) }, /stalenessThreshold must be positive/],
    [
      'a staleness threshold shorter than the rate interval (the alarm would fire before every rotation)',
      { schedule: ScheduleExpression.rate(Duration.days(30)), stalenessThreshold: Duration.days(7) },
      /^stalenessThreshold \(7 days\) is shorter than the rotation interval of schedule \(30 days\): the staleness alarm would fire before every rotation/,
    ],
    ['an http API URL', { prolificApiBaseUrl: 'http://api.prolific.com' }, /prolificApiBaseUrl must use https:/],
    ['a malformed API URL', { prolificApiBaseUrl: 'api.prolific.com' }, /prolificApiBaseUrl must be a URL/],
    [
      'an API URL with credentials',
      { prolificApiBaseUrl: 'https://user:password@api.prolific.com' },
      /prolificApiBaseUrl must not carry credentials/,
    ],
    ['a malformed e-mail', { alarmEmail: 'not-an-address' }, /alarmEmail must be an e-mail address/],
  ])('rejects %s', (_case, props, message) => {
    const stack = new Stack(testApp(), 'InvalidStack', { env: TEST_ENV });

    expect(() => new ProlificWebhookSecretRotation(stack, 'Rotation', { workspaces: targets(1), ...props })).toThrow(message);
  });

  it('leaves an API URL and an e-mail address unchecked while they are unresolved tokens', () => {
    const stack = new Stack(testApp(), 'TokenStack', { env: TEST_ENV });
    const unresolved = (value: string) => Lazy.string({ produce: () => value });

    expect(
      () =>
        new ProlificWebhookSecretRotation(stack, 'Rotation', {
          workspaces: targets(1),
          prolificApiBaseUrl: unresolved('https://api.prolific.com'),
          alarmEmail: unresolved('rotation-alarms@example.com'),
        }),
    ).not.toThrow();
  });

  it('rejects a secret and an encryption key on the same target', () => {
    const stack = new Stack(testApp(), 'InvalidStack', { env: TEST_ENV });
    const secret = secretsmanager.Secret.fromSecretNameV2(stack, 'Existing', 'prolific/webhook');
    const encryptionKey = kms.Key.fromKeyArn(stack, 'Key', TARGET_KEY_ARN);

    expect(
      () => new ProlificWebhookSecretRotation(stack, 'Rotation', { workspaces: [{ workspaceId: 'ws-a', secret, encryptionKey }] }),
    ).toThrow(/"ws-a" has both secret and encryptionKey/);
  });
});

describe('console test events', () => {
  it('are left out by default', () => {
    const { template } = synthesizeConstruct({ workspaces: [{ workspaceId: 'ws-a' }] });

    template.resourceCountIs('AWS::EventSchemas::Schema', 0);
  });

  it('are deployed with testEvents: one schema in the registry the Lambda console reads', () => {
    const { template } = synthesizeConstruct({ workspaces: [{ workspaceId: 'ws-a' }], testEvents: true });

    template.resourceCountIs('AWS::EventSchemas::Schema', 1);
    template.hasResourceProperties('AWS::EventSchemas::Schema', { RegistryName: 'lambda-testevent-schemas' });
  });
});

describe('one secret is never two workspaces\' or the token\'s', () => {
  it('refuses an adopted secret that is the token secret, named one way for each', () => {
    expect(() =>
      synthesizeConstruct({ workspaces: [] }, (stack) => ({
        workspaces: [
          {
            workspaceId: 'ws-a',
            secret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'A', `${ACCOUNT_ARN_PREFIX}prolific/x-AbC123`),
          },
        ],
        apiTokenSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'Token', 'prolific/x'),
      })),
    ).toThrow(/workspaces: the secret of workspace "ws-a" is the API token secret "prolific\/x"/);
  });

  it('refuses two workspaces adopting the same secret', () => {
    expect(() =>
      synthesizeConstruct({ workspaces: [] }, (stack) => ({
        workspaces: [
          { workspaceId: 'ws-a', secret: secretsmanager.Secret.fromSecretNameV2(stack, 'A', 'prolific/x') },
          {
            workspaceId: 'ws-b',
            secret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'B', `${ACCOUNT_ARN_PREFIX}prolific/x-AbC123`),
          },
        ],
      })),
    ).toThrow(/workspaces: workspaces "ws-a" and "ws-b" have the same secret "prolific\/x"/);
  });
});


describe('what on-call reaches for', () => {
  it('exposes the log group, both dead-letter queues and the dashboard URL, each the resource it names', () => {
    const { construct } = synthesizeConstruct({ workspaces: [{ workspaceId: 'ws-a' }], dashboardName: 'rotation' });
    const stack = Stack.of(construct);
    const logicalIdOf = (token: string) => (stack.resolve(token) as { Ref: string }).Ref;

    expect(logicalIdOf(construct.logGroup.logGroupName)).toMatch(/^RotationFunctionLogs[0-9A-F]{8}$/);
    expect(logicalIdOf(construct.functionDeadLetterQueue.queueUrl)).toMatch(/^RotationFunctionDeadLetterQueue[0-9A-F]{8}$/);
    expect(logicalIdOf(construct.scheduleDeadLetterQueue.queueUrl)).toMatch(/^RotationScheduleDeadLetterQueue[0-9A-F]{8}$/);
    expect(stack.resolve(construct.dashboardUrl)).toEqual({
      'Fn::Join': [
        '',
        ['https://eu-west-2.console.aws.amazon.com/cloudwatch/home?region=eu-west-2#dashboards:name=', { Ref: expect.stringMatching(/^RotationDashboard/) as unknown }],
      ],
    });
  });
});
